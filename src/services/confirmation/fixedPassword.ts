import type { RegistrationsRepository } from '../../repositories/registrations';
import { checkSecret, type PasswordCheckDeps } from '../secretCheck';
import type { ConfirmationVerifier } from './verifier';

export interface FixedPasswordDeps extends PasswordCheckDeps {
  repos: PasswordCheckDeps['repos'] & { registrations: RegistrationsRepository };
}

/**
 * The fixed 送信確認パスワード under its own lockout counter (R9); it can be
 * spent any number of times until OTP starts.
 */
export function fixedPasswordVerifier(deps: FixedPasswordDeps): ConfirmationVerifier {
  return {
    method: 'transferPassword',
    async precheck(user, secret, actor) {
      const check = await checkSecret(deps, user, 'transferPassword', secret, user.transferPasswordHash, actor);
      if (check.result === 'ok') return { ok: true };
      return check.result === 'wrong' ? { ok: false, reason: 'wrong', remaining: check.remaining } : { ok: false, reason: 'locked' };
    },
    // R7: the company may have started OTP while bcrypt ran; asked again inside the debit transaction,
    // the switch-over can never let one more transfer through on the fixed password.
    async spend(user) {
      return (await deps.repos.registrations.state(user.companyId)).otpStartedAt === null ? { ok: true } : { ok: false, reason: 'refused' };
    },
  };
}
