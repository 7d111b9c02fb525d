import type { Deps } from '../deps';
import type { LockKind } from '../repositories/credentialLocks';
import type { LockCounter } from '../repositories/lockCounter';
import type { Staff } from '../repositories/staff';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';

export type SecretCheck =
  | { result: 'ok' }
  | { result: 'wrong'; remaining: number }
  | { result: 'locked' };

/**
 * One secret under its lock counter (R9), and how its attempts are audited:
 * a customer's login, 送信確認, 承認用 or one-time password, or a staff
 * password. Every secret with a lock is checked through this one shape.
 */
export interface Guard<Kind extends string = string> {
  counter: LockCounter<Kind>;
  holder: number;
  kind: Kind;
  event: string;
  companyId: number | null;
  subject: string;
  /** What the 'lock' audit entry says was locked. */
  lockDetail: string;
}

const events: Record<LockKind, string> = {
  login: 'login',
  transferPassword: 'transfer_password.verify',
  approvalPassword: 'approval_password.verify',
  otp: 'otp.verify',
};

/**
 * A reservation older than this was abandoned by a process that died
 * mid-compare (a compare takes ~0.25 s, its queue at most ~12 s): it counts as
 * no attempt, since its answer never reached anyone.
 */
export const RESERVATION_LEASE_MS = 120_000;

export function userGuard(deps: Deps, user: User, kind: LockKind): Guard<LockKind> {
  return { counter: deps.repos.locks, holder: user.id, kind, event: events[kind], companyId: user.companyId, subject: user.loginId, lockDetail: kind };
}

export function staffGuard(deps: Deps, staff: Staff): Guard<'login'> {
  return { counter: deps.repos.staffLocks, holder: staff.id, kind: 'login', event: 'staff.login', companyId: null, subject: staff.staffId, lockDetail: 'staff' };
}

/**
 * Checks a bcrypt-hashed secret so that the lock holds however many attempts
 * arrive at once, on however many processes (R15, issue 10): the attempt
 * takes its place in the counter before the compare, and past the threshold
 * (failures + attempts in flight) it is not compared at all. A right secret
 * on a locked ID is refused exactly like a wrong one; a correct one resets
 * the count; the threshold-th consecutive wrong one locks. Time alone never
 * unlocks.
 */
export async function checkPassword(deps: Deps, guard: Guard, plain: string, hash: string | null, actor: Actor): Promise<SecretCheck> {
  const { counter, holder, kind } = guard;
  const now = deps.clock.now();
  if (!counter.reserve(holder, kind, deps.config.lockoutThreshold, now, now - RESERVATION_LEASE_MS)) {
    // Still spend a compare so a locked ID answers no faster than another.
    await deps.hasher.verify(plain, null);
    return refuseLocked(deps, guard, actor, counter.isLocked(holder, kind) ? 'locked' : 'attemptsInFlight');
  }
  let matches: boolean;
  try {
    matches = await deps.hasher.verify(plain, hash);
  } catch (error) {
    counter.release(holder, kind);
    throw error;
  }
  if (!matches) return recordWrongEntry(deps, guard, actor, undefined, true);
  if (counter.recordSuccess(holder, kind, true)) return { result: 'ok' };
  return refuseLocked(deps, guard, actor, 'locked');
}

/** A customer's password-type secret (login, 送信確認, 承認用) under its own counter. */
export function checkSecret(
  deps: Deps,
  user: User,
  kind: Exclude<LockKind, 'otp'>,
  plain: string,
  hash: string | null,
  actor: Actor,
): Promise<SecretCheck> {
  return checkPassword(deps, userGuard(deps, user, kind), plain, hash, actor);
}

/** A locked (or, mid-race, fully reserved) secret is refused without being checked; the attempt is audited (R9, R11). */
export function refuseLocked(deps: Deps, guard: Guard, actor: Actor, detail: string): { result: 'locked' } {
  deps.audit.record(actor, { event: guard.event, outcome: 'failure', companyId: guard.companyId, subject: guard.subject, detail });
  return { result: 'locked' };
}

/**
 * Counts one wrong entry of a secret (R9) and audits it; the threshold-th
 * consecutive one locks that secret and writes a 'lock' entry once. The count
 * and its audit entries are one transaction: never a count without its entry,
 * and one fsync instead of up to three on a path an attacker can drive.
 */
export function recordWrongEntry(deps: Deps, guard: Guard, actor: Actor, reason?: string, reserved = false): SecretCheck {
  const threshold = deps.config.lockoutThreshold;
  const now = deps.clock.now();
  return deps.db.transaction((): SecretCheck => {
    const state = guard.counter.recordFailure(guard.holder, guard.kind, threshold, now, reserved);
    const detail = [reason, `failures=${state.failures}`].filter(Boolean).join(' ');
    const base = { companyId: guard.companyId, subject: guard.subject };
    deps.audit.record(actor, { event: guard.event, outcome: 'failure', ...base, detail });
    if (state.lockedAt === null) return { result: 'wrong', remaining: threshold - state.failures };
    // A locked secret never reaches this point (refused before any compare), so the lock was set just now.
    if (state.lockedAt === now) deps.audit.record(actor, { event: 'lock', outcome: 'success', ...base, detail: guard.lockDetail });
    return { result: 'locked' };
  })();
}
