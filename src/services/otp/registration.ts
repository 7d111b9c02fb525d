import { primaryHolder, slotRefusal, type SlotRefusal } from '../../domain/otpSlot';
import { maskCredentialId } from '../../domain/token';
import type { RegistrationsRepository } from '../../repositories/registrations';
import type { TokensRepository } from '../../repositories/tokens';
import type { User, UsersRepository } from '../../repositories/users';
import { authorizeAdmin, spendStepUp, type AdminSecrets, type StepUpRefusal } from '../adminStepUp';
import type { Actor } from '../auditLog';
import { approve, spendOtp, type ApprovalRefusal, type OtpDeps, type PasswordCheckDeps } from '../secretCheck';
import { userSlot, type UserSlot } from './overview';

/**
 * ④ トークン登録 (§3(2)④-1/④-2) and the users' registration and
 * unregistration (§3(3), Q1): what may be done comes from the one slot rule
 * (src/domain/otpSlot.ts), checked before any secret is spent.
 */

export type StateRefusal = { ok: false; reason: SlotRefusal | 'primaryRegistered' };
export type CodeRefusal =
  /** cause outOfSync: the code is of the wider window, the new token's clock seems off (issue 13). */
  | { ok: false; reason: 'codeWrong'; remaining: number | null; cause?: 'outOfSync' }
  /** A right code of a token past its 有効期限: it cannot be registered (issue 13). */
  | { ok: false; reason: 'tokenExpired' }
  | { ok: false; reason: 'codeLocked' }
  /** The code of the step the token accepted last, typed again: wait for the next one (not counted, see spendOtp). */
  | { ok: false; reason: 'codeReplayed' }
  | { ok: false; reason: 'taken' };
export type RegisterResult = { ok: true; credentialId: string } | StateRefusal | ApprovalRefusal | CodeRefusal;
export type UnregisterResult = { ok: true; credentialId: string } | StateRefusal | ApprovalRefusal;

export interface RegisterInput {
  credentialId: string;
  otp: string;
  approvalPassword: string;
}

export type RegistrationDeps = PasswordCheckDeps &
  OtpDeps & { repos: { registrations: RegistrationsRepository; tokens: TokensRepository; users: UsersRepository } };

const refuse = (reason: StateRefusal['reason']): StateRefusal => ({ ok: false, reason });

/** Thrown inside a registration's transaction so that all of it rolls back — the code it spent included. */
class Abort extends Error {
  constructor(readonly refusal: CodeRefusal | StateRefusal) {
    super(refusal.reason);
  }
}

/**
 * ④-1 / ④-2: the administrator's own token (A) or the token every user
 * shares (B) — the primary token. Its registration starts OTP (R7).
 */
export async function registerPrimaryToken(deps: RegistrationDeps, admin: User, input: RegisterInput, actor: Actor): Promise<RegisterResult> {
  const { usageMode } = await deps.repos.registrations.state(admin.companyId);
  if (!usageMode) return Promise.resolve(refuse('noMode'));
  const userId = primaryHolder(usageMode, admin.id);
  return register(deps, admin, { userId, subject: userId === null ? '共用トークン' : admin.loginId, primary: true }, input, actor);
}

/** §3(3): a 利用者's own token, in A, after the administrator's is registered. */
export async function registerUserToken(deps: RegistrationDeps, admin: User, userId: number, input: RegisterInput, actor: Actor): Promise<RegisterResult> {
  const slot = await userSlot(deps.repos, admin, userId);
  const refused = slotRefusal(slot, 'register');
  if (refused) return Promise.resolve(refuse(refused));
  return register(deps, admin, { userId: slot.user.id, subject: slot.user.loginId, primary: false }, input, actor);
}

async function register(
  deps: RegistrationDeps,
  admin: User,
  slot: { userId: number | null; subject: string; primary: boolean },
  input: RegisterInput,
  actor: Actor,
): Promise<RegisterResult> {
  const { registrations, tokens } = deps.repos;
  const companyId = admin.companyId;
  const { usageMode } = await registrations.state(companyId);
  const taken = async (): Promise<boolean> => await registrations.forUser(companyId, slot.userId ?? admin.id, usageMode) !== undefined;
  if (await taken()) return refuse(slot.primary ? 'primaryRegistered' : 'registered');
  // R6: the approval comes first, so an open session cannot probe tokens without it.
  const refused = await approve(deps, admin, input.approvalPassword, actor);
  if (refused) return refused;
  try {
    return await deps.storage.transaction(async (): Promise<RegisterResult> => {
      if (await taken()) throw new Abort(refuse(slot.primary ? 'primaryRegistered' : 'registered'));
      // The code is typed by the administrator: wrong ones count on the administrator's OTP counter (R9),
      // and are committed with it; a right one is spent here (R2), and given back if anything below aborts.
      const code = await spendOtp(deps, admin, input.credentialId, input.otp, actor);
      if (!code.ok) return codeRefusal(code);
      // R5: a token never serves two companies, and in A never two users.
      if (!await tokens.bindToCompany(code.tokenId, companyId)) throw new Abort({ ok: false, reason: 'taken' });
      if ((await registrations.listForCompany(companyId)).some((r) => r.tokenId === code.tokenId)) throw new Abort({ ok: false, reason: 'taken' });
      const now = deps.clock.now();
      await registrations.insert({ companyId, userId: slot.userId, tokenId: code.tokenId, registeredAt: now, registeredBy: admin.loginId });
      if (slot.primary) await registrations.markOtpStarted(companyId, now);
      await deps.audit.record(actor, { event: 'otp.register', outcome: 'success', subject: slot.subject, detail: maskCredentialId(input.credentialId) });
      await deps.notices.tokenChanged(companyId, slot.userId ?? 'shared', 'register', input.credentialId, `管理者（${admin.loginId}）`);
      return { ok: true, credentialId: input.credentialId };
    });
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
    await deps.audit.record(actor, { event: 'otp.register', outcome: 'failure', subject: slot.subject, detail: err.refusal.reason });
    return err.refusal;
  }
}

export function codeRefusal(code: Exclude<Awaited<ReturnType<typeof spendOtp>>, { ok: true }>): CodeRefusal {
  switch (code.reason) {
    case 'locked':
      return { ok: false, reason: 'codeLocked' };
    case 'replayed':
      return { ok: false, reason: 'codeReplayed' };
    default:
      if (code.cause === 'expired') return { ok: false, reason: 'tokenExpired' };
      return { ok: false, reason: 'codeWrong', remaining: code.remaining, ...(code.cause && { cause: code.cause }) };
  }
}

/** Q1 on the customer side: the administrator unregisters a 利用者's token; the primary one only at the branch (R8). */
export async function unregisterUserToken(
  deps: RegistrationDeps,
  admin: User,
  userId: number,
  secrets: AdminSecrets,
  actor: Actor,
): Promise<UnregisterResult | StepUpRefusal> {
  const slot: UserSlot = await userSlot(deps.repos, admin, userId);
  const refused = slotRefusal(slot, 'unregister');
  if (refused === 'branchOnly') {
    await deps.audit.record(actor, { event: 'otp.unregister', outcome: 'failure', subject: slot.user.loginId, detail: 'branchOnly' });
  }
  if (refused) return refuse(refused);
  const registration = slot.registration!;
  // Once OTP has started, also the administrator's code (issue 13), spent with the unregistration or not at all.
  const authorized = await authorizeAdmin(deps, admin, 'unregisterUserToken', secrets, actor);
  if (!authorized.ok) return authorized;
  return await deps.storage.transaction(async (): Promise<UnregisterResult | StepUpRefusal> => {
    if (!await deps.repos.registrations.forUser(admin.companyId, slot.user.id, slot.usageMode)) return refuse('notRegistered');
    const code = await spendStepUp(deps, admin, authorized.stepUp, actor);
    if (code) return code;
    await deps.repos.registrations.delete(registration.id);
    await deps.audit.record(actor, { event: 'otp.unregister', outcome: 'success', subject: slot.user.loginId, detail: maskCredentialId(registration.credentialId) });
    await deps.notices.tokenChanged(admin.companyId, slot.user.id, 'unregister', registration.credentialId, `管理者（${admin.loginId}）`);
    return { ok: true, credentialId: registration.credentialId };
  });
}
