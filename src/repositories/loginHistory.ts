import type { Db } from '../db/connection';

/** One login attempt as the audit log recorded it (R11). */
export interface LoginAttempt {
  occurredAt: number;
  loginId: string;
  outcome: 'success' | 'failure';
  detail: string | null;
  clientIp: string | null;
}

const columns = `occurred_at AS occurredAt, subject AS loginId, outcome, detail, client_ip AS clientIp`;

/**
 * ログイン履歴 (issue 13, item 5): the login attempts the audit log already
 * holds (event 'login', subject the login ID, company of that ID). The
 * literal `event = 'login'` lets SQLite use the partial indexes of 0007.
 */
export class LoginHistoryRepository {
  private readonly byUser;
  private readonly byCompany;
  private readonly previousSuccess;

  constructor(db: Db) {
    this.byUser = db.prepare(
      `SELECT ${columns} FROM audit_log WHERE event = 'login' AND company_id = ? AND subject = ?
       ORDER BY occurred_at DESC, id DESC LIMIT ?`,
    );
    this.byCompany = db.prepare(
      `SELECT ${columns} FROM audit_log WHERE event = 'login' AND company_id = ?
       ORDER BY occurred_at DESC, id DESC LIMIT ?`,
    );
    this.previousSuccess = db
      .prepare(
        `SELECT occurred_at FROM audit_log WHERE event = 'login' AND company_id = ? AND subject = ?
           AND outcome = 'success' AND occurred_at <= ?
         ORDER BY occurred_at DESC, id DESC LIMIT 1 OFFSET 1`,
      )
      .pluck();
  }

  forUser(companyId: number, loginId: string, limit: number): LoginAttempt[] {
    return this.byUser.all(companyId, loginId, limit) as LoginAttempt[];
  }

  forCompany(companyId: number, limit: number): LoginAttempt[] {
    return this.byCompany.all(companyId, limit) as LoginAttempt[];
  }

  /**
   * The successful login before the one a session was opened with at `loginAt`: that login is the
   * latest success up to `loginAt` (audited just before the session started), so the one after it.
   */
  successBefore(companyId: number, loginId: string, loginAt: number): number | undefined {
    return this.previousSuccess.get(companyId, loginId, loginAt) as number | undefined;
  }
}
