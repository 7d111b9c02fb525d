import type { LoginAttempt, LoginHistoryRepository } from '../repositories/loginHistory';
import type { User } from '../repositories/users';

/**
 * ログイン履歴 (issue 13, item 5): the login attempts the audit log holds
 * (R11), so that customers can check them as the bankers' association asks.
 */

/** How many attempts each list shows. */
export const LOGIN_HISTORY_SIZE = 20;

/** The user's own last attempts; the administrator also gets the whole company's. */
export async function loginHistory(repo: LoginHistoryRepository, user: User): Promise<{ own: LoginAttempt[]; company: LoginAttempt[] | null }> {
  return {
    own: await repo.forUser(user.companyId, user.loginId, LOGIN_HISTORY_SIZE),
    company: user.role === 'admin' ? await repo.forCompany(user.companyId, LOGIN_HISTORY_SIZE) : null,
  };
}

/** 契約先詳細 on the branch console: the company's recent login attempts. */
export const companyLogins = async (repo: LoginHistoryRepository, companyId: number): Promise<LoginAttempt[]> => await repo.forCompany(companyId, LOGIN_HISTORY_SIZE);

/** 前回ログイン日時: the user's last successful login before the one that opened this session. */
export const previousLogin = async (repo: LoginHistoryRepository, user: User, sessionLoginAt: number): Promise<number | undefined> =>
  await repo.successBefore(user.companyId, user.loginId, sessionLoginAt);
