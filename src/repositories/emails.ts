import type { Storage } from '../storage/port';

/** Where a user's notices go: the user's id, company, role and address (null when none is on file). */
export interface Recipient {
  userId: number;
  companyId: number;
  role: 'admin' | 'user';
  name: string;
  email: string | null;
}

/** A user's own address change, waiting for the code sent to the new address. */
export interface EmailChange {
  userId: number;
  email: string;
  codeHash: string;
  attempts: number;
  createdAt: number;
  expiresAt: number;
}

const recipientColumns = 'id AS userId, company_id AS companyId, role, name, email';

const byUser = `SELECT ${recipientColumns} FROM users WHERE id = ?`;
const adminOfCompany = `SELECT ${recipientColumns} FROM users WHERE company_id = ? AND role = 'admin'`;
const userAndAdmin = `${byUser} UNION ALL ${adminOfCompany}`;
const setRow = 'UPDATE users SET email = ? WHERE id = ?';
const changeRow = `SELECT user_id AS userId, email, code_hash AS codeHash, attempts, created_at AS createdAt, expires_at AS expiresAt
  FROM email_changes WHERE user_id = ?`;
const putChangeRow = `INSERT INTO email_changes (user_id, email, code_hash, attempts, created_at, expires_at)
  VALUES (@userId, @email, @codeHash, 0, @createdAt, @expiresAt)
  ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, code_hash = excluded.code_hash,
    attempts = 0, created_at = excluded.created_at, expires_at = excluded.expires_at`;
const countAttemptRow = 'UPDATE email_changes SET attempts = attempts + 1 WHERE user_id = ? RETURNING attempts';
const deleteChangeRow = 'DELETE FROM email_changes WHERE user_id = ?';

/** Users' e-mail addresses and the pending changes of them (issue 14). */
export class EmailsRepository {
  constructor(private readonly db: Storage) {}

  async recipient(userId: number): Promise<Recipient | undefined> {
    return await this.db.get<Recipient>(byUser, [userId]);
  }

  /** A user and the administrator of a company in one read (a transfer's notice goes to both). */
  async userAndAdmin(userId: number, companyId: number): Promise<{ user?: Recipient; admin?: Recipient }> {
    const rows = await this.db.all<Recipient>(userAndAdmin, [userId, companyId]);
    return { user: rows.find((r) => r.userId === userId), admin: rows.find((r) => r.companyId === companyId && r.role === 'admin') };
  }

  async adminOf(companyId: number): Promise<Recipient | undefined> {
    return await this.db.get<Recipient>(adminOfCompany, [companyId]);
  }

  async setEmail(userId: number, email: string | null): Promise<void> {
    await this.db.run(setRow, [email, userId]);
  }

  async change(userId: number): Promise<EmailChange | undefined> {
    return await this.db.get<EmailChange>(changeRow, [userId]);
  }

  /** Starts (or restarts, with a new code) a user's change. */
  async putChange(c: Omit<EmailChange, 'attempts'>): Promise<void> {
    await this.db.run(putChangeRow, c);
  }

  /** Counts one wrong code; returns the attempts so far (0 when no change is pending). */
  async countAttempt(userId: number): Promise<number> {
    return (await this.db.get<{ attempts: number }>(countAttemptRow, [userId]))?.attempts ?? 0;
  }

  async deleteChange(userId: number): Promise<boolean> {
    return (await this.db.run(deleteChangeRow, [userId])).changes === 1;
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { byUser, adminOfCompany, userAndAdmin, setRow, changeRow, putChangeRow, countAttemptRow, deleteChangeRow };
