import type { Db } from '../db/connection';

export type MailStatus = 'pending' | 'sent' | 'failed';

/** One notice to one address, as written in the transaction of its event (R16). */
export interface NewMail {
  companyId: number | null;
  userId: number | null;
  kind: string;
  recipient: string;
  subject: string;
  body: string;
  messageId: string;
  createdAt: number;
}

export interface OutboxMail extends NewMail {
  id: number;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  sentAt: number | null;
}

export interface OutboxBacklog {
  pending: number;
  failed: number;
  /** created_at of the oldest mail not yet delivered, or null. */
  oldestPendingAt: number | null;
}

const columns = `id, company_id AS companyId, user_id AS userId, kind, recipient, subject, body,
  message_id AS messageId, status, attempts, next_attempt_at AS nextAttemptAt,
  last_error AS lastError, created_at AS createdAt, sent_at AS sentAt`;

/**
 * The mail outbox (issue 14). Rows are claimed with a lease in one UPDATE …
 * RETURNING, which SQLite runs under its single write lock: two workers — on
 * one node or on several sharing the database — can never claim the same row
 * while its lease runs, and every settlement is a compare-and-set on the
 * lease owner, so a worker whose lease ran out cannot overwrite the outcome
 * of the one that took the row over.
 */
export class OutboxRepository {
  private readonly insertRow;
  private readonly anyDue;
  private readonly claimRows;
  private readonly sentRow;
  private readonly retryRow;
  private readonly releaseRow;
  private readonly byCompany;
  private readonly backlogRow;
  private readonly recentOfKind;

  constructor(db: Db) {
    this.insertRow = db.prepare(
      `INSERT INTO mail_outbox (company_id, user_id, kind, recipient, subject, body, message_id, next_attempt_at, created_at)
       VALUES (@companyId, @userId, @kind, @recipient, @subject, @body, @messageId, @createdAt, @createdAt)`,
    );
    const due = `status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)`;
    this.anyDue = db.prepare(`SELECT 1 FROM mail_outbox WHERE ${due} LIMIT 1`);
    this.claimRows = db.prepare(
      `UPDATE mail_outbox SET lease_owner = @owner, lease_until = @now + @leaseMs, attempts = attempts + 1
       WHERE id IN (SELECT id FROM mail_outbox WHERE ${due} ORDER BY next_attempt_at, id LIMIT @limit)
       RETURNING ${columns}`,
    );
    const mine = 'id = @id AND lease_owner = @owner AND status = \'pending\'';
    this.sentRow = db.prepare(
      `UPDATE mail_outbox SET status = 'sent', sent_at = @now, lease_owner = NULL, lease_until = NULL WHERE ${mine}`,
    );
    this.retryRow = db.prepare(
      `UPDATE mail_outbox SET status = CASE WHEN attempts >= @maxAttempts THEN 'failed' ELSE 'pending' END,
         next_attempt_at = @nextAttemptAt, last_error = @error, lease_owner = NULL, lease_until = NULL
       WHERE ${mine} RETURNING status`,
    ).pluck();
    this.releaseRow = db.prepare(
      `UPDATE mail_outbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1 WHERE ${mine}`,
    );
    this.byCompany = db.prepare(
      `SELECT ${columns} FROM mail_outbox WHERE company_id = ? AND status IN ('pending', 'failed') ORDER BY id DESC LIMIT ?`,
    );
    this.backlogRow = db.prepare(
      `SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'failed') AS failed,
         min(created_at) FILTER (WHERE status = 'pending') AS oldestPendingAt
       FROM mail_outbox WHERE status IN ('pending', 'failed')`,
    );
    this.recentOfKind = db.prepare('SELECT 1 FROM mail_outbox WHERE user_id = ? AND kind = ? AND created_at > ? LIMIT 1');
  }

  insert(mail: NewMail): number {
    return Number(this.insertRow.run(mail).lastInsertRowid);
  }

  /** Cheap read first: an idle poll writes nothing. */
  hasDue(now: number): boolean {
    return this.anyDue.get({ now }) !== undefined;
  }

  /** Takes up to `limit` due rows for `leaseMs`, counting the attempt. */
  claim(owner: string, now: number, leaseMs: number, limit: number): OutboxMail[] {
    return this.claimRows.all({ owner, now, leaseMs, limit }) as OutboxMail[];
  }

  /** False when the lease was lost (another worker took the row over after it ran out). */
  markSent(id: number, owner: string, now: number): boolean {
    return this.sentRow.run({ id, owner, now }).changes === 1;
  }

  /** A failed attempt: due again at nextAttemptAt, or 'failed' for good after maxAttempts. */
  markAttemptFailed(id: number, owner: string, error: string, nextAttemptAt: number, maxAttempts: number): MailStatus | undefined {
    return this.retryRow.get({ id, owner, error: error.slice(0, 500), nextAttemptAt, maxAttempts }) as MailStatus | undefined;
  }

  /** Gives a claimed row back untried (the worker is stopping): it is due again at once, its attempt not counted. */
  releaseClaim(id: number, owner: string): void {
    this.releaseRow.run({ id, owner });
  }

  /** 契約先詳細: the company's mails not delivered yet or failed, newest first. */
  undeliveredForCompany(companyId: number, limit: number): OutboxMail[] {
    return this.byCompany.all(companyId, limit) as OutboxMail[];
  }

  backlog(): OutboxBacklog {
    return this.backlogRow.get() as OutboxBacklog;
  }

  /** Whether a notice of this kind was written for the user after `since` (to space repeated ones). */
  sentRecently(userId: number, kind: string, since: number): boolean {
    return this.recentOfKind.get(userId, kind, since) !== undefined;
  }
}
