import type { Deps } from '../deps';
import type { LockKind } from '../repositories/credentialLocks';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';

export type SecretCheck =
  | { result: 'ok' }
  | { result: 'wrong'; remaining: number }
  | { result: 'locked' };

const events: Record<LockKind, string> = {
  login: 'login',
  transferPassword: 'transfer_password.verify',
  approvalPassword: 'approval_password.verify',
  otp: 'otp.verify',
};

/**
 * Checks one of a user's secrets under its own lockout counter (R9): a locked
 * secret is refused without being compared; a correct one resets the count;
 * the threshold-th consecutive wrong one locks it. Time alone never unlocks.
 */
export async function checkSecret(
  deps: Deps,
  user: User,
  kind: Exclude<LockKind, 'otp'>,
  plain: string,
  hash: string | null,
  actor: Actor,
): Promise<SecretCheck> {
  const { locks } = deps.repos;
  const lock = locks.get(user.id, kind);
  if (lock.lockedAt !== null) {
    // Still spend a compare so a locked ID answers no faster than another.
    await deps.hasher.verify(plain, null);
    return refuseLocked(deps, user, kind, actor);
  }
  if (await deps.hasher.verify(plain, hash)) {
    // As for one-time passwords (checkOtp): no statement when there is nothing to reset.
    if (lock.failures > 0) locks.recordSuccess(user.id, kind);
    return { result: 'ok' };
  }
  return recordWrongEntry(deps, user, kind, actor);
}

/** A locked secret is refused without being checked; the attempt is audited (R9, R11). */
export function refuseLocked(deps: Deps, user: User, kind: LockKind, actor: Actor): { result: 'locked' } {
  deps.audit.record(actor, { event: events[kind], outcome: 'failure', companyId: user.companyId, subject: user.loginId, detail: 'locked' });
  return { result: 'locked' };
}

/**
 * Counts one wrong entry of a secret (R9) and audits it; the threshold-th
 * consecutive one locks that secret and writes a 'lock' entry once. The count
 * and its audit entries are one transaction: never a count without its entry,
 * and one fsync instead of up to three on a path an attacker can drive.
 */
export function recordWrongEntry(deps: Deps, user: User, kind: LockKind, actor: Actor, reason?: string): SecretCheck {
  const threshold = deps.config.lockoutThreshold;
  const now = deps.clock.now();
  return deps.db.transaction((): SecretCheck => {
    const state = deps.repos.locks.recordFailure(user.id, kind, threshold, now);
    const detail = [reason, `failures=${state.failures}`].filter(Boolean).join(' ');
    const base = { companyId: user.companyId, subject: user.loginId };
    deps.audit.record(actor, { event: events[kind], outcome: 'failure', ...base, detail });
    if (state.lockedAt === null) return { result: 'wrong', remaining: threshold - state.failures };
    if (state.lockedAt === now) deps.audit.record(actor, { event: 'lock', outcome: 'success', ...base, detail: kind });
    return { result: 'locked' };
  })();
}
