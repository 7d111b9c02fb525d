import { maskCredentialId } from '../../domain/token';
import type { Registration } from '../../repositories/registrations';
import type { User } from '../../repositories/users';
import type { Actor } from '../auditLog';
import { approve, spendOtp, type ApprovalRefusal, type OtpSpend } from '../secretCheck';
import { companyUser } from './overview';
import { codeRefusal, type CodeRefusal, type RegistrationDeps } from './registration';
import { resyncTarget } from './resync';

/**
 * トークン切替 (issue 13, item 4): the holder's token is replaced by a new
 * one while the old one still works — without the branch, because a code of
 * the old token proves the request comes from its holder, as the branch's
 * paper form and seal do for Q1 (which stays for lost phones). The slot is
 * the user's own token (A) or the shared one (B); the switch is one write
 * transaction: both codes spent, the registration moved to the new token,
 * the audit entry. The old token is released: no registration holds it any
 * more, so none of its codes confirms anything; it stays bound to the
 * company (R5), so it can never serve another one.
 */

export interface ReplaceInput {
  oldOtp: string;
  credentialId: string;
  otp: string;
  approvalPassword: string;
}

export type OldCodeRefusal =
  | { ok: false; reason: 'oldCodeWrong'; remaining: number; outOfSync: boolean }
  | { ok: false; reason: 'oldCodeLocked' }
  | { ok: false; reason: 'oldCodeReplayed' }
  /** The old token is past its 有効期限: too late to switch; unregister and register (Q1) instead. */
  | { ok: false; reason: 'oldExpired' };

export type ReplaceStateRefusal = { ok: false; reason: 'notRegistered' | 'sameToken' | 'stale' };
export type ReplaceResult =
  | { ok: true; oldCredentialId: string; credentialId: string; subject: string }
  | ReplaceStateRefusal
  | ApprovalRefusal
  | OldCodeRefusal
  | CodeRefusal;

export interface ReplaceSlot {
  user: User;
  /** The token replaced: the user's own (A) or the company's shared one (B). */
  registration: Registration | undefined;
}

/** One user of the administrator's company (another company's id: 404) and the token that serves the user. */
export async function replaceSlot(deps: Pick<RegistrationDeps, 'repos'>, admin: User, userId: number): Promise<ReplaceSlot> {
  const user = await companyUser(deps.repos.users, admin, userId);
  return { user, registration: await resyncTarget(deps.repos.registrations, user) };
}

/** Thrown inside the switch's transaction so that all of it rolls back — the codes it spent included. */
class Abort extends Error {
  constructor(readonly refusal: ReplaceStateRefusal | CodeRefusal) {
    super(refusal.reason);
  }
}

/** Thrown to give back a right new code after checking it: it is spent only once the old one is. */
class GiveBack extends Error {}

function oldCodeRefusal(spent: Exclude<OtpSpend, { ok: true }>): OldCodeRefusal {
  if (spent.reason === 'locked') return { ok: false, reason: 'oldCodeLocked' };
  if (spent.reason === 'replayed') return { ok: false, reason: 'oldCodeReplayed' };
  if (spent.cause === 'expired') return { ok: false, reason: 'oldExpired' };
  return { ok: false, reason: 'oldCodeWrong', remaining: spent.remaining, outOfSync: spent.cause === 'outOfSync' };
}

export async function replaceToken(deps: RegistrationDeps, admin: User, userId: number, input: ReplaceInput, actor: Actor): Promise<ReplaceResult> {
  const { registrations, tokens } = deps.repos;
  const slot = await replaceSlot(deps, admin, userId);
  const current = slot.registration;
  const subject = current?.userId === null ? '共用トークン' : slot.user.loginId;
  const audit = async (outcome: 'success' | 'failure', detail: string) =>
    await deps.audit.record(actor, { event: 'otp.replace', outcome, subject, detail });
  if (!current) return { ok: false, reason: 'notRegistered' };
  if (current.credentialId === input.credentialId) return { ok: false, reason: 'sameToken' };
  // R6: the approval first, so an open session cannot probe tokens without it.
  const denied = await approve(deps, admin, input.approvalPassword, actor);
  if (denied) return denied;
  try {
    return await deps.storage.transaction(async (): Promise<ReplaceResult> => {
      // The page was read before the approval's compare: the slot must still hold the same token.
      if ((await resyncTarget(registrations, slot.user))?.tokenId !== current.tokenId) throw new Abort({ ok: false, reason: 'stale' });
      // Both codes are typed by the administrator and count on the administrator's OTP lock (R9). The new
      // one is checked first and given back, so a wrong new code never spends the old one, and a wrong
      // old code never spends the new one; every count stays committed.
      const probe = await checkNewCode(deps, admin, input, actor);
      if (probe) return probe;
      const old = await spendOtp(deps, admin, current.credentialId, input.oldOtp, actor);
      if (!old.ok) return oldCodeRefusal(old);
      const fresh = await spendOtp(deps, admin, input.credentialId, input.otp, actor);
      if (!fresh.ok) throw new Abort(codeRefusal(fresh));
      // R5: a token never serves two companies, and is registered in one place at a time.
      if (!await tokens.bindToCompany(fresh.tokenId, admin.companyId)) throw new Abort({ ok: false, reason: 'taken' });
      if ((await registrations.listForCompany(admin.companyId)).some((r) => r.tokenId === fresh.tokenId)) throw new Abort({ ok: false, reason: 'taken' });
      const moved = await registrations.replaceToken({ id: current.id, oldTokenId: current.tokenId, newTokenId: fresh.tokenId, at: deps.clock.now(), by: admin.loginId });
      if (!moved) throw new Abort({ ok: false, reason: 'stale' });
      await audit('success', `${maskCredentialId(current.credentialId)} → ${maskCredentialId(input.credentialId)}`);
      await deps.notices.tokenChanged(admin.companyId, current.userId ?? 'shared', 'replace', input.credentialId, `管理者（${admin.loginId}）`);
      return { ok: true, oldCredentialId: current.credentialId, credentialId: input.credentialId, subject };
    });
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
    await audit('failure', err.refusal.reason);
    return err.refusal;
  }
}

/** The new token's code, checked under the lock and given back when right; a refusal (its count kept) otherwise. */
async function checkNewCode(deps: RegistrationDeps, admin: User, input: ReplaceInput, actor: Actor): Promise<CodeRefusal | null> {
  let refusal: CodeRefusal | null = null;
  try {
    await deps.storage.transaction(async () => {
      const spent = await spendOtp(deps, admin, input.credentialId, input.otp, actor);
      if (spent.ok) throw new GiveBack();
      refusal = codeRefusal(spent);
    });
  } catch (err) {
    if (!(err instanceof GiveBack)) throw err;
  }
  return refusal;
}
