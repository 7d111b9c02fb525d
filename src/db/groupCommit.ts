import type { Db } from './connection';
import type { WalSync } from './walSync';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

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
 * request waits for nothing but its own commit.
 */
export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;
  private readonly syncNormal;
  private readonly syncFull;
  /** Batches committed and jobs run, for the benchmark and the logs. */
  readonly stats = { batches: 0, jobs: 0, largestBatch: 0 };

  constructor(
    private readonly db: Db,
    private readonly walSync: WalSync,
  ) {
    this.savepoint = db.prepare('SAVEPOINT group_commit_job');
    this.release = db.prepare('RELEASE group_commit_job');
    this.rollbackTo = db.prepare('ROLLBACK TO group_commit_job');
    // Prepared once: db.pragma() compiles its statement on every call, and this runs on every password check.
    this.syncNormal = db.prepare('PRAGMA synchronous = NORMAL');
    this.syncFull = db.prepare('PRAGMA synchronous = FULL');
  }

  /**
   * Runs `work` (synchronous, no await inside) in the next group transaction;
   * resolves with its result once that transaction is durably committed.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Runs `work` now, in its own transaction committed WITHOUT an fsync
   * (synchronous=NORMAL for this one commit; WAL mode keeps it atomic and
   * crash-safe, only a power cut may lose it — and the next durable commit
   * carries it to disk anyway). For writes whose loss on a power cut is
   * harmless, such as a lockout reservation (issue 10): an fsync on the event
   * loop for each of them stalled everyone during a login flood. Inside an
   * open transaction the work simply joins it.
   */
  runWithoutFsync<T>(work: () => T): T {
    if (this.db.inTransaction) return work();
    // Committing at NORMAL already; the WAL sync carries it with the next response.
    if (this.walSync.active) return this.db.transaction(work).immediate();
    this.syncNormal.run();
    try {
      return this.db.transaction(work).immediate();
    } finally {
      this.syncFull.run();
    }
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    let outcomes: Outcome[];
    try {
      // Inside a transaction someone left open, ours would nest as a savepoint and "commit" nothing durable.
      if (this.db.inTransaction) throw new Error('group commit cannot run inside an open transaction');
      outcomes = this.db.transaction(() => batch.map((job) => this.runJob(job))).immediate();
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    this.stats.batches += 1;
    this.stats.jobs += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    const answer = (): void =>
      batch.forEach((job, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) job.resolve(outcome.value);
        else job.reject(outcome.error);
      });
    // With the WAL sync running, the COMMIT above wrote the WAL without an
    // fsync: nobody is answered before the worker has made it durable.
    const durable = this.walSync.whenDurable();
    if (!durable) return answer();
    durable.then(answer, (error: unknown) => {
      for (const job of batch) job.reject(error);
    });
  }

  /**
   * One job in its own savepoint. Only the job's own error is its outcome: if
   * SQLite ended the whole transaction (SQLITE_FULL, IOERR…) the earlier
   * savepoints are gone too, and if undoing the savepoint fails its writes
   * might be committed with the others — either way nobody may be told "done",
   * so the error leaves the batch and rolls it all back.
   */
  private runJob(job: Job): Outcome {
    this.savepoint.run();
    let outcome: Outcome;
    try {
      const value = job.work();
      // An async job would write after its savepoint, outside the batch.
      if (value instanceof Promise) throw new TypeError('a group-commit job cannot return a promise');
      outcome = { ok: true, value };
    } catch (error) {
      if (!this.db.inTransaction) throw new BatchAbortedError(error);
      this.rollbackTo.run();
      outcome = { ok: false, error };
    }
    this.release.run();
    return outcome;
  }
}
