import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../../../deps';
import type { UsageMode } from '../../../../repositories/registrations';
import { primarySlot } from '../../../../services/otp/overview';
import { registerPrimaryToken } from '../../../../services/otp/registration';
import { currentUser, customerActor } from '../../../auth';
import { keepValues, parseForm, type FieldErrors } from '../../../forms';
import { finishStep, refusalView, registerForm, SECRETS, subjectOf } from './forms';

const TITLES: Record<UsageMode, string> = {
  individual: 'トークンを管理者に登録',
  shared: 'トークンを全利用者に対して登録',
};

/** ④ トークン登録: ④-1 (A) / ④-2 (B) of §3(2), the primary token; its registration starts OTP (R7). */
export function otpRegisterRoutes(deps: Deps, otpLimit: RequestHandler): Router {
  const router = Router();

  function render(res: Response, status: number, usageMode: UsageMode, errors: FieldErrors = {}, values: Record<string, string> = {}): void {
    res.status(status).render('admin/otp/register', { title: TITLES[usageMode], usageMode, errors, values });
  }

  /** ④ applies only with a mode chosen and its token not yet registered; otherwise where the customer belongs. */
  async function usableMode(req: Request, res: Response): Promise<UsageMode | null> {
    const { usageMode, registration } = await primarySlot(deps.repos.registrations, currentUser(res));
    if (!usageMode) {
      res.redirect(303, '/admin/otp/mode');
      return null;
    }
    if (registration) {
      req.session.flash = usageMode === 'shared' ? '共用トークンはすでに登録されています。' : '管理者のトークンはすでに登録されています。';
      res.redirect(303, '/admin/otp');
      return null;
    }
    return usageMode;
  }

  router.get('/otp/register', async (req, res) => {
    const usageMode = await usableMode(req, res);
    if (usageMode) render(res, 200, usageMode);
  });

  router.post('/otp/register', otpLimit, async (req, res) => {
    const usageMode = await usableMode(req, res);
    if (!usageMode) return;
    const values = keepValues(req.body, SECRETS);
    const form = parseForm(registerForm, req.body);
    if (!form.ok) return render(res, 400, usageMode, form.errors, values);
    const admin = currentUser(res);
    const result = await registerPrimaryToken(deps, admin, form.data, customerActor(req, res));
    if (!result.ok) {
      const { status, errors } = refusalView(result);
      return render(res, status, usageMode, errors, values);
    }
    finishStep(req, admin.id, {
      subject: subjectOf(usageMode === 'shared' ? null : admin),
      credentialId: result.credentialId,
      operation: 'register',
      startedOtp: true,
    });
    res.redirect(303, '/admin/otp/complete');
  });

  return router;
}
