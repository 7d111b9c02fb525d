import fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './connection';
import type { WalSyncAnswer, WalSyncRequest, WalSyncWorkerData } from './walSyncWorker';
import { spawnDbWorker } from './workerThread';

export interface WalSyncOptions {
  /** Starts the worker thread; the seam through which tests hold or replace it. */
  spawn?: (data: WalSyncWorkerData) => Worker;
  /**
   * An fdatasync failed: what is committed may not be on disk, and Linux
   * reports such an error once (retrying would "succeed" on pages it has
   * already dropped). The service ends the process, as PostgreSQL panics.
   */
  onFatal?: (err: Error) => void;
}

interface Waiter {
  upTo: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Durability without an fsync on the event loop (issue 11). At
 * synchronous=FULL every COMMIT waits for the WAL's fsync on the thread that
 * runs it — ours: strace saw single fsyncs of 0.15–1.07 s there, and every
 * request waited with them. Once started, the main connection commits at
 * synchronous=NORMAL (written to the WAL in the page cache, atomic and
 * crash-safe, not yet on disk) and a worker thread (walSyncWorker.ts)
 * fdatasyncs the WAL file, which is exactly the sync FULL would have made.
 *
 * Nobody may learn of a commit before it is durable: the group commit answers
 * its callers only through whenDurable(), and every response waits for it too
 * (src/web/durableResponses.ts), because a page read from a commit that a
 * power cut could still undo — a 受付番号, a balance — is such news. Commits
 * are counted with SQLite's total_changes(); a sync covers every change made
 * before it was asked, so syncs that are asked while one runs share the next
 * one (a group sync, pipelined with the next group commit). Inactive (tests on
 * :memory:, the CLI) every commit is durable when it returns, as before.
 */
export class WalSync {
  private worker: Worker | undefined;
  private readonly totalChanges;
  private synced = 0;
  private inFlight: { id: number; upTo: number } | undefined;
  private waiters: Waiter[] = [];
  private nextId = 1;
  private stopping = false;
  private onFatal: (err: Error) => void = () => undefined;
  private walFile = '';
  /** Syncs made and the most commits one of them carried, for the benchmark and the logs. */
  readonly stats = { syncs: 0, largestGroup: 0 };

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    /**
     * The storage's read transaction on `db` (SqliteStorage.shareRead):
     * `settle` ends it, since `synchronous` cannot change inside one;
     * `open` says whether the transaction open on `db`, if any, is that
     * read — the commit count may be asked inside it, not inside a write.
     */
    private readonly sharedRead: { settle(): void; open(): boolean },
  ) {
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
  }

  get active(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Starts the worker on `file`'s WAL; once a first sync has worked, the
   * connection commits at synchronous=NORMAL. Rejects (and stays inactive,
   * FULL) if the worker cannot sync.
   */
  async start(file: string, options: WalSyncOptions = {}): Promise<void> {
    if (this.worker) throw new Error('the WAL sync worker is already running');
    this.sharedRead.settle();
    if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') throw new Error('WAL sync needs journal_mode=WAL');
    this.onFatal = options.onFatal ?? this.onFatal;
    this.walFile = `${file}-wal`;
    const worker = (options.spawn ?? ((data) => spawnDbWorker('walSyncWorker', data)))({ kind: 'wal-sync', walFile: this.walFile });
    worker.on('message', (answer: WalSyncAnswer) => this.receive(answer));
    worker.on('error', (err) => this.logger.error({ err }, 'WAL sync worker failed'));
    worker.once('exit', (code) => this.exited(worker, code));
    this.worker = worker;
    this.synced = this.totalChanges.get() as number;
    try {
      await new Promise<void>((resolve, reject) => {
        this.waiters.push({ upTo: this.synced, resolve, reject });
        this.request(this.synced);
      });
    } catch (err) {
      await worker.terminate();
      this.worker = undefined;
      throw err;
    }
    this.db.pragma('synchronous = NORMAL');
  }

  /**
   * undefined when everything committed so far is durable; otherwise a promise
   * that resolves once it is. Call it outside any write transaction (the
   * storage's shared read may stay open: a commit count is no read of a table).
   */
  whenDurable(): Promise<void> | undefined {
    if (!this.worker) return undefined;
    if (this.db.inTransaction && !this.sharedRead.open()) throw new Error('whenDurable() inside an open transaction');
    const upTo = this.totalChanges.get() as number;
    if (upTo <= this.synced) return undefined;
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      if (!this.inFlight) this.request(upTo);
    });
  }

  /**
   * Back to synchronous=FULL, every commit made so far durable, and the
   * thread ended. Never rejects.
   */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.stopping) return;
    this.stopping = true;
    this.sharedRead.settle();
    if (this.db.open) this.db.pragma('synchronous = FULL');
    const last = this.whenDurable();
    if (last) await last.catch((err: unknown) => this.logger.error({ err }, 'last WAL sync failed'));
    const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies WalSyncRequest);
    await ended;
  }

  private request(upTo: number): void {
    const id = this.nextId++;
    this.inFlight = { id, upTo };
    this.worker!.postMessage({ type: 'sync', id } satisfies WalSyncRequest);
  }

  private receive(answer: WalSyncAnswer): void {
    const sync = this.inFlight;
    if (!sync || sync.id !== answer.id) {
      this.logger.warn({ id: answer.id }, 'WAL sync worker answered a request nobody made');
      return;
    }
    this.inFlight = undefined;
    if (answer.type === 'failed') {
      const err = new Error(`WAL fdatasync failed: ${answer.error}`);
      this.logger.fatal({ err }, 'the WAL could not be made durable');
      this.rejectAll(err);
      this.onFatal(err);
      return;
    }
    this.stats.syncs += 1;
    this.synced = Math.max(this.synced, sync.upTo);
    const done = this.waiters.filter((w) => w.upTo <= this.synced);
    this.stats.largestGroup = Math.max(this.stats.largestGroup, done.length);
    this.waiters = this.waiters.filter((w) => w.upTo > this.synced);
    for (const w of done) w.resolve();
    // Commits made while that sync ran: one more sync carries them all.
    if (this.waiters.length > 0) this.request(Math.max(...this.waiters.map((w) => w.upTo)));
  }

  /**
   * The thread ended. Expected after stop(); otherwise the connection goes
   * back to FULL (each commit syncs itself, on the event loop as before) and
   * whatever was waiting is synced here, once, on this thread.
   */
  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.inFlight = undefined;
    if (this.stopping) return;
    this.logger.error({ code }, 'WAL sync worker ended; committing at synchronous=FULL again');
    if (!this.db.open) return this.rejectAll(new Error('the database is closed'));
    this.sharedRead.settle();
    this.db.pragma('synchronous = FULL');
    if (this.waiters.length === 0) return;
    try {
      const fd = fs.openSync(this.walFile, 'r');
      try {
        fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.logger.fatal({ err: error }, 'the WAL could not be made durable');
      this.rejectAll(error);
      this.onFatal(error);
      return;
    }
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.resolve();
  }

  private rejectAll(err: Error): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.reject(err);
  }
}
