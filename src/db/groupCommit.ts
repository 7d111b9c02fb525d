import type { Db } from './connection';
import type { WalSync } from './walSync';

interface Job {
  work: () => unknown;
  /** Answered once the COMMIT is durable (true), or as soon as it is done (a relaxed write, see run). */
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Holds the storage's writer while `body` runs, as the ambient transaction of what it awaits. */
export type Exclusive = <T>(body: () => Promise<T>) => Promise<T>;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** The batch's transaction was ended by SQLite itself (e.g. disk full): nothing in it was committed. */
export class BatchAbortedError extends Error {
  constructor(override readonly cause: unknown) {
    super('the group commit was rolled back as a whole', { cause });
  }
}

/**
 * Group commit (issue 5): with synchronous=FULL every commit waits for an
 * fsync, which bounds durable writes far below what the server can otherwise
 * do. Writes that arrive together therefore share one transaction: each runs
 * in its own savepoint, so a write that throws is rolled back alone and its
 * caller gets its error, while the others commit. Every caller is answered
 * only after the one COMMIT is durable — after its fsync, on this thread at
 * synchronous=FULL or in the WAL sync worker (walSync.ts) — and if that COMMIT fails, or
 * SQLite ends the transaction on its own, every caller of the batch gets the
 * error and nothing of the batch is on disk.
 *
 * A batch is flushed on setImmediate: everything that reached run() while the
 * event loop was handling the sockets that became readable together joins it,
 * so under load the batch grows with the load and costs one fsync, and a lone
 * request waits for nothing but its own commit. The jobs are async functions
 * run one after another inside the batch; the storage (src/storage/sqlite.ts)
 * holds its writer for the whole batch, so what a job awaits from the storage
 * runs inside it and nothing else does.
 */
export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;
  /** Batches committed and jobs run, for the benchmark and the logs. */
  readonly stats = { batches: 0, jobs: 0, largestBatch: 0 };

  constructor(
    private readonly db: Db,
    private readonly walSync: WalSync,
    /** Runs a batch holding the connection's one writer, as the ambient transaction of its jobs. */
    private readonly exclusive: Exclusive,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT group_commit_job');
    this.release = db.prepare('RELEASE group_commit_job');
    this.rollbackTo = db.prepare('ROLLBACK TO group_commit_job');
  }

  /**
   * Runs `work` (which awaits nothing but the storage) in the next group
   * transaction; resolves with its result once that transaction is durably
   * committed — or, with `{ durable: false }` (a 'relaxed' write whose loss on
   * a power cut is harmless, port.ts), as soon as it is committed: such a
   * write shares the batch's one COMMIT instead of paying its own.
   */
  run<T>(work: () => Promise<T> | T, options: { durable: boolean } = { durable: true }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, durable: options.durable, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    let outcomes: Outcome[];
    let durable: Promise<void> | undefined;
    try {
      ({ outcomes, durable } = await this.exclusive(() => this.runBatch(batch)));
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    this.stats.batches += 1;
    this.stats.jobs += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    const answer = (durableOnes: boolean): void =>
      batch.forEach((job, i) => {
        if (job.durable !== durableOnes) return;
        const outcome = outcomes[i]!;
        if (outcome.ok) job.resolve(outcome.value);
        else job.reject(outcome.error);
      });
    answer(false);
    // With the WAL sync running, the COMMIT wrote the WAL without an
    // fsync: nobody who asked for durability is answered before the worker has made it durable.
    if (!durable) return answer(true);
    durable.then(() => answer(true), (error: unknown) => {
      for (const job of batch) if (job.durable) job.reject(error);
    });
  }

  private async runBatch(batch: Job[]): Promise<{ outcomes: Outcome[]; durable: Promise<void> | undefined }> {
    // Inside a transaction someone left open, ours would nest as a savepoint and "commit" nothing durable.
    if (this.db.inTransaction) throw new Error('group commit cannot run inside an open transaction');
    this.begin.run();
    try {
      const outcomes: Outcome[] = [];
      for (const job of batch) outcomes.push(await this.runJob(job));
      this.commit.run();
      // A batch of relaxed writes alone asks for no sync: nobody waits for one (a response still does, in res.end).
      return { outcomes, durable: batch.some((job) => job.durable) ? this.walSync.whenDurable() : undefined };
    } catch (error) {
      if (this.db.inTransaction) this.rollback.run();
      throw error;
    }
  }

  /**
   * One job in its own savepoint. Only the job's own error is its outcome: if
   * SQLite ended the whole transaction (SQLITE_FULL, IOERR…) the earlier
   * savepoints are gone too, and if undoing the savepoint fails its writes
   * might be committed with the others — either way nobody may be told "done",
   * so the error leaves the batch and rolls it all back.
   */
  private async runJob(job: Job): Promise<Outcome> {
    this.savepoint.run();
    let outcome: Outcome;
    try {
      outcome = { ok: true, value: await job.work() };
    } catch (error) {
      if (!this.db.inTransaction) throw new BatchAbortedError(error);
      this.rollbackTo.run();
      outcome = { ok: false, error };
    }
    this.release.run();
    return outcome;
  }
}
