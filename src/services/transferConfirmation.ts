import type { Deps } from '../deps';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';
import { otpVerifier } from './otpConfirmation';
import { checkSecret } from './secretCheck';

export type ConfirmationMethod = 'transferPassword' | 'otp';

export type Verification =
  | { ok: true; consume: () => boolean }
  | { ok: false; reason: 'wrong' | 'locked'; remaining?: number }
  /** OTP has started but no token confirms this user's transfers (R7). */
  | { ok: false; reason: 'noToken' };

/**
 * The one seam between a transfer and the secret that confirms it (manual §1,
 * §3(4)): today the fixed 送信確認パスワード; once the company has started
 * OTP (R7), a one-time password. confirmTransfer knows nothing else.
 */
export interface ConfirmationVerifier {
  /** Which secret the 振込内容確認 screen asks for: 'transferPassword' now, 'otp' once OTP has started. */
  readonly method: ConfirmationMethod;
  /**
   * Checks the secret (async: bcrypt) and returns, on success, a consume() that runs INSIDE the debit
   * transaction and returns false if the secret can no longer be spent (for OTP: the atomic single-use
   * compare-and-set, R2).
   */
  verify(user: User, secret: string, actor: Actor): Promise<Verification>;
}

/** The fixed 送信確認パスワード under its own lockout counter (R9); it can be spent any number of times until OTP starts. */
export function fixedPasswordVerifier(deps: Deps): ConfirmationVerifier {
  return {
    method: 'transferPassword',
    async verify(user, secret, actor) {
      const check = await checkSecret(deps, user, 'transferPassword', secret, user.transferPasswordHash, actor);
      // R7: the company may have started OTP while bcrypt ran; asked again inside the debit job, the
      // switch-over can never let one more transfer through on the fixed password.
      if (check.result === 'ok') return { ok: true, consume: () => deps.repos.registrations.state(user.companyId).otpStartedAt === null };
      if (check.result === 'wrong') return { ok: false, reason: 'wrong', remaining: check.remaining };
      return { ok: false, reason: 'locked' };
    },
  };
}

/**
 * The verifier of one user's confirmation: the single place the OTP
 * switch-over happens. Once the company has started OTP the fixed password is
 * refused for every user, for good (R7, manual §2). Picked once per request,
 * so the company's OTP state is read once however often the request asks
 * which secret applies (issue 5).
 */
export function confirmationVerifierFor(deps: Deps, user: User): ConfirmationVerifier {
  const { usageMode, otpStartedAt } = deps.repos.registrations.state(user.companyId);
  return otpStartedAt === null ? fixedPasswordVerifier(deps) : otpVerifier(deps, usageMode);
}
