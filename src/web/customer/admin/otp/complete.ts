import { Router } from 'express';
import type { Deps } from '../../../../deps';
import { maskCredentialId } from '../../../../domain/token';
import { otpGuidance, otpOverview } from '../../../../services/otp/overview';
import { currentUser } from '../../../auth';

/**
 * ⑤ 登録完了 / 登録解除完了 (§3(2)⑤, §3(3)③): the result of the step just
 * taken, who in A still needs a token (§2), and 次の利用者へ while selected
 * users remain.
 */
export function otpCompleteRoutes(deps: Deps): Router {
  const router = Router();

  router.get('/otp/complete', async (req, res) => {
    const wizard = req.session.otpWizard;
    if (!wizard?.done) return res.redirect(303, '/admin/otp');
    const overview = await otpOverview(deps.repos, currentUser(res).companyId);
    const { done } = wizard;
    res.render('admin/otp/complete', {
      title: done.operation === 'register' ? '登録完了' : '登録解除完了',
      done,
      maskedCredentialId: maskCredentialId(done.credentialId),
      usageMode: overview.usageMode,
      missing: otpGuidance(overview).missing,
      next: overview.users.find((u) => u.user.id === wizard.queue[0])?.user,
    });
  });

  return router;
}
