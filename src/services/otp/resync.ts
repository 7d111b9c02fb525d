import { maskCredentialId } from '../../domain/token';
import type { Registration, RegistrationsRepository } from '../../repositories/registrations';
import type { User } from '../../repositories/users';
import type { Actor } from '../auditLog';
import { recordWrongEntry, refuseLocked, userGuard, type Guard, type OtpDeps } from '../secretCheck';

/**
 * 同期ズレ補正 (issue 13, item 3): a token whose clock drifted is
 * re-synchronised by its holder with two consecutive codes; the drift they
 * prove is recorded (RFC 6238 §6) and later codes are looked for around it.
 *
 * Whose token: the one that confirms the signed-in user's transfers — the
 * own token in A, the company's shared token in B. In B every user of the
 * company confirms with the shared token, so every one of them may resync
 * it: typing two consecutive codes proves the phone is at hand, which is all
 * the drift depends on, and a resync can only move the window to where the
 * token's codes really are. Mistakes count on the typing user's own OTP lock
 * (R9: per user, so one user's mistakes never lock another's OTP).
 */

export type ResyncResult =
  | { ok: true; credentialId: string; drift: number }
  /** No token serves this user (A: none registered; no 利用形態 yet). */
  | { ok: false; reason: 'noToken' }
  | { ok: false; reason: 'wrong'; remaining: number }
  | { ok: false; reason: 'locked' }
  /** Two right codes of a token past its 有効期限: nothing to resync (not counted). */
  | { ok: false; reason: 'expired'; expiresOn: string };

export type ResyncDeps = OtpDeps & { repos: OtpDeps['repos'] & { registrations: RegistrationsRepository } };

/** The token 同期ズレ補正 acts on for this user: the own one (A) or the shared one (B). */
export async function resyncTarget(registrations: Pick<RegistrationsRepository, 'serving'>, user: User): Promise<Registration | undefined> {
  return await registrations.serving(user.companyId, user.id);
}

/**
 * Checks the two codes, spends both steps and records the drift, in one
 * write transaction with the user's OTP lock (R15): the same compare-and-set
 * on the token's last step as every other use (R2), so the two codes can
 * never confirm a transfer or anything else afterwards (R13), and codes
 * already spent elsewhere read as wrong and count (R9).
 */
export async function resyncToken(deps: ResyncDeps, user: User, first: string, second: string, actor: Actor): Promise<ResyncResult> {
  const { locks } = deps.repos;
  // Attempts are audited as 同期ズレ補正, counted on the user's one OTP counter.
  const guard: Guard = { ...userGuard(locks, user, 'otp'), event: 'otp.resync' };
  const record = async (outcome: 'success' | 'failure', detail: string) =>
    await deps.audit.record(actor, { event: 'otp.resync', outcome, companyId: user.companyId, subject: user.loginId, detail });
  return await deps.storage.transaction(async (): Promise<ResyncResult> => {
    const target = await resyncTarget(deps.repos.registrations, user);
    if (!target) {
      await record('failure', 'noToken');
      return { ok: false, reason: 'noToken' };
    }
    const lock = await locks.get(user.id, 'otp');
    if (lock.lockedAt !== null) {
      await refuseLocked(deps, guard, actor, 'locked');
      return { ok: false, reason: 'locked' };
    }
    const now = deps.clock.now();
    const check = await deps.tokenAuthority.resync(target.credentialId, first, second, now);
    if (check.result === 'expired') {
      await record('failure', `expired ${check.expiresOn}`);
      return { ok: false, reason: 'expired', expiresOn: check.expiresOn };
    }
    if (check.result === 'ok' && await deps.tokenAuthority.recordResync(check, now)) {
      if (lock.failures > 0) await locks.recordSuccess(user.id, 'otp');
      await record('success', `${maskCredentialId(target.credentialId)} drift=${check.drift}`);
      return { ok: true, credentialId: target.credentialId, drift: check.drift };
    }
    const counted = await recordWrongEntry(deps, guard, actor, check.result === 'ok' ? 'replayed' : check.result);
    return counted.result === 'wrong' ? { ok: false, reason: 'wrong', remaining: counted.remaining } : { ok: false, reason: 'locked' };
  });
}
