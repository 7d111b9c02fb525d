import type { Storage } from '../storage/port';

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

const insertColumns = 'INSERT INTO mail_outbox (company_id, user_id, kind, recipient, subject, body, message_id, next_attempt_at, created_at) VALUES ';
const insertValues = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** One statement for all the mails of an event (a transfer's notices go to its user and the administrator); its text made once per count. */
const insertTexts: string[] = [];
const insertRows = (count: number): string =>
  (insertTexts[count] ??= `${insertColumns}${Array.from({ length: count }, () => insertValues).join(', ')} RETURNING id`);
const insertRow = insertRows(1);
const due = `status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)`;
const anyDue = `SELECT 1 AS one FROM mail_outbox WHERE ${due} LIMIT 1`;
const claimRows = `UPDATE mail_outbox SET lease_owner = @owner, lease_until = CAST(@now AS BIGINT) + CAST(@leaseMs AS BIGINT), attempts = attempts + 1
  WHERE id IN (SELECT id FROM mail_outbox WHERE ${due} ORDER BY next_attempt_at, id LIMIT @limit)
  RETURNING ${columns}`;
const mine = "id = @id AND lease_owner = @owner AND status = 'pending'";
const sentRow = `UPDATE mail_outbox SET status = 'sent', sent_at = @now, lease_owner = NULL, lease_until = NULL WHERE ${mine}`;
const retryRow = `UPDATE mail_outbox SET status = CASE WHEN attempts >= @maxAttempts THEN 'failed' ELSE 'pending' END,
    next_attempt_at = @nextAttemptAt, last_error = @error, lease_owner = NULL, lease_until = NULL
  WHERE ${mine} RETURNING status`;
const releaseRow = `UPDATE mail_outbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1 WHERE ${mine}`;
const byCompany = `SELECT ${columns} FROM mail_outbox WHERE company_id = ? AND status IN ('pending', 'failed') ORDER BY id DESC LIMIT ?`;
const backlogRow = `SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'failed') AS failed,
    min(created_at) FILTER (WHERE status = 'pending') AS oldestPendingAt
  FROM mail_outbox WHERE status IN ('pending', 'failed')`;
// The kind is written out so that the partial index mail_outbox_replayed (migration 0011) serves it.
const replayNoticeSince = "SELECT 1 AS one FROM mail_outbox WHERE kind = 'otp.replayed' AND user_id = ? AND created_at > ? LIMIT 1";

/**
 * The mail outbox (issue 14). Rows are claimed with a lease in one UPDATE …
 * RETURNING, which SQLite runs under its single write lock: two workers — on
 * one node or on several sharing the database — can never claim the same row
 * while its lease runs, and every settlement is a compare-and-set on the
 * lease owner, so a worker whose lease ran out cannot overwrite the outcome
 * of the one that took the row over.
 */
export class OutboxRepository {
  constructor(private readonly db: Storage) {}

  /** Writes the mails in one statement; returns their ids (in no particular order). */
  async insert(mails: readonly NewMail[]): Promise<number[]> {
    if (mails.length === 0) return [];
    const values = mails.flatMap((m) => [m.companyId, m.userId, m.kind, m.recipient, m.subject, m.body, m.messageId, m.createdAt, m.createdAt]);
    return (await this.db.all<{ id: number }>(insertRows(mails.length), values)).map((row) => row.id);
  }

  /** Cheap read first: an idle poll writes nothing. */
  async hasDue(now: number): Promise<boolean> {
    return (await this.db.get(anyDue, { now })) !== undefined;
  }

  /** Takes up to `limit` due rows for `leaseMs`, counting the attempt. */
  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<OutboxMail[]> {
    return await this.db.all<OutboxMail>(claimRows, { owner, now, leaseMs, limit });
  }

  /** False when the lease was lost (another worker took the row over after it ran out). */
  async markSent(id: number, owner: string, now: number): Promise<boolean> {
    return (await this.db.run(sentRow, { id, owner, now })).changes === 1;
  }

  /** A failed attempt: due again at nextAttemptAt, or 'failed' for good after maxAttempts. */
  async markAttemptFailed(id: number, owner: string, error: string, nextAttemptAt: number, maxAttempts: number): Promise<MailStatus | undefined> {
    const row = await this.db.get<{ status: MailStatus }>(retryRow, { id, owner, error: error.slice(0, 500), nextAttemptAt, maxAttempts });
    return row?.status;
  }

  /** Gives a claimed row back untried (the worker is stopping): it is due again at once, its attempt not counted. */
  async releaseClaim(id: number, owner: string): Promise<void> {
    await this.db.run(releaseRow, { id, owner });
  }

  /** 契約先詳細: the company's mails not delivered yet or failed, newest first. */
  async undeliveredForCompany(companyId: number, limit: number): Promise<OutboxMail[]> {
    return await this.db.all<OutboxMail>(byCompany, [companyId, limit]);
  }

  async backlog(): Promise<OutboxBacklog> {
    return (await this.db.get<OutboxBacklog>(backlogRow))!;
  }

  /** Whether a replayed-code notice was written for the user after `since` (to space them). */
  async replayNoticedSince(userId: number, since: number): Promise<boolean> {
    return (await this.db.get(replayNoticeSince, [userId, since])) !== undefined;
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { insertRow, anyDue, claimRows, sentRow, retryRow, releaseRow, byCompany, backlogRow, replayNoticeSince };
