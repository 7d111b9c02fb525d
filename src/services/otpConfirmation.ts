import type { Deps } from '../deps';
import type { UsageMode } from '../repositories/registrations';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';
import { recordWrongEntry, refuseLocked, userGuard } from './secretCheck';
import type { CodeCheck } from './tokenAuthority';
import type { ConfirmationVerifier, Verification } from './transferConfirmation';

export type OtpCheck =
  | { ok: true; check: Extract<CodeCheck, { result: 'ok' }> }
  | { ok: false; reason: 'wrong'; remaining: number }
  | { ok: false; reason: 'locked' };

/**
 * Checks a one-time password a user typed for a credential, under the user's
 * own OTP lockout counter (R9: per user, not per token, and apart from the
 * passwords). A wrong, replayed or unreadable code is one and the same answer
 * to the user, so a refusal never tells that a reused code was otherwise
 * valid; the audit entry keeps the real reason. Nothing is spent here: the
 * caller consumes the step inside its own transaction.
 *
 * The code is checked in microseconds, without awaiting anything, so the lock
 * is read, the code compared and the count written inside one write
 * transaction (BEGIN IMMEDIATE): on any number of processes, no attempt is
 * compared once the threshold is reached (R15). A transaction that writes
 * nothing costs no fsync.
 */
export function checkOtp(deps: Deps, user: User, credentialId: string, code: string, actor: Actor): OtpCheck {
  const guard = userGuard(deps, user, 'otp');
  return deps.db.transaction((): OtpCheck => {
    const lock = deps.repos.locks.get(user.id, 'otp');
    if (lock.lockedAt !== null) {
      refuseLocked(deps, guard, actor, 'locked');
      return { ok: false, reason: 'locked' };
    }
    const check = deps.tokenAuthority.validate(credentialId, code, deps.clock.now());
    if (check.result === 'ok') {
      // Nothing to reset in the usual case: no statement at all (not even a write that matches no row).
      if (lock.failures > 0) deps.repos.locks.recordSuccess(user.id, 'otp');
      return { ok: true, check };
    }
    const counted = recordWrongEntry(deps, guard, actor, check.result);
    return counted.result === 'wrong' ? { ok: false, reason: 'wrong', remaining: counted.remaining } : { ok: false, reason: 'locked' };
  }).immediate();
}

/**
 * 振込内容確認 after OTP started (manual §3(4)): the code of the token
 * registered for the user (A) or the company (B). The caller has read the
 * company's 利用形態 with its OTP state already.
 */
export function otpVerifier(deps: Deps, usageMode: UsageMode | null): ConfirmationVerifier {
  return {
    method: 'otp',
    verify(user, code, actor): Promise<Verification> {
      const registration = deps.repos.registrations.forUser(user.companyId, user.id, usageMode);
      if (!registration) {
        // R7: in A a transfer user without a token cannot confirm; the page says whom to ask.
        deps.audit.record(actor, { event: 'otp.verify', outcome: 'failure', subject: user.loginId, detail: 'noToken' });
        return Promise.resolve({ ok: false, reason: 'noToken' });
      }
      const result = checkOtp(deps, user, registration.credentialId, code, actor);
      if (!result.ok) return Promise.resolve(result);
      return Promise.resolve({ ok: true, consume: () => deps.tokenAuthority.consume(result.check) });
    },
  };
}
