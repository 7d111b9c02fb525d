import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Storage } from '../storage/port';
import type { CredentialLocksRepository, LockKind, StaffLocksRepository } from '../repositories/credentialLocks';
import type { LockCounter } from '../repositories/lockCounter';
import type { Staff } from '../repositories/staff';
import type { User } from '../repositories/users';
import { forbidden } from '../errors';
import type { Actor, AuditLog } from './auditLog';
import type { Notices } from './notices';
import type { PasswordHasher } from './passwords';
import type { TokenAuthority } from './tokenAuthority';

/** What the one lockout needs: its threshold, a transaction for a count and its audit entries, the time. */
export interface LockoutDeps {
  config: Pick<Config, 'lockoutThreshold'>;
  storage: Storage;
  clock: Clock;
  audit: AuditLog;
  /** A lock and a replayed code are told to the customer by e-mail, in the transaction that records them (issue 14). */
  notices: Notices;
}

/** A bcrypt-hashed secret under the lockout: bcrypt, and the group commit that carries its writes. */
export interface PasswordGuardDeps extends LockoutDeps {
  hasher: PasswordHasher;
}

/** A customer's password-type secret: the lockout, bcrypt and the customers' counters. */
export interface PasswordCheckDeps extends PasswordGuardDeps {
  repos: { locks: CredentialLocksRepository };
}

/** A one-time password: the lockout, the token authority and the customers' counters. */
export interface OtpDeps extends LockoutDeps {
  tokenAuthority: TokenAuthority;
  repos: { locks: CredentialLocksRepository };
}

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

export function userGuard(locks: CredentialLocksRepository, user: User, kind: LockKind): Guard<LockKind> {
  return { counter: locks, holder: user.id, kind, event: events[kind], companyId: user.companyId, subject: user.loginId, lockDetail: kind };
}

export function staffGuard(staffLocks: StaffLocksRepository, staff: Staff): Guard<'login'> {
  return { counter: staffLocks, holder: staff.id, kind: 'login', event: 'staff.login', companyId: null, subject: staff.staffId, lockDetail: 'staff' };
}

/**
 * A reservation, its release and a right entry's settlement are each one
 * atomic upsert or update of the holder's row, whose condition PostgreSQL
 * re-checks on the row's latest version after waiting for its lock: they
 * hold at READ COMMITTED, in autocommit (one round trip). At SERIALIZABLE,
 * sixteen attempts at once on one row aborted each other past the retries
 * under load (503s in test/pg/twoNodes.test.ts). No fsync either (see below).
 */
const RESERVATION_WRITE = { durability: 'relaxed', isolation: 'readCommitted', single: true } as const;

/**
 * Checks a bcrypt-hashed secret so that the lock holds however many attempts
 * arrive at once, on however many processes (R15, issue 10): the attempt
 * takes its place in the counter before the compare, and past the threshold
 * (failures + attempts in flight) it is not compared at all. A right secret
 * on a locked ID is refused exactly like a wrong one; a correct one resets
 * the count; the threshold-th consecutive wrong one locks. Time alone never
 * unlocks.
 */
export async function checkPassword(deps: PasswordGuardDeps, guard: Guard, plain: string, hash: string | null, actor: Actor): Promise<SecretCheck> {
  const { counter, holder, kind } = guard;
  const now = deps.clock.now();
  // A reservation needs no fsync: lost on a power cut, it is simply not there, which is what the lease
  // makes of an abandoned one anyway. Counted failures and audit entries are durable (group commit).
  const admitted = await deps.storage.transaction(() => counter.reserve(holder, kind, deps.config.lockoutThreshold, now, now - RESERVATION_LEASE_MS), RESERVATION_WRITE);
  if (!admitted) {
    // Still spend a compare so a locked ID answers no faster than another.
    await deps.hasher.verify(plain, null);
    return await deps.storage.transaction(async () => refuseLocked(deps, guard, actor, (await counter.isLocked(holder, kind)) ? 'locked' : 'attemptsInFlight'), { durability: 'group' });
  }
  let matches: boolean;
  try {
    matches = await deps.hasher.verify(plain, hash);
  } catch (error) {
    await deps.storage.transaction(() => counter.release(holder, kind), RESERVATION_WRITE);
    throw error;
  }
  if (!matches) return await deps.storage.transaction(() => recordWrongEntry(deps, guard, actor, undefined, true), { durability: 'group' });
  // Releasing the place and resetting the count need no fsync either: lost on a power cut, the count
  // stays where it was (the safe side) and the place expires with its lease.
  if (await deps.storage.transaction(() => counter.recordSuccess(holder, kind, true), RESERVATION_WRITE)) return { result: 'ok' };
  return await deps.storage.transaction(() => refuseLocked(deps, guard, actor, 'locked'), { durability: 'group' });
}

/** Why an administrator's action was refused at its 承認用パスワード (R9). */
export type ApprovalRefusal =
  | { ok: false; reason: 'approvalWrong'; remaining: number }
  | { ok: false; reason: 'approvalLocked' };

/**
 * Every action of 利用者管理 is confirmed with the acting administrator's own
 * 承認用パスワード; its failures are counted and audited by checkSecret, and the
 * sixth wrong one locks it until the branch unlocks it (R9).
 */
export async function approve(deps: PasswordCheckDeps, admin: User, plain: string, actor: Actor): Promise<ApprovalRefusal | null> {
  if (admin.role !== 'admin') throw forbidden();
  const check = await checkSecret(deps, admin, 'approvalPassword', plain, admin.approvalPasswordHash, actor);
  if (check.result === 'ok') return null;
  return check.result === 'wrong'
    ? { ok: false, reason: 'approvalWrong', remaining: check.remaining }
    : { ok: false, reason: 'approvalLocked' };
}

/** A customer's password-type secret (login, 送信確認, 承認用) under its own counter. */
export function checkSecret(
  deps: PasswordCheckDeps,
  user: User,
  kind: Exclude<LockKind, 'otp'>,
  plain: string,
  hash: string | null,
  actor: Actor,
): Promise<SecretCheck> {
  return checkPassword(deps, userGuard(deps.repos.locks, user, kind), plain, hash, actor);
}

/** A locked (or, mid-race, fully reserved) secret is refused without being checked; the attempt is audited (R9, R11). */
export async function refuseLocked(deps: Pick<LockoutDeps, 'audit'>, guard: Guard, actor: Actor, detail: string): Promise<{ result: 'locked' }> {
  await deps.audit.record(actor, { event: guard.event, outcome: 'failure', companyId: guard.companyId, subject: guard.subject, detail });
  return { result: 'locked' };
}

/**
 * Counts one wrong entry of a secret (R9) and audits it; the threshold-th
 * consecutive one locks that secret and writes a 'lock' entry once. The count
 * and its audit entries are one transaction: never a count without its entry,
 * and one fsync instead of up to three on a path an attacker can drive.
 */
export async function recordWrongEntry(deps: LockoutDeps, guard: Guard, actor: Actor, reason?: string, reserved = false): Promise<SecretCheck> {
  const threshold = deps.config.lockoutThreshold;
  const now = deps.clock.now();
  return await deps.storage.transaction(async (): Promise<SecretCheck> => {
    const state = await guard.counter.recordFailure(guard.holder, guard.kind, threshold, now, reserved);
    const detail = [reason, `failures=${state.failures}`].filter(Boolean).join(' ');
    const base = { companyId: guard.companyId, subject: guard.subject };
    await deps.audit.record(actor, { event: guard.event, outcome: 'failure', ...base, detail });
    if (state.lockedAt === null) return { result: 'wrong', remaining: threshold - state.failures };
    // A locked secret never reaches this point (refused before any compare), so the lock was set just now.
    if (state.lockedAt === now) {
      await deps.audit.record(actor, { event: 'lock', outcome: 'success', ...base, detail: guard.lockDetail });
      // A customer's secret (a staff account has no company, and no customer to tell).
      if (guard.companyId !== null) await deps.notices.locked(guard.holder, guard.kind);
    }
    return { result: 'locked' };
  });
}

/**
 * Why a one-time password that is not accepted was refused, where the holder
 * can do something about it (issue 13): the token's clock seems off (a code
 * of the wider window: 同期ズレ補正 fixes it), or the token is past its
 * 有効期限 (a right code; replace or re-register the token). Carried on the
 * 'wrong' refusal so that callers that only know 'wrong' still refuse.
 */
export type OtpWrongCause = 'outOfSync' | 'expired';

export type OtpSpend =
  | { ok: true; tokenId: number }
  | { ok: false; reason: 'wrong'; remaining: number; cause?: OtpWrongCause }
  | { ok: false; reason: 'locked' }
  /** The code of the step this token accepted last, typed again: not counted (see spendOtp). */
  | { ok: false; reason: 'replayed' };

/**
 * Checks and spends a one-time password a user typed for a credential, under
 * the user's own OTP lockout counter (R9: per user, not per token, and apart
 * from the passwords); used by the transfer confirmation and by token
 * registration alike. A wrong, older replayed or unreadable code is one and
 * the same answer to the user, and counts; the audit entry keeps the real
 * reason. A right code is spent at once (R2: the compare-and-set on the
 * token's last step).
 *
 * One exception (issue 15): the code of exactly the step this token accepted
 * last. It is what the phone still shows for up to 30 s after a transfer or a
 * registration, so the person typing it holds the token and has just used
 * it; a double entry must not push an honest user towards the lock, and the
 * answer "already used, wait for the next code" is what they need. Telling it
 * reveals nothing R9 protects: the last accepted code is no secret to its
 * holder, it can never be accepted again, and hitting it without the token is
 * as unlikely as guessing any code (one in a million per try, rate-limited per
 * user). It is still refused, audited as `replayed` and rate-limited; it
 * neither counts nor resets the counter, and a locked user stays locked.
 * Older spent steps still read as wrong and count.
 *
 * Issue 13: a code found only in the wider 同期ズレ補正 window counts like a
 * wrong one but says why (cause 'outOfSync'), so its holder can resync; a
 * right code of a token past its 有効期限 is refused without counting (cause
 * 'expired'). Neither is said for a code that matches nothing.
 *
 * Call it inside the transaction that acts on the code (the debit, the
 * registration): the lock is read, the code compared, the count or the spend
 * written in one write transaction, so on any number of processes no attempt
 * is compared once the threshold is reached (R15), and a caller that rolls
 * back (funds, a token taken) gives the code back unspent (R14). A refusal
 * returned here is meant to be committed: its count and audit entry stay.
 */
export async function spendOtp(deps: OtpDeps, user: User, credentialId: string, code: string, actor: Actor): Promise<OtpSpend> {
  const { locks } = deps.repos;
  const guard = userGuard(locks, user, 'otp');
  return await deps.storage.transaction(async (): Promise<OtpSpend> => {
    const lock = await locks.get(user.id, 'otp');
    if (lock.lockedAt !== null) {
      await refuseLocked(deps, guard, actor, 'locked');
      return { ok: false, reason: 'locked' };
    }
    const check = await deps.tokenAuthority.validate(credentialId, code, deps.clock.now());
    // ASVS 4.0.3 §2.8.5: a code used a second time is refused, logged and its holder told — committed with the refusal.
    if (check.result === 'replayed') await deps.notices.codeReplayed(user.id);
    if (check.result === 'replayed' && check.lastAccepted) {
      await deps.audit.record(actor, { event: guard.event, outcome: 'failure', companyId: guard.companyId, subject: guard.subject, detail: 'replayed' });
      return { ok: false, reason: 'replayed' };
    }
    if (check.result === 'expired') {
      // A right code of an expired token proves its holder: told as such, not counted (issue 13).
      await deps.audit.record(actor, { event: guard.event, outcome: 'failure', companyId: guard.companyId, subject: guard.subject, detail: `expired ${check.expiresOn}` });
      return { ok: false, reason: 'wrong', remaining: deps.config.lockoutThreshold - lock.failures, cause: 'expired' };
    }
    // consume() cannot fail after validate() in the same write transaction; were it to, it reads as a replay.
    const result = check.result === 'ok' && !await deps.tokenAuthority.consume(check) ? 'replayed' : check.result;
    if (check.result === 'ok' && result === 'ok') {
      // Nothing to reset in the usual case: no statement at all (not even a write that matches no row).
      if (lock.failures > 0) await locks.recordSuccess(user.id, 'otp');
      return { ok: true, tokenId: check.tokenId };
    }
    // A code of the wider window counts like any wrong one (R9, R15): the lock caps every kind of attempt.
    const counted = await recordWrongEntry(deps, guard, actor, result);
    if (counted.result !== 'wrong') return { ok: false, reason: 'locked' };
    return { ok: false, reason: 'wrong', remaining: counted.remaining, ...(result === 'outOfSync' && { cause: 'outOfSync' as const }) };
  });
}
