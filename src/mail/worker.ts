import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { MailConfig } from '../config';
import type { Storage } from '../storage/port';
import type { OutboxMail, OutboxRepository } from '../repositories/outbox';
import { SEND_CONCURRENCY, type MailTransport } from './transport';

/**
 * A claimed row is this worker's for this long. It must outlast one SMTP
 * exchange (see the timeouts in transport.ts): a lease that runs out while
 * the send is still going lets another worker send the same mail.
 */
export const LEASE_MS = 5 * 60_000;
/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 15 * 60_000;

/**
 * Settlements and releases are compare-and-set updates of one row by its id
 * and lease owner: READ COMMITTED holds them on PostgreSQL (at SERIALIZABLE the
 * other worker's reads of the same index pages aborted them again and again),
 * in autocommit (one statement, one round trip); on SQLite they share the
 * group commit.
 */
const SETTLEMENT = { durability: 'group', isolation: 'readCommitted', single: true } as const;

export interface WorkerDeps {
  config: { mail: MailConfig };
  clock: Clock;
  logger: Logger;
  /** Claims, settlements and releases are small transactions of their own (the group commit for those that must last). */
  storage: Storage;
  repos: { outbox: OutboxRepository };
}

export interface RunResult {
  sent: number;
  retried: number;
  failed: number;
}

/** The wait before attempt n+1 after n failed ones: the base, doubled each time, capped. */
export const retryDelay = (baseMs: number, attempts: number): number =>
  Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempts - 1));

/**
 * Delivers the outbox (issue 14), off the request path: on a timer in the
 * server, by runOnce() in tests. Each round claims the due rows with a lease
 * (one statement, so several workers — on several nodes sharing the database —
 * never take the same row while the lease runs), sends them one by one and
 * settles each: sent, or due again after a backoff, or 'failed' after
 * MAIL_MAX_ATTEMPTS. The settlement is durable before the next round.
 *
 * At-least-once: a worker that dies after the server took a message and
 * before 'sent' is committed leaves the row leased; when the lease runs out
 * another round sends it again, with the same Message-ID. That window — the
 * server's 250 until our commit, or a send outliving its lease — is the only
 * way a mail goes out twice.
 */
export class OutboxWorker {
  readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> | undefined;
  private stopped = true;
  private stopping = false;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly transport: MailTransport,
    private readonly options: { pollMs?: number; batchSize?: number; concurrency?: number } = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling, lets the round in flight settle what it sent, closes the transport. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
    this.transport.close();
  }

  /** One round: every due row, in batches, until none is due. */
  async runOnce(): Promise<RunResult> {
    const result: RunResult = { sent: 0, retried: 0, failed: 0 };
    const { outbox } = this.deps.repos;
    const batchSize = this.options.batchSize ?? 20;
    for (;;) {
      const now = this.deps.clock.now();
      if (!await outbox.hasDue(now)) return result;
      // Losing a claim on a power cut only shortens the lease: no fsync for it.
      const claimed = await this.deps.storage.transaction(() => outbox.claim(this.owner, now, LEASE_MS, batchSize), { durability: 'relaxed' });
      // A few at a time over the transport's pooled connections: one by one,
      // a burst of confirmations (two notices each) waited minutes for its mail.
      const concurrency = this.options.concurrency ?? SEND_CONCURRENCY;
      for (let i = 0; i < claimed.length; i += concurrency) {
        if (this.stopping) {
          // Shutting down: what was claimed but not tried goes back at once, not after its lease.
          const rest = claimed.slice(i);
          await this.deps.storage.transaction(async () => {
            for (const m of rest) await outbox.releaseClaim(m.id, this.owner);
          }, { durability: 'group', isolation: 'readCommitted' });
          return result;
        }
        for (const outcome of await Promise.all(claimed.slice(i, i + concurrency).map((mail) => this.deliver(mail)))) result[outcome] += 1;
      }
      if (claimed.length < batchSize || this.stopping) return result;
    }
  }

  private async deliver(mail: OutboxMail): Promise<keyof RunResult> {
    const { outbox } = this.deps.repos;
    const log = { outboxId: mail.id, kind: mail.kind, attempt: mail.attempts, transport: this.transport.name };
    try {
      await this.transport.send(mail);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const next = this.deps.clock.now() + retryDelay(this.deps.config.mail.retryBaseMs, mail.attempts);
      const status = await this.deps.storage.transaction(() => outbox.markAttemptFailed(mail.id, this.owner, reason, next, this.deps.config.mail.maxAttempts), SETTLEMENT);
      if (status === 'failed') {
        this.deps.logger.error({ ...log, reason }, 'mail failed for good after the last attempt');
        return 'failed';
      }
      this.deps.logger.warn({ ...log, reason, nextAttemptAt: new Date(next).toISOString() }, 'mail attempt failed; will retry');
      return 'retried';
    }
    if (!(await this.deps.storage.transaction(() => outbox.markSent(mail.id, this.owner, this.deps.clock.now()), SETTLEMENT))) {
      this.deps.logger.warn(log, 'mail sent after its lease ran out; another worker may have sent it too');
    } else {
      this.deps.logger.info(log, 'mail sent');
    }
    return 'sent';
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.runOnce()
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'mail outbox round failed'))
        .finally(() => {
          this.current = undefined;
          this.schedule(this.options.pollMs ?? 1000);
        });
    }, delay);
    this.timer.unref();
  }
}
