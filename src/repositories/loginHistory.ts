import type { Storage } from '../storage/port';

/** One login attempt as the audit log recorded it (R11). */
export interface LoginAttempt {
  occurredAt: number;
  loginId: string;
  outcome: 'success' | 'failure';
  detail: string | null;
  clientIp: string | null;
}

const columns = `occurred_at AS occurredAt, subject AS loginId, outcome, detail, client_ip AS clientIp`;

const byUser = `SELECT ${columns} FROM audit_log WHERE event = 'login' AND company_id = ? AND subject = ?
  ORDER BY occurred_at DESC, id DESC LIMIT ?`;
const byCompany = `SELECT ${columns} FROM audit_log WHERE event = 'login' AND company_id = ?
  ORDER BY occurred_at DESC, id DESC LIMIT ?`;
const previousSuccess = `SELECT occurred_at AS occurredAt FROM audit_log WHERE event = 'login' AND company_id = ? AND subject = ?
    AND outcome = 'success' AND occurred_at <= ?
  ORDER BY occurred_at DESC, id DESC LIMIT 1 OFFSET 1`;

/**
 * ログイン履歴 (issue 13, item 5): the login attempts the audit log already
 * holds (event 'login', subject the login ID, company of that ID). The
 * literal `event = 'login'` lets SQLite use the partial indexes of 0007.
 */
export class LoginHistoryRepository {
  constructor(private readonly db: Storage) {}

  async forUser(companyId: number, loginId: string, limit: number): Promise<LoginAttempt[]> {
    return await this.db.all<LoginAttempt>(byUser, [companyId, loginId, limit]);
  }

  async forCompany(companyId: number, limit: number): Promise<LoginAttempt[]> {
    return await this.db.all<LoginAttempt>(byCompany, [companyId, limit]);
  }

  /**
   * The successful login before the one a session was opened with at `loginAt`: that login is the
   * latest success up to `loginAt` (audited just before the session started), so the one after it.
   */
  async successBefore(companyId: number, loginId: string, loginAt: number): Promise<number | undefined> {
    return (await this.db.get<{ occurredAt: number }>(previousSuccess, [companyId, loginId, loginAt]))?.occurredAt;
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { byUser, byCompany, previousSuccess };
