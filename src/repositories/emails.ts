import type { Db } from '../db/connection';

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

/** Users' e-mail addresses and the pending changes of them (issue 14). */
export class EmailsRepository {
  private readonly byUser;
  private readonly adminOfCompany;
  private readonly setRow;
  private readonly changeRow;
  private readonly putChangeRow;
  private readonly countAttemptRow;
  private readonly deleteChangeRow;

  constructor(db: Db) {
    this.byUser = db.prepare(`SELECT ${recipientColumns} FROM users WHERE id = ?`);
    this.adminOfCompany = db.prepare(`SELECT ${recipientColumns} FROM users WHERE company_id = ? AND role = 'admin'`);
    this.setRow = db.prepare('UPDATE users SET email = ? WHERE id = ?');
    this.changeRow = db.prepare(
      `SELECT user_id AS userId, email, code_hash AS codeHash, attempts, created_at AS createdAt, expires_at AS expiresAt
       FROM email_changes WHERE user_id = ?`,
    );
    this.putChangeRow = db.prepare(
      `INSERT INTO email_changes (user_id, email, code_hash, attempts, created_at, expires_at)
       VALUES (@userId, @email, @codeHash, 0, @createdAt, @expiresAt)
       ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, code_hash = excluded.code_hash,
         attempts = 0, created_at = excluded.created_at, expires_at = excluded.expires_at`,
    );
    this.countAttemptRow = db.prepare('UPDATE email_changes SET attempts = attempts + 1 WHERE user_id = ? RETURNING attempts').pluck();
    this.deleteChangeRow = db.prepare('DELETE FROM email_changes WHERE user_id = ?');
  }

  recipient(userId: number): Recipient | undefined {
    return this.byUser.get(userId) as Recipient | undefined;
  }

  adminOf(companyId: number): Recipient | undefined {
    return this.adminOfCompany.get(companyId) as Recipient | undefined;
  }

  setEmail(userId: number, email: string | null): void {
    this.setRow.run(email, userId);
  }

  change(userId: number): EmailChange | undefined {
    return this.changeRow.get(userId) as EmailChange | undefined;
  }

  /** Starts (or restarts, with a new code) a user's change. */
  putChange(c: Omit<EmailChange, 'attempts'>): void {
    this.putChangeRow.run(c);
  }

  /** Counts one wrong code; returns the attempts so far (0 when no change is pending). */
  countAttempt(userId: number): number {
    return (this.countAttemptRow.get(userId) as number | undefined) ?? 0;
  }

  deleteChange(userId: number): boolean {
    return this.deleteChangeRow.run(userId).changes === 1;
  }
}
