import type { Deps } from '../deps';
import { maskCredentialId } from '../domain/token';
import { notFound } from '../errors';
import type { Registration, UsageMode } from '../repositories/registrations';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';
import { checkOtp } from './otpConfirmation';
import { approve, type ApprovalRefusal } from './userAdmin';

/** Why a step of ワンタイムパスワード認証情報管理 cannot be taken now (checked before any secret is spent). */
export type StateRefusal = {
  ok: false;
  reason: 'noMode' | 'registered' | 'notRegistered' | 'adminFirst' | 'sharedMode' | 'branchOnly' | 'modeFixed';
};
export type CodeRefusal =
  | { ok: false; reason: 'codeWrong'; remaining: number | null }
  | { ok: false; reason: 'codeLocked' }
  | { ok: false; reason: 'taken' };
export type RegisterResult = { ok: true; credentialId: string } | StateRefusal | ApprovalRefusal | CodeRefusal;
export type UnregisterResult = { ok: true; credentialId: string } | StateRefusal | ApprovalRefusal;

export interface RegisterInput {
  credentialId: string;
  otp: string;
  approvalPassword: string;
}

const refuse = (reason: StateRefusal['reason']): StateRefusal => ({ ok: false, reason });

/** Thrown inside a registration's transaction so that all of it rolls back. */
class Abort extends Error {
  constructor(readonly refusal: CodeRefusal | StateRefusal) {
    super(refusal.reason);
  }
}

/** 利用形態設定 (§3(2)③, R5): free until the first token is registered, fixed from then on. */
export function setUsageMode(deps: Deps, admin: User, mode: UsageMode, actor: Actor): { ok: true } | StateRefusal {
  const { registrations } = deps.repos;
  if (registrations.state(admin.companyId).usageMode === mode) return { ok: true };
  return deps.db.transaction(() => {
    if (!registrations.setUsageMode(admin.companyId, mode)) return refuse('modeFixed');
    deps.audit.record(actor, { event: 'otp.mode', outcome: 'success', subject: null, detail: mode });
    return { ok: true as const };
  })();
}

/**
 * ④-1 / ④-2 (§3(2)): the administrator's own token (A) or the token every
 * user shares (B). Its registration starts OTP for the company (R7).
 */
export function registerPrimaryToken(deps: Deps, admin: User, input: RegisterInput, actor: Actor): Promise<RegisterResult> {
  const { usageMode } = deps.repos.registrations.state(admin.companyId);
  if (!usageMode) return Promise.resolve(refuse('noMode'));
  const userId = usageMode === 'shared' ? null : admin.id;
  return register(deps, admin, { userId, subject: userId === null ? '共用トークン' : admin.loginId }, input, actor);
}

/** §3(3): a 利用者's own token, in A, after the administrator's is registered. */
export function registerUserToken(deps: Deps, admin: User, target: User, input: RegisterInput, actor: Actor): Promise<RegisterResult> {
  const state = userSlotState(deps, admin, target);
  if (state) return Promise.resolve(state);
  return register(deps, admin, { userId: target.id, subject: target.loginId }, input, actor);
}

/** A user of the administrator's company; another company's id reads as absent (404). */
export function companyUser(deps: Deps, admin: User, userId: number): User {
  const user = deps.repos.users.findInCompany(admin.companyId, userId);
  if (!user) throw notFound();
  return user;
}

/** Why the per-user screen cannot register for this user, or null when it can. */
function userSlotState(deps: Deps, admin: User, target: User): StateRefusal | null {
  const { registrations } = deps.repos;
  const { usageMode } = registrations.state(admin.companyId);
  if (!usageMode) return refuse('noMode');
  if (usageMode === 'shared') return refuse('sharedMode');
  if (target.role === 'admin') return refuse('branchOnly');
  if (!registrations.forUser(admin.companyId, admin.id, usageMode)) return refuse('adminFirst');
  if (registrations.forUser(admin.companyId, target.id, usageMode)) return refuse('registered');
  return null;
}

async function register(
  deps: Deps,
  admin: User,
  slot: { userId: number | null; subject: string },
  input: RegisterInput,
  actor: Actor,
): Promise<RegisterResult> {
  const { registrations, tokens } = deps.repos;
  const companyId = admin.companyId;
  const { usageMode } = registrations.state(companyId);
  if (registrations.forUser(companyId, slot.userId ?? admin.id, usageMode)) return refuse('registered');
  // R6: the approval comes first, so an open session cannot probe tokens without it.
  const refused = await approve(deps, admin, input.approvalPassword, actor);
  if (refused) return refused;
  // The code is typed by the administrator: wrong ones count on the administrator's OTP counter (R9).
  const code = checkOtp(deps, admin, input.credentialId, input.otp, actor);
  if (!code.ok) return code.reason === 'locked' ? { ok: false, reason: 'codeLocked' } : { ok: false, reason: 'codeWrong', remaining: code.remaining };
  try {
    return deps.db.transaction((): RegisterResult => {
      if (registrations.forUser(companyId, slot.userId ?? admin.id, usageMode)) throw new Abort(refuse('registered'));
      // R5: a token never serves two companies, and in A never two users.
      if (!tokens.bindToCompany(code.check.tokenId, companyId)) throw new Abort({ ok: false, reason: 'taken' });
      if (registrations.listForCompany(companyId).some((r) => r.tokenId === code.check.tokenId)) {
        throw new Abort({ ok: false, reason: 'taken' });
      }
      // R2: the registration spends its code, so it cannot confirm a transfer afterwards.
      if (!deps.tokenAuthority.consume(code.check)) throw new Abort({ ok: false, reason: 'codeWrong', remaining: null });
      registrations.insert({ companyId, userId: slot.userId, tokenId: code.check.tokenId, registeredAt: deps.clock.now(), registeredBy: admin.loginId });
      if (slot.userId === null || slot.userId === admin.id) registrations.markOtpStarted(companyId, deps.clock.now());
      deps.audit.record(actor, { event: 'otp.register', outcome: 'success', subject: slot.subject, detail: maskCredentialId(input.credentialId) });
      return { ok: true, credentialId: input.credentialId };
    }).immediate();
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
    deps.audit.record(actor, { event: 'otp.register', outcome: 'failure', subject: slot.subject, detail: err.refusal.reason });
    return err.refusal;
  }
}

/** Q1 on the customer side: the administrator unregisters a 利用者's token; the own or shared one only at the branch (R8). */
export async function unregisterUserToken(deps: Deps, admin: User, target: User, approvalPassword: string, actor: Actor): Promise<UnregisterResult> {
  const { registrations } = deps.repos;
  const { usageMode } = registrations.state(admin.companyId);
  if (target.role === 'admin' || usageMode === 'shared') {
    deps.audit.record(actor, { event: 'otp.unregister', outcome: 'failure', subject: target.loginId, detail: 'branchOnly' });
    return refuse('branchOnly');
  }
  const registration = registrations.forUser(admin.companyId, target.id, usageMode);
  if (!registration) return refuse('notRegistered');
  const refused = await approve(deps, admin, approvalPassword, actor);
  if (refused) return refused;
  return deps.db.transaction((): UnregisterResult => {
    if (!registrations.delete(registration.id)) return refuse('notRegistered');
    deps.audit.record(actor, { event: 'otp.unregister', outcome: 'success', subject: target.loginId, detail: maskCredentialId(registration.credentialId) });
    return { ok: true, credentialId: registration.credentialId };
  })();
}

export interface OtpOverview {
  usageMode: UsageMode | null;
  otpStartedAt: number | null;
  /** The token every user shares (B). */
  shared: Registration | undefined;
  users: { user: User; registration: Registration | undefined; otpLocked: boolean }[];
}

/** ワンタイムパスワード認証情報: the mode and every user's token state; the branch console shows the same. */
export function otpOverview(deps: Deps, companyId: number): OtpOverview {
  const { registrations, users, locks } = deps.repos;
  const state = registrations.state(companyId);
  const all = registrations.listForCompany(companyId);
  const locked = locks.lockedKindsByUser(companyId);
  return {
    ...state,
    shared: all.find((r) => r.userId === null),
    users: users.listByCompany(companyId).map((user) => ({
      user,
      registration: all.find((r) => r.userId === user.id),
      otpLocked: locked.get(user.id)?.includes('otp') ?? false,
    })),
  };
}
