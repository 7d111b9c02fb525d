import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../../deps';
import { stepUpActive } from '../../../services/adminStepUp';
import { companyLimitsToday, setCompanyLimits } from '../../../services/limits';
import { currentUser, customerActor } from '../../auth';
import { keepValues, parseForm, type FieldErrors } from '../../forms';
import { invalidLimitsErrors, limitFields } from '../../limitForms';
import { ADMIN_SECRETS, adminSecretFields } from './approval';
import { adminRefusalView, isAdminRefusal } from './stepUp';

/**
 * 振込限度額 (issue 13, item 1): the administrator lowers the company's
 * limits under the bank's (raising back needs, once OTP has started, the
 * administrator's code). Field names are the UI contract (DESIGN §9).
 */
export function limitsRoutes(deps: Deps): Router {
  const router = Router();
  const form = z.object({ ...limitFields(deps.config.transferLimitYen), ...adminSecretFields });

  async function render(res: Response, status: number, errors: FieldErrors = {}, typed: Record<string, string> = {}): Promise<void> {
    const admin = currentUser(res);
    const limits = await companyLimitsToday(deps, admin.companyId);
    const values = { perTransferLimit: String(limits.company.perTransfer), dailyLimit: String(limits.company.daily), ...typed };
    res.status(status).render('admin/limits', { title: '振込限度額', limits, stepUp: await stepUpActive(deps.repos.registrations, admin), errors, values });
  }

  router.get('/limits', async (_req, res) => await render(res, 200));

  router.post('/limits', async (req, res) => {
    const values = keepValues(req.body, ADMIN_SECRETS);
    const parsed = parseForm(form, req.body);
    if (!parsed.ok) return await render(res, 400, parsed.errors, values);
    const { perTransferLimit, dailyLimit, approvalPassword, otp } = parsed.data;
    const result = await setCompanyLimits(deps, currentUser(res), { perTransfer: perTransferLimit, daily: dailyLimit }, { approvalPassword, otp }, customerActor(req, res));
    if (!result.ok) {
      const refused = isAdminRefusal(result) ? adminRefusalView(result) : { status: 400, errors: invalidLimitsErrors(result, '当金庫が設定した') };
      return await render(res, refused.status, refused.errors, values);
    }
    req.session.flash = '振込限度額を設定しました。';
    res.redirect(303, '/admin/limits');
  });

  return router;
}
