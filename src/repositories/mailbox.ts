import type { Storage } from '../storage/port';

export interface MailboxMessage {
  id: number;
  outboxId: number;
  messageId: string;
  recipient: string;
  subject: string;
  body: string;
  deliveredAt: number;
}

const insertRow = `INSERT INTO mail_mailbox (outbox_id, message_id, recipient, subject, body, delivered_at)
  VALUES (@outboxId, @messageId, @recipient, @subject, @body, @deliveredAt)`;
const listRows = `SELECT id, outbox_id AS outboxId, message_id AS messageId, recipient, subject, body, delivered_at AS deliveredAt
  FROM mail_mailbox ORDER BY id DESC LIMIT ? OFFSET ?`;
const countRows = 'SELECT count(*) AS n FROM mail_mailbox';

/** The demo mailbox (DEMO without SMTP_URL): where the worker delivers instead of an SMTP server. */
export class MailboxRepository {
  constructor(private readonly db: Storage) {}

  async insert(m: Omit<MailboxMessage, 'id'>): Promise<void> {
    await this.db.run(insertRow, m);
  }

  async list(limit: number, offset: number): Promise<{ rows: MailboxMessage[]; total: number }> {
    const rows = await this.db.all<MailboxMessage>(listRows, [limit, offset]);
    return { rows, total: (await this.db.get<{ n: number }>(countRows))!.n };
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { insertRow, listRows, countRows };
