import type { Db } from './connection';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

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
 * in its own savepoint (better-sqlite3 nests a transaction function as a
 * savepoint), so a write that throws is rolled back alone and its caller gets
 * its error, while the others commit. Every caller is answered only after the
 * one COMMIT — after the fsync — and if that COMMIT fails, every caller of
 * the batch gets the error and nothing of the batch is on disk.
 *
 * A batch is flushed on setImmediate: everything that reached run() while the
 * event loop was handling the sockets that became readable together joins it,
 * so under load the batch grows with the load and costs one fsync, and a lone
 * request waits for nothing but its own commit.
 */
export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  /** Batches committed and jobs run, for the benchmark and the logs. */
  readonly stats = { batches: 0, jobs: 0, largestBatch: 0 };

  constructor(private readonly db: Db) {}

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

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const job of batch) {
            try {
              outcomes.push({ ok: true, value: this.db.transaction(job.work)() });
            } catch (error) {
              // SQLite may have ended the whole transaction (SQLITE_FULL, IOERR…):
              // then the earlier savepoints are gone too, and nobody may be told "done".
              if (!this.db.inTransaction) throw new BatchAbortedError(error);
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    this.stats.batches += 1;
    this.stats.jobs += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }
}
