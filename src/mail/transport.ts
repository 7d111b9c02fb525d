import nodemailer from 'nodemailer';
import type { Clock } from '../clock';
import type { MailConfig } from '../config';
import type { MailboxRepository } from '../repositories/mailbox';
import type { OutboxMail } from '../repositories/outbox';

/** Mails one worker sends at once, each over its own pooled SMTP connection. */
export const SEND_CONCURRENCY = 4;

/** Where the worker hands a claimed outbox row: an SMTP server, or the demo mailbox. */
export interface MailTransport {
  readonly name: 'smtp' | 'mailbox';
  /** Resolves once the receiving side has taken the message (SMTP: 250 after DATA). */
  send(mail: OutboxMail): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer (SMTP_URL: smtp://user:pass@host:port or smtps://…;
 * nodemailer reads further options from the query, e.g. ?requireTLS=true).
 * smtps:// is TLS from the first byte with the certificate verified. smtp://
 * upgrades with STARTTLS when the server offers it; unless requireTLS is
 * asked, that upgrade is opportunistic, as an MTA's (Postfix's "may"): the
 * certificate is not verified, since a refusal would only make the mail go
 * in clear text or not at all. Timeouts stay well inside the worker's lease.
 */
export function smtpTransport(config: MailConfig): MailTransport {
  const url = config.smtpUrl!;
  const requireTls = /[?&]requireTLS=(true|1)\b/i.test(url);
  const transporter = nodemailer.createTransport({
    url,
    // Connections kept open and reused, as many as the worker sends at once.
    pool: true,
    maxConnections: SEND_CONCURRENCY,
    maxMessages: 1000,
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    ...(url.startsWith('smtp:') && !requireTls ? { tls: { rejectUnauthorized: false } } : {}),
  } as nodemailer.TransportOptions);
  const from = config.from.name ? { name: config.from.name, address: config.from.address } : config.from.address;
  return {
    name: 'smtp',
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.recipient,
        subject: mail.subject,
        text: mail.body,
        // The row's Message-ID and the event's time: a retry or a duplicate after a crash is the same message.
        messageId: mail.messageId,
        date: new Date(mail.createdAt),
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    close: () => transporter.close(),
  };
}

/** Demo mode without SMTP_URL: the message lands in a table shown on the branch console (/staff/mail). */
export function mailboxTransport(mailbox: MailboxRepository, clock: Clock): MailTransport {
  return {
    name: 'mailbox',
    async send(mail) {
      await mailbox.insert({
        outboxId: mail.id,
        messageId: mail.messageId,
        recipient: mail.recipient,
        subject: mail.subject,
        body: mail.body,
        deliveredAt: clock.now(),
      });
    },
    close: () => undefined,
  };
}
