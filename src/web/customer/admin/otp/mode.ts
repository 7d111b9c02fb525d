import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../../deps';
import { setUsageMode } from '../../../../services/otp/mode';
import { otpGuidance, otpOverview } from '../../../../services/otp/overview';
import { currentUser, customerActor } from '../../../auth';
import { parseForm, type FieldErrors } from '../../../forms';
import { MODE_FIXED_MESSAGE } from './forms';

const modeForm = z.object({
  mode: z.enum(['individual', 'shared'], { error: '利用形態を選択してください。' }),
});

/** ② 利用形態設定 (§3(2)②③): A or B, then 次へ to ④-1 / ④-2. */
export function otpModeRoutes(deps: Deps): Router {
  const router = Router();

  // The current mode is pre-selected, so 次へ alone carries on with it.
  async function render(res: Response, status: number, errors: FieldErrors = {}): Promise<void> {
    const overview = await otpOverview(deps.repos, currentUser(res).companyId);
    res.status(status).render('admin/otp/mode', {
      title: '利用形態設定',
      selected: overview.usageMode,
      modeFixed: otpGuidance(overview).modeFixed,
      modeFixedMessage: MODE_FIXED_MESSAGE,
      errors,
    });
  }

  router.get('/otp/mode', async (_req, res) => await render(res, 200));

  router.post('/otp/mode', async (req, res) => {
    const form = parseForm(modeForm, req.body);
    if (!form.ok) return await render(res, 400, form.errors);
    const result = await setUsageMode(deps, currentUser(res), form.data.mode, customerActor(req, res));
    if (!result.ok) return await render(res, 400, { mode: MODE_FIXED_MESSAGE });
    // A new pass through §3(2) starts here: an earlier selection or result no longer applies.
    delete req.session.otpWizard;
    res.redirect(303, '/admin/otp/register');
  });

  return router;
}
