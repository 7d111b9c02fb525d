import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../../deps';
import { noticeFor } from '../../../../services/otp/expiry';
import { otpGuidance, otpOverview, selectionPlan } from '../../../../services/otp/overview';
import { currentUser } from '../../../auth';
import { parseForm, type FieldErrors } from '../../../forms';
import { idParam } from '../../../params';
import { MODE_FIXED_MESSAGE } from './forms';

// One ticked 選択 posts a string, several post an array.
const selectionForm = z.object({
  userIds: z.preprocess(
    (v) => (v === undefined ? [] : [v].flat()),
    z.array(z.string()).min(1, '利用者を選択してください。'),
  ),
});

/** ① ワンタイムパスワード認証情報 (§3(2)①, §3(3)①): the mode, every user's token, and 選択 → 登録・登録解除. */
export function otpOverviewRoutes(deps: Deps): Router {
  const router = Router();

  async function render(res: Response, status: number, errors: FieldErrors = {}): Promise<void> {
    const overview = await otpOverview(deps.repos, currentUser(res).companyId);
    // 有効期限 (issue 13): every registered token within the notice period, with whom it serves.
    const now = deps.clock.now();
    const registered = overview.usageMode === 'shared'
      ? (overview.shared ? [{ user: undefined, registration: overview.shared }] : [])
      : overview.users.flatMap(({ user, registration }) => (registration ? [{ user, registration }] : []));
    const expiring = registered.flatMap(({ user, registration }) => {
      const notice = noticeFor(registration, now);
      return notice ? [{ user, registration, notice }] : [];
    });
    res.status(status).render('admin/otp/index', {
      title: 'ワンタイムパスワード認証情報',
      overview,
      expiring,
      adminId: overview.users.find((u) => u.user.role === 'admin')?.user.id,
      guidance: otpGuidance(overview),
      modeFixedMessage: MODE_FIXED_MESSAGE,
      errors,
    });
  }

  router.get('/otp', async (_req, res) => await render(res, 200));

  router.post('/otp/selection', async (req, res) => {
    const form = parseForm(selectionForm, req.body);
    if (!form.ok) return await render(res, 400, form.errors);
    const plan = await selectionPlan(deps.repos, currentUser(res), form.data.userIds.map(idParam));
    req.session.otpWizard = { queue: plan.queue };
    res.redirect(303, plan.start === 'primary' ? '/admin/otp/register' : `/admin/otp/users/${plan.start}`);
  });

  return router;
}
