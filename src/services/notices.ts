import crypto from 'node:crypto';
import type { Clock } from '../clock';
import type { MailConfig } from '../config';
import { maskEmail } from '../domain/email';
import { maskCredentialId } from '../domain/token';
import * as text from '../mail/templates';
import type { EmailsRepository, Recipient } from '../repositories/emails';
import type { NewMail, OutboxRepository } from '../repositories/outbox';
import type { Transfer } from '../repositories/transfers';

/** The secrets under a lock counter (R9), in the words of the screens. */
const SECRET_LABELS: Record<string, string> = {
  login: 'ログインパスワード',
  transferPassword: '送信確認パスワード',
  approvalPassword: '承認用パスワード',
  otp: 'ワンタイムパスワード',
};

/** A replayed code is told at most once in this time per user: the notice is a warning, not a feed an attacker can drive. */
export const REPLAY_NOTICE_SPACING_MS = 5 * 60_000;

export type NoticeSecret = 'password' | 'transferPassword' | 'approvalPassword';

/**
 * E-mail notices (issue 14). Every method writes outbox rows and nothing
 * else, and is called INSIDE the transaction of the event it reports (R16):
 * a transfer is never accepted without its notice due, and an event rolled
 * back — a savepoint of the group commit included — leaves no mail behind.
 * Delivery is the worker's business (src/mail/worker.ts), never the request's.
 * A user without an address gets no mail; one address gets one copy.
 */
export class Notices {
  /** Names this process in its Message-IDs; with the count below, no two ids of any node are alike. */
  private readonly processName = crypto.randomBytes(8).toString('hex');
  private issued = 0;

  constructor(
    private readonly config: MailConfig,
    private readonly clock: Clock,
    private readonly emails: EmailsRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /** 振込受付のお知らせ: to the user who confirmed it and to the company's administrator. */
  async transferAccepted(transfer: Transfer, receiptNumber: string, completedAt: number): Promise<void> {
    const { user, admin } = await this.emails.userAndAdmin(transfer.userId, transfer.companyId);
    const facts = { ...transfer, receiptNumber, completedAt, requester: user?.name ?? transfer.userName };
    await this.send('transfer.accepted', [user, admin], (r) => text.transferAccepted(r.name, facts, this.contact));
  }

  /**
   * ワンタイムパスワードの登録・登録解除・交換: to the token's holder — a user's id, the
   * company's administrator, or nobody for the shared token (B) — and to the administrator.
   */
  async tokenChanged(companyId: number, holderOf: number | 'admin' | 'shared', action: text.TokenAction, credentialId: string, by: string): Promise<void> {
    const holder =
      holderOf === 'shared' ? undefined : holderOf === 'admin' ? await this.emails.adminOf(companyId) : await this.emails.recipient(holderOf);
    const facts = { action, holder: holder?.name ?? '共用トークン', credential: maskCredentialId(credentialId), at: this.clock.now(), by };
    await this.send(`otp.${action}`, [holder, await this.emails.adminOf(companyId)], (r) => text.tokenChanged(r.name, facts, this.contact));
  }

  /** A secret just locked (R9): to its holder, and to the administrator who unlocks a 利用者. */
  async locked(userId: number, kind: string): Promise<void> {
    const user = await this.emails.recipient(userId);
    if (!user) return;
    const unlockBy = user.role === 'admin' ? 'お取引店にお申し出ください（届出印が必要です）。' : '管理者が「管理機能」→「利用者管理」で解除します。';
    const facts = { secret: SECRET_LABELS[kind] ?? kind, at: this.clock.now(), unlockBy };
    const to = user.role === 'admin' ? [user] : [user, await this.emails.adminOf(user.companyId)];
    await this.send(`lock.${kind}`, to, (r) => text.locked(r.name, facts, this.contact));
  }

  /** ASVS 4.0.3 §2.8.5: a one-time password used a second time, told to the user who typed it (at most once per spacing). */
  async codeReplayed(userId: number): Promise<void> {
    const now = this.clock.now();
    if (await this.outbox.replayNoticedSince(userId, now - REPLAY_NOTICE_SPACING_MS)) return;
    await this.send('otp.replayed', [await this.emails.recipient(userId)], (r) => text.codeReplayed(r.name, { at: now }, this.contact));
  }

  /** 振込限度額 changed (issue 13): to the administrator, and to the user whose own limits they are. */
  async limitsChanged(companyId: number, userId: number | null, limits: { perTransfer: number; daily: number }, by: string): Promise<void> {
    const user = userId === null ? undefined : await this.emails.recipient(userId);
    const facts = { scope: user ? `${user.name} 様の振込限度額` : '契約先の振込限度額', ...limits, at: this.clock.now(), by };
    await this.send('limits.change', [user, await this.emails.adminOf(companyId)], (r) => text.limitsChanged(r.name, facts, this.contact));
  }

  /** A password changed or reset: to its holder. */
  async passwordChanged(userId: number, secrets: NoticeSecret[], by: string): Promise<void> {
    const facts = { secrets: secrets.map((s) => SECRET_LABELS[s === 'password' ? 'login' : s]!), at: this.clock.now(), by };
    await this.send('password.change', [await this.emails.recipient(userId)], (r) => text.passwordChanged(r.name, facts, this.contact));
  }

  /** The notice address changed: the old address is told (the new one masked), the new one welcomed. */
  async emailChanged(userId: number, oldEmail: string | null, newEmail: string | null, by: string): Promise<void> {
    const user = await this.emails.recipient(userId);
    if (!user) return;
    const at = this.clock.now();
    const newAddress = newEmail ? maskEmail(newEmail) : '（なし）';
    if (oldEmail) await this.send('email.change', [{ ...user, email: oldEmail }], (r) => text.emailChanged(r.name, { newAddress, at, by, toOld: true }, this.contact));
    if (newEmail) await this.send('email.change', [{ ...user, email: newEmail }], (r) => text.emailChanged(r.name, { newAddress, at, by, toOld: false }, this.contact));
  }

  /** The code that confirms a user's own new address, sent to that address. */
  async emailCode(userId: number, newEmail: string, code: string, expiresAt: number): Promise<void> {
    const user = await this.emails.recipient(userId);
    if (user) await this.send('email.code', [{ ...user, email: newEmail }], (r) => text.emailCode(r.name, { code, expiresAt }, this.contact));
  }

  /** A successful login after wrong passwords: to the user, with the time and the client's address. */
  async loginAfterFailures(userId: number, failures: number, clientIp: string | null): Promise<void> {
    const facts = { at: this.clock.now(), failures, clientIp };
    await this.send('login.after_failures', [await this.emails.recipient(userId)], (r) => text.loginAfterFailures(r.name, facts, this.contact));
  }

  private get contact(): string {
    return this.config.bankContact;
  }

  private async send(kind: string, recipients: (Recipient | undefined)[], build: (r: Recipient) => text.MailText): Promise<void> {
    if (this.config.transport === 'disabled') return;
    const seen = new Set<string>();
    const createdAt = this.clock.now();
    const mails: NewMail[] = [];
    for (const r of recipients) {
      if (!r?.email || seen.has(r.email)) continue;
      seen.add(r.email);
      const { subject, body } = build(r);
      mails.push({ companyId: r.companyId, userId: r.userId, kind, recipient: r.email, subject, body, messageId: this.messageId(createdAt), createdAt });
    }
    await this.outbox.insert(mails);
  }

  /**
   * One Message-ID per row, fixed here: every retry and every duplicate after
   * a crash carries the same one. Time first (milliseconds in base 36), then
   * this process's random 64-bit name and its count of ids: unique without
   * coordination between nodes (RFC 5322 §3.6.4), and ordered, so the UNIQUE
   * index on it grows at its end instead of being written all over (migration
   * 0011). A random draw per id cost the confirmation 1% of its CPU.
   */
  private messageId(createdAt: number): string {
    this.issued += 1;
    return `<${createdAt.toString(36).padStart(9, '0')}.${this.processName}.${this.issued.toString(36)}@${this.domain}>`;
  }

  private get domain(): string {
    return this.config.from.address.split('@')[1]!;
  }
}
