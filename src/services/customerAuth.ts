import type { Uses } from '../deps';
import type { User, UsersRepository } from '../repositories/users';
import type { Actor, AuditLog } from './auditLog';
import { previousLogin } from './loginHistory';
import { checkSecret, type PasswordCheckDeps } from './secretCheck';

/** previousLoginAt: 前回ログイン日時, the user's successful login before this one (null: this is the first). */
export type LoginResult = { ok: true; user: User; previousLoginAt: number | null } | { ok: false; reason: 'invalid' | 'locked' };

/**
 * Customer login with ID and password only: the one-time password is never
 * asked here (manual Q3, R12). Unknown IDs are compared against a dummy hash
 * and answered exactly like a wrong password.
 */
export async function login(deps: PasswordCheckDeps & Uses<never, 'users' | 'loginHistory'>, loginId: string, password: string, clientIp: string | null): Promise<LoginResult> {
  const user = await deps.repos.users.findByLoginId(loginId);
  if (!user) {
    await deps.hasher.verify(password, null);
    await deps.audit.record(
      { type: 'anonymous', id: loginId.slice(0, 64) || '-', companyId: null, clientIp },
      { event: 'login', outcome: 'failure', detail: 'unknown id' },
    );
    return { ok: false, reason: 'invalid' };
  }
  const actor = { type: 'user' as const, id: user.loginId, companyId: user.companyId, clientIp };
  // Read before the check resets it: a login after wrong passwords is told to the user (issue 14).
  const failuresBefore = (await deps.repos.locks.get(user.id, 'login')).failures;
  const check = await checkSecret(deps, user, 'login', password, user.passwordHash, actor);
  if (check.result === 'ok') {
    const previousLoginAt = await deps.storage.transaction(async () => {
      await deps.audit.record(actor, { event: 'login', outcome: 'success', subject: user.loginId });
      if (failuresBefore > 0) await deps.notices.loginAfterFailures(user.id, failuresBefore, clientIp);
      // Read once here, kept in the session: it cannot change while the session lasts, and the メニュー shows it.
      return (await previousLogin(deps.repos.loginHistory, user, deps.clock.now())) ?? null;
    }, { durability: 'group' });
    return { ok: true, user, previousLoginAt };
  }
  return { ok: false, reason: check.result === 'locked' ? 'locked' : 'invalid' };
}

/** The user a signed-in session belongs to, if it still exists in the company the session was opened for. */
export async function signedInUser(users: UsersRepository, session: { userId: number; companyId: number | undefined }): Promise<User | undefined> {
  const user = await users.find(session.userId);
  return user && user.companyId === session.companyId ? user : undefined;
}

/** ログアウト, audited (R11). */
export async function logout(audit: AuditLog, actor: Actor): Promise<void> {
  await audit.record(actor, { event: 'logout', outcome: 'success' });
}
