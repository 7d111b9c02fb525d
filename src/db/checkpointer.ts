import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type {
  CheckpointOutcome,
  CheckpointRequest,
  CheckpointResult,
  CheckpointWorkerData,
  WorkerMessage,
} from './checkpointMessages';
import type { Db } from './connection';
import { spawnDbWorker } from './workerThread';

export type { CheckpointResult } from './checkpointMessages';

const AUTO_CHECKPOINT_PAGES = 1000; // SQLite's default

/** Starts the checkpoint worker thread (see spawnDbWorker). */
export function spawnCheckpointWorker(data: CheckpointWorkerData): Worker {
  return spawnDbWorker('checkpointWorker', data);
}

export interface CheckpointerOptions {
  /**
   * Starts the worker thread; spawnCheckpointWorker unless given. The seam
   * through which the tests hold the thread itself (to end it abruptly, or to
   * put a scripted worker in its place).
   */
  spawn?: (data: CheckpointWorkerData) => Worker;
}

interface Pending {
  resolve: (outcome: CheckpointOutcome) => void;
  reject: (err: Error) => void;
}

/**
 * WAL checkpoints off the event loop (issue 5). SQLite's automatic checkpoint
 * runs inside whichever commit pushes the WAL past 1,000 pages: better-sqlite3
 * is synchronous, so that request's thread — the event loop — copies the pages
 * into the database and waits for its fsync, which the benchmark saw as
 * 25–56 ms pauses for everyone. Here a worker thread (checkpointWorker.ts)
 * with its own connection checkpoints every `intervalMs` (PASSIVE: it never
 * blocks readers or writers), and the main connection stops checkpointing by
 * itself while the worker lives. Whenever the worker ends — stop() included —
 * the main connection checkpoints on its own again.
 */
export class Checkpointer {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private alive = true;
  private failure: Error | undefined;
  private stopping = false;
  /** Settles (never rejects) once the thread has ended and the main connection checkpoints again. */
  private readonly ended: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly db: Db,
    private readonly logger: Logger,
  ) {
    worker.on('message', (message: WorkerMessage) => this.receive(message));
    worker.on('error', (err) => {
      this.failure = err;
      logger.error({ err }, 'checkpoint worker failed');
    });
    // Listened to from the start, so that stop() after the thread's death
    // does not wait for an 'exit' that has already happened.
    this.ended = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.exited(code);
        resolve();
      }),
    );
  }

  /**
   * Starts the worker; resolves once it has checkpointed the file once — proof
   * that its connection works — and only then turns off the main connection's
   * own checkpoints. Rejects (the worker ended) if that first checkpoint fails.
   */
  static async start(db: Db, file: string, logger: Logger, intervalMs = 1000, options: CheckpointerOptions = {}): Promise<Checkpointer> {
    const spawn = options.spawn ?? spawnCheckpointWorker;
    const checkpointer = new Checkpointer(spawn({ kind: 'wal-checkpoint', file, intervalMs }), db, logger);
    try {
      await checkpointer.checkpoint();
    } catch (err) {
      checkpointer.stopping = true;
      await checkpointer.worker.terminate();
      throw err;
    }
    if (checkpointer.alive) db.pragma('wal_autocheckpoint = 0');
    return checkpointer;
  }

  /**
   * A PASSIVE checkpoint now, in the worker; resolves with SQLite's answer,
   * rejects if it failed or the worker has ended. Public on purpose: start()
   * calls it as the worker's first checkpoint, and it is the one way for any
   * holder of the checkpointer (an operator command, e.g. before a file-level
   * copy of the database) to checkpoint without blocking the event loop.
   * Concurrent calls are each answered with their own outcome (request ids).
   */
  async checkpoint(): Promise<CheckpointResult> {
    const outcome = await this.request('checkpoint');
    if (!outcome.ok) throw new Error(`checkpoint failed: ${outcome.error}`);
    return outcome.result;
  }

  /**
   * A last checkpoint, then the worker's connection closes and the thread
   * ends. Resolves once it has ended — at once if it already had — and never
   * rejects: a failure is logged.
   */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      if (this.alive) {
        this.request('stop').then(
          (outcome) => {
            if (!outcome.ok) this.logger.warn({ error: outcome.error }, 'last checkpoint failed');
          },
          () => {
            // The thread ended before answering; exited() logs how.
          },
        );
      }
    }
    return this.ended;
  }

  private request(type: CheckpointRequest['type']): Promise<CheckpointOutcome> {
    if (!this.alive) return Promise.reject(this.endedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ type, id } satisfies CheckpointRequest);
      } catch (err) {
        this.pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private receive(message: WorkerMessage): void {
    switch (message.type) {
      case 'answer': {
        const pending = this.pending.get(message.id);
        if (!pending) {
          this.logger.warn({ id: message.id }, 'checkpoint worker answered a request nobody made');
          return;
        }
        this.pending.delete(message.id);
        pending.resolve(message.outcome);
        return;
      }
      case 'background-failed':
        this.logger.warn({ error: message.error }, 'background checkpoint failed; retrying');
        return;
    }
  }

  private exited(code: number): void {
    this.alive = false;
    const error = this.endedError(code);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    try {
      // Back to SQLite's own checkpoints, whatever ended the worker.
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    } catch (err) {
      this.logger.error({ err }, 'could not turn the connection’s own checkpoints back on');
    }
    if (!this.stopping) this.logger.error({ code }, 'checkpoint worker ended; checkpointing in the request path again');
    else if (code !== 0) this.logger.warn({ code }, 'checkpoint worker ended abnormally while stopping');
  }

  private endedError(code?: number): Error {
    return this.failure ?? new Error(`the checkpoint worker has ended${code === undefined ? '' : ` (exit code ${code})`}`);
  }
}
