import crypto from 'node:crypto';
import type { Uses } from '../deps';
import { maskEmail } from '../domain/email';
import type { EmailChange } from '../repositories/emails';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';
import { authorizeAdmin, spendStepUp, type AdminSecrets, type StepUpRefusal } from './adminStepUp';
import type { ApprovalRefusal } from './secretCheck';
import { managedUser, type AdminActionDeps } from './userAdmin';

/** Wrong codes a pending change survives; the next one voids it. */
export const EMAIL_CODE_ATTEMPTS = 5;
/** A new code at most this often per user: each one is a mail to an address nobody has confirmed yet. */
export const EMAIL_CODE_RESEND_MS = 60_000;

export type RequestResult = { ok: true; expiresAt: number } | { ok: false; reason: 'unchanged' | 'tooSoon' };
export type ConfirmResult =
  | { ok: true; email: string }
  | { ok: false; reason: 'noChange' | 'expired' | 'exhausted' }
  | { ok: false; reason: 'wrong'; remaining: number };

type EmailDeps = Uses<'storage' | 'clock' | 'audit' | 'notices' | 'config', 'emails'>;

const hashCode = (userId: number, code: string): string => crypto.createHash('sha256').update(`${userId}:${code}`).digest('hex');

/** メールアドレス設定: the user's own address and the change waiting for its code, if any. */
export async function emailSettings(repos: Uses<never, 'emails'>['repos'], user: User): Promise<{ email: string | null; pending: EmailChange | undefined }> {
  return { email: (await repos.emails.recipient(user.id))?.email ?? null, pending: await repos.emails.change(user.id) };
}

/**
 * A user changes their own address (issue 14): a six-digit code goes to the
 * new address, written to the outbox in the transaction that stores the
 * pending change, so the address becomes the notice address only once its
 * owner has typed the code back. The code is kept as a hash.
 */
export async function requestEmailChange(deps: EmailDeps, user: User, email: string, actor: Actor): Promise<RequestResult> {
  const now = deps.clock.now();
  return await deps.storage.transaction(async (): Promise<RequestResult> => {
    if ((await deps.repos.emails.recipient(user.id))?.email === email) return { ok: false, reason: 'unchanged' };
    const pending = await deps.repos.emails.change(user.id);
    if (pending && now - pending.createdAt < EMAIL_CODE_RESEND_MS) return { ok: false, reason: 'tooSoon' };
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = now + deps.config.mail.codeTtlMs;
    await deps.repos.emails.putChange({ userId: user.id, email, codeHash: hashCode(user.id, code), createdAt: now, expiresAt });
    await deps.notices.emailCode(user.id, email, code, expiresAt);
    await deps.audit.record(actor, { event: 'email.change_request', outcome: 'success', subject: user.loginId, detail: maskEmail(email) });
    return { ok: true, expiresAt };
  });
}

/**
 * The code typed back: the new address replaces the old one, and the old
 * address is told (a hijacked session cannot move the notices away unseen).
 * A wrong code counts; the fifth voids the change, as does its expiry.
 */
export async function confirmEmailChange(deps: EmailDeps, user: User, code: string, actor: Actor): Promise<ConfirmResult> {
  const now = deps.clock.now();
  const result = await deps.storage.transaction(async (): Promise<ConfirmResult> => {
    const { emails } = deps.repos;
    const pending = await emails.change(user.id);
    if (!pending) return { ok: false, reason: 'noChange' };
    if (pending.expiresAt <= now) {
      await emails.deleteChange(user.id);
      return { ok: false, reason: 'expired' };
    }
    const typed = Buffer.from(hashCode(user.id, code));
    if (!crypto.timingSafeEqual(typed, Buffer.from(pending.codeHash))) {
      const attempts = await emails.countAttempt(user.id);
      if (attempts < EMAIL_CODE_ATTEMPTS) return { ok: false, reason: 'wrong', remaining: EMAIL_CODE_ATTEMPTS - attempts };
      await emails.deleteChange(user.id);
      return { ok: false, reason: 'exhausted' };
    }
    const old = (await emails.recipient(user.id))?.email ?? null;
    await emails.setEmail(user.id, pending.email);
    await emails.deleteChange(user.id);
    await deps.notices.emailChanged(user.id, old, pending.email, 'ご本人（メールアドレス設定）');
    await deps.audit.record(actor, { event: 'email.change', outcome: 'success', subject: user.loginId, detail: maskEmail(pending.email) });
    return { ok: true, email: pending.email };
  });
  if (!result.ok) await deps.audit.record(actor, { event: 'email.change', outcome: 'failure', subject: user.loginId, detail: result.reason });
  return result;
}

/** An administrator sets (or clears) a user's address; call inside the action's transaction. */
async function setEmailByAdmin(deps: Uses<'audit' | 'notices', 'emails'>, admin: User, target: User, email: string | null, actor: Actor): Promise<boolean> {
  const old = (await deps.repos.emails.recipient(target.id))?.email ?? null;
  if (old === email) return false;
  await deps.repos.emails.setEmail(target.id, email);
  await deps.repos.emails.deleteChange(target.id);
  await deps.notices.emailChanged(target.id, old, email, `管理者（${admin.loginId}）`);
  await deps.audit.record(actor, { event: 'email.change', outcome: 'success', subject: target.loginId, detail: email ? maskEmail(email) : 'cleared' });
  return true;
}

export type AdminEmailResult = { ok: true; changed: boolean } | ApprovalRefusal | StepUpRefusal;

/**
 * 利用者管理 → メールアドレスの変更: the administrator sets or clears a 利用者's
 * address, confirmed like every action there — the 承認用パスワード, and after
 * the OTP start the administrator's code (issue 13) — and the old address is
 * told. The administrator's own address is changed on メールアドレス設定, with
 * a code sent to it.
 */
export async function changeUserEmail(
  deps: AdminActionDeps & Uses<'storage' | 'audit' | 'notices', 'users' | 'emails'>,
  admin: User,
  userId: number,
  email: string | null,
  secrets: AdminSecrets,
  actor: Actor,
): Promise<AdminEmailResult> {
  const target = await managedUser(deps, admin, userId, actor);
  const authorized = await authorizeAdmin(deps, admin, 'changeEmail', secrets, actor);
  if (!authorized.ok) return authorized;
  return await deps.storage.transaction(async (): Promise<AdminEmailResult> => {
    const code = await spendStepUp(deps, admin, authorized.stepUp, actor);
    return code ?? { ok: true, changed: await setEmailByAdmin(deps, admin, target, email, actor) };
  });
}
