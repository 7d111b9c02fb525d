import type { RegistrationsRepository, UsageMode } from '../../repositories/registrations';
import { spendOtp, type OtpDeps } from '../secretCheck';
import type { ConfirmationVerifier } from './verifier';

export interface OtpVerifierDeps extends OtpDeps {
  repos: OtpDeps['repos'] & { registrations: RegistrationsRepository };
}

/**
 * 振込内容確認 after OTP started (manual §3(4)): the code of the token
 * registered for the user (A) or the company (B), checked and spent inside
 * the debit transaction.
 */
export function otpVerifier(deps: OtpVerifierDeps, usageMode: UsageMode | null): ConfirmationVerifier {
  return {
    method: 'otp',
    async spend(user, code, actor) {
      const registration = await deps.repos.registrations.forUser(user.companyId, user.id, usageMode);
      if (!registration) {
        // R7: in A a transfer user without a token cannot confirm; the page says whom to ask.
        await deps.audit.record(actor, { event: 'otp.verify', outcome: 'failure', subject: user.loginId, detail: 'noToken' });
        return { ok: false, reason: 'noToken' };
      }
      const spent = await spendOtp(deps, user, registration.credentialId, code, actor);
      return spent.ok ? { ok: true } : spent;
    },
  };
}
