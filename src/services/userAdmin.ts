import type { Uses } from '../deps';
import { notFound, forbidden } from '../errors';
import type { LockKind } from '../repositories/credentialLocks';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';
import { authorizeAdmin, spendStepUp, type AdminSecrets, type StepUpRefusal } from './adminStepUp';
import type { ApprovalRefusal, OtpDeps, PasswordCheckDeps } from './secretCheck';
import { hashNewUser, insertUser, LoginIdTakenError } from './users';

export type AddUserResult = { ok: true; user: User } | ApprovalRefusal | StepUpRefusal | { ok: false; reason: 'loginIdTaken' };
export type UnlockResult = { ok: true; kinds: LockKind[] } | ApprovalRefusal | StepUpRefusal | { ok: false; reason: 'notLocked' };
export type ResetResult = { ok: true } | ApprovalRefusal | StepUpRefusal;

/** An administrator action: the 承認用パスワード, and once OTP has started the administrator's code (issue 13). */
export type AdminActionDeps = PasswordCheckDeps & OtpDeps & Uses<never, 'registrations'>;

export interface AddUserInput {
  loginId: string;
  name: string;
  password: string;
  transferPassword: string;
  canTransfer: boolean;
  /** Where the user's notices go (issue 14), normalised; none when not given. */
  email?: string | null | undefined;
}

/** New secrets for a user; at least one is given (the form checks that). */
export interface NewSecrets {
  password?: string | undefined;
  transferPassword?: string | undefined;
}

/** 利用者管理: the company's users, each with the secrets locked (R9). */
export async function userList(repos: Uses<never, 'users' | 'locks'>['repos'], admin: User): Promise<{ user: User; lockedKinds: LockKind[] }[]> {
  const locked = await repos.locks.lockedKindsByUser(admin.companyId);
  return (await repos.users.listByCompany(admin.companyId)).map((user) => ({ user, lockedKinds: locked.get(user.id) ?? [] }));
}

/** 利用者情報: one user of the administrator's company (another company's id: 404) and its locks. */
export async function userDetail(repos: Uses<never, 'users' | 'locks'>['repos'], admin: User, userId: number): Promise<{ user: User; lockedKinds: LockKind[] }> {
  const user = await repos.users.findInCompany(admin.companyId, userId);
  if (!user) throw notFound();
  return { user, lockedKinds: (await repos.locks.lockedKindsByUser(admin.companyId)).get(user.id) ?? [] };
}

/**
 * The user an administrator may act on: one of the own company's 利用者.
 * Another company's id reads as absent (404). The administrator's own ID is
 * unlocked and reset only at the branch (R9), so posting for it is refused
 * (403). No form ever posts such ids, so the attempt is audited.
 */
export async function managedUser(deps: Uses<'audit', 'users'>, admin: User, userId: number, actor: Actor): Promise<User> {
  const target = await deps.repos.users.findInCompany(admin.companyId, userId);
  if (target?.role === 'user') return target;
  await deps.audit.record(actor, {
    event: 'access.denied',
    outcome: 'failure',
    subject: target?.loginId ?? null,
    detail: target ? 'administrator' : `userId=${userId}`,
  });
  throw target ? forbidden() : notFound();
}

/** 利用者追加: a 利用者 of the administrator's company. */
export async function addUser(
  deps: AdminActionDeps & Uses<'hasher' | 'clock' | 'storage' | 'audit', 'users' | 'emails'>,
  admin: User,
  input: AddUserInput,
  secrets: AdminSecrets,
  actor: Actor,
): Promise<AddUserResult> {
  // The approval comes first: a session left open must not be able to probe
  // which login IDs exist (they are unique across companies) without it.
  const authorized = await authorizeAdmin(deps, admin, 'addUser', secrets, actor);
  if (!authorized.ok) return authorized;
  // bcrypt runs before the transaction: a transaction must not span an await.
  const row = await hashNewUser(deps, { ...input, companyId: admin.companyId, role: 'user', approvalPassword: null });
  try {
    const user = await deps.storage.transaction(async (): Promise<User | StepUpRefusal> => {
      const code = await spendStepUp(deps, admin, authorized.stepUp, actor);
      if (code) return code;
      // A login ID taken meanwhile throws: the code spent above is given back with the rollback (R14).
      const inserted = await insertUser(deps, row);
      if (input.email) await deps.repos.emails.setEmail(inserted.id, input.email);
      const detail = input.canTransfer ? '都度振込権限あり' : '都度振込権限なし';
      await deps.audit.record(actor, { event: 'user.add', outcome: 'success', subject: inserted.loginId, detail });
      return inserted;
    });
    return 'ok' in user ? user : { ok: true, user };
  } catch (err) {
    if (err instanceof LoginIdTakenError) return { ok: false, reason: 'loginIdTaken' };
    throw err;
  }
}

/** ロック解除: lifts every lock of a 利用者 — login, 送信確認, OTP alike (R9). */
export async function unlockUser(
  deps: AdminActionDeps & Uses<'storage' | 'audit', 'users' | 'locks'>,
  admin: User,
  userId: number,
  secrets: AdminSecrets,
  actor: Actor,
): Promise<UnlockResult> {
  const target = await managedUser(deps, admin, userId, actor);
  // Nothing to lift: say so without spending an approval attempt.
  if (!(await deps.repos.locks.lockedKindsByUser(admin.companyId)).has(target.id)) return { ok: false, reason: 'notLocked' };
  const authorized = await authorizeAdmin(deps, admin, 'unlockUser', secrets, actor);
  if (!authorized.ok) return authorized;
  return await deps.storage.transaction(async (): Promise<UnlockResult> => {
    // Read again inside the transaction: another administrator's session may have unlocked meanwhile
    // (then the code is not spent).
    const kinds = (await deps.repos.locks.lockedKindsByUser(admin.companyId)).get(target.id) ?? [];
    if (kinds.length === 0) return { ok: false, reason: 'notLocked' };
    const code = await spendStepUp(deps, admin, authorized.stepUp, actor);
    if (code) return code;
    await deps.repos.locks.unlockAll(target.id);
    await deps.audit.record(actor, { event: 'unlock', outcome: 'success', subject: target.loginId, detail: kinds.join(',') });
    return { ok: true, kinds };
  });
}

/** パスワード再設定: new ログインパスワード and/or 送信確認パスワード for a 利用者. */
export async function resetPasswords(
  deps: AdminActionDeps & Uses<'hasher' | 'storage' | 'audit', 'users' | 'sessions'>,
  admin: User,
  userId: number,
  secrets: NewSecrets,
  confirm: AdminSecrets,
  actor: Actor,
): Promise<ResetResult> {
  const target = await managedUser(deps, admin, userId, actor);
  const authorized = await authorizeAdmin(deps, admin, 'resetPassword', confirm, actor);
  if (!authorized.ok) return authorized;
  const [passwordHash, transferPasswordHash] = await Promise.all([
    secrets.password === undefined ? undefined : deps.hasher.hash(secrets.password),
    secrets.transferPassword === undefined ? undefined : deps.hasher.hash(secrets.transferPassword),
  ]);
  return await deps.storage.transaction(async (): Promise<ResetResult> => {
    const code = await spendStepUp(deps, admin, authorized.stepUp, actor);
    if (code) return code;
    if (passwordHash) await deps.repos.users.updatePasswordHash(target.id, passwordHash);
    if (transferPasswordHash) await deps.repos.users.updateTransferPasswordHash(target.id, transferPasswordHash);
    // A new password ends the sessions opened with the old one (someone may have learned it).
    if (passwordHash) await deps.repos.sessions.deleteForUser(target.id);
    const which = [passwordHash && 'password', transferPasswordHash && 'transferPassword'].filter(Boolean).join(',');
    await deps.audit.record(actor, { event: 'user.password_reset', outcome: 'success', subject: target.loginId, detail: which });
    // The holder is told in the same transaction (issue 14; ASVS 2.2.3): a reset they did not ask for is seen.
    const changed = [...(passwordHash ? (['password'] as const) : []), ...(transferPasswordHash ? (['transferPassword'] as const) : [])];
    await deps.notices.passwordChanged(target.id, changed, `管理者（${admin.loginId}）による再設定`);
    return { ok: true };
  });
}
