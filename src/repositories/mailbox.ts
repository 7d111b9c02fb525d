import type { Db } from '../db/connection';

export interface MailboxMessage {
  id: number;
  outboxId: number;
  messageId: string;
  recipient: string;
  subject: string;
  body: string;
  deliveredAt: number;
}

/** The demo mailbox (DEMO without SMTP_URL): where the worker delivers instead of an SMTP server. */
export class MailboxRepository {
  private readonly insertRow;
  private readonly listRows;
  private readonly countRows;

  constructor(db: Db) {
    this.insertRow = db.prepare(
      `INSERT INTO mail_mailbox (outbox_id, message_id, recipient, subject, body, delivered_at)
       VALUES (@outboxId, @messageId, @recipient, @subject, @body, @deliveredAt)`,
    );
    this.listRows = db.prepare(
      `SELECT id, outbox_id AS outboxId, message_id AS messageId, recipient, subject, body, delivered_at AS deliveredAt
       FROM mail_mailbox ORDER BY id DESC LIMIT ? OFFSET ?`,
    );
    this.countRows = db.prepare('SELECT count(*) FROM mail_mailbox').pluck();
  }

  insert(m: Omit<MailboxMessage, 'id'>): void {
    this.insertRow.run(m);
  }

  list(limit: number, offset: number): { rows: MailboxMessage[]; total: number } {
    return { rows: this.listRows.all(limit, offset) as MailboxMessage[], total: this.countRows.get() as number };
  }
}
