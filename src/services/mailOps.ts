import type { Clock } from '../clock';
import { maskEmail } from '../domain/email';
import type { MailboxRepository } from '../repositories/mailbox';
import type { OutboxRepository } from '../repositories/outbox';

/** /healthz: how much mail waits, how much failed for good, and how old the oldest waiting one is. */
export async function outboxHealth(outbox: OutboxRepository, clock: Clock) {
  const { pending, failed, oldestPendingAt } = await outbox.backlog();
  const oldestPendingSeconds = oldestPendingAt === null ? 0 : Math.max(0, Math.round((clock.now() - oldestPendingAt) / 1000));
  return { pending, failed, oldestPendingSeconds };
}

/**
 * 契約先詳細 (branch console): the company's mails not delivered yet or failed
 * for good, newest first, each address masked — the console shows what went
 * wrong, not where a customer's mail goes.
 */
export async function undeliveredMails(outbox: OutboxRepository, companyId: number, limit = 50) {
  return (await outbox.undeliveredForCompany(companyId, limit)).map((m) => ({
    id: m.id,
    subject: m.subject,
    recipient: maskEmail(m.recipient),
    status: m.status,
    attempts: m.attempts,
    createdAt: m.createdAt,
    nextAttemptAt: m.status === 'pending' ? m.nextAttemptAt : null,
    lastError: m.lastError,
  }));
}

/** The demo mailbox (/staff/mail): what the notices would have looked like in the customer's mail program. */
export const demoMailbox = async (mailbox: MailboxRepository, limit: number, offset: number) => await mailbox.list(limit, offset);
