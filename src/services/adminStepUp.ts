import { needsCode, type AdminAction } from '../domain/adminStepUp';
import type { RegistrationsRepository } from '../repositories/registrations';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';
import { approve, spendOtp, type ApprovalRefusal, type OtpDeps, type OtpWrongCause, type PasswordCheckDeps } from './secretCheck';

/**
 * The administrator's one-time password for an administrator action (issue 13,
 * item 2; the table is src/domain/adminStepUp.ts). Planned before the
 * 承認用パスワード's bcrypt compare (a missing code costs no approval attempt),
 * spent inside the action's own write transaction with the same single-use
 * compare-and-set as a transfer (R2, R13): a code spent here can never confirm
 * a transfer, nor the other way round, and an action that rolls back gives it
 * back unspent (R14). Wrong codes count on the administrator's OTP lock (R9).
 */

export type StepUpRefusal =
  | { ok: false; reason: 'codeMissing' }
  /** OTP has started but the administrator's (A) or shared (B) token is not registered (the branch removed it, Q1). */
  | { ok: false; reason: 'noAdminToken' }
  /** cause: the token's clock seems off, or it is past its 有効期限 (issue 13), as spendOtp tells it. */
  | { ok: false; reason: 'codeWrong'; remaining: number; cause?: OtpWrongCause }
  | { ok: false; reason: 'codeLocked' }
  | { ok: false; reason: 'codeReplayed' };

/** The code to spend and the credential it must come from; null when the action needs none. */
export type StepUp = { credentialId: string; code: string } | null;

/** What an administrator types to confirm an action: the 承認用パスワード, and the one-time password where needed. */
export interface AdminSecrets {
  approvalPassword: string;
  otp?: string | undefined;
}

/** Whether the administrator's company has started OTP, i.e. whether the forms ask for the code at all. */
export const stepUpActive = async (registrations: Pick<RegistrationsRepository, 'state'>, admin: User): Promise<boolean> =>
  (await registrations.state(admin.companyId)).otpStartedAt !== null;

/** Decides, before any secret is checked, whether the action needs a code and whether one was typed. */
export async function planStepUp(
  registrations: Pick<RegistrationsRepository, 'state' | 'forUser'>,
  admin: User,
  action: AdminAction,
  code: string | undefined,
): Promise<{ ok: true; stepUp: StepUp } | StepUpRefusal> {
  const { otpStartedAt, usageMode } = await registrations.state(admin.companyId);
  if (!needsCode(action, otpStartedAt !== null)) return { ok: true, stepUp: null };
  // The administrator's own token in A, the shared one in B (R5).
  const registration = await registrations.forUser(admin.companyId, admin.id, usageMode);
  if (!registration) return { ok: false, reason: 'noAdminToken' };
  if (code === undefined) return { ok: false, reason: 'codeMissing' };
  return { ok: true, stepUp: { credentialId: registration.credentialId, code } };
}

/**
 * Spends the planned code. Call it inside the action's write transaction and
 * return (do not throw) its refusal, so a wrong code's count and audit entry
 * commit; throw to roll back a right one with the action.
 */
export async function spendStepUp(deps: OtpDeps, admin: User, stepUp: StepUp, actor: Actor): Promise<StepUpRefusal | null> {
  if (stepUp === null) return null;
  const spent = await spendOtp(deps, admin, stepUp.credentialId, stepUp.code, actor);
  if (spent.ok) return null;
  switch (spent.reason) {
    case 'locked':
      return { ok: false, reason: 'codeLocked' };
    case 'replayed':
      return { ok: false, reason: 'codeReplayed' };
    default:
      return { ok: false, reason: 'codeWrong', remaining: spent.remaining, ...(spent.cause && { cause: spent.cause }) };
  }
}

/**
 * The checks before an administrator action's transaction: is a code needed
 * and typed (nothing is compared if not), then the 承認用パスワード (bcrypt,
 * which cannot run inside a transaction). Hand the answer's stepUp to
 * spendStepUp inside the transaction.
 */
export async function authorizeAdmin(
  deps: PasswordCheckDeps & { repos: { registrations: Pick<RegistrationsRepository, 'state' | 'forUser'> } },
  admin: User,
  action: AdminAction,
  secrets: AdminSecrets,
  actor: Actor,
): Promise<{ ok: true; stepUp: StepUp } | StepUpRefusal | ApprovalRefusal> {
  const plan = await planStepUp(deps.repos.registrations, admin, action, secrets.otp);
  if (!plan.ok) return plan;
  return (await approve(deps, admin, secrets.approvalPassword, actor)) ?? plan;
}
