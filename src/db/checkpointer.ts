import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './connection';

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

// Plain JavaScript run by the worker thread: its own connection to the same
// file, checkpointing on a timer and on request.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = FULL');
const checkpoint = () => {
  try {
    return { ok: true, result: db.pragma('wal_checkpoint(PASSIVE)')[0] };
  } catch (err) {
    return { ok: false, error: String((err && err.message) || err) };
  }
};
const timer = setInterval(() => {
  const outcome = checkpoint();
  if (!outcome.ok) parentPort.postMessage({ type: 'failed', error: outcome.error });
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'now') parentPort.postMessage({ type: 'done', ...checkpoint() });
  if (message === 'stop') {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
`;

const AUTO_CHECKPOINT_PAGES = 1000; // SQLite's default

/**
 * WAL checkpoints off the event loop (issue 5). SQLite's automatic checkpoint
 * runs inside whichever commit pushes the WAL past 1,000 pages: better-sqlite3
 * is synchronous, so that request's thread — the event loop — copies the pages
 * into the database and waits for its fsync, which the benchmark saw as
 * 25–56 ms pauses for everyone. Here a worker thread with its own connection
 * checkpoints every `intervalMs` (PASSIVE: it never blocks readers or
 * writers), and the main connection stops checkpointing by itself. Should the
 * worker die, the main connection checkpoints on its own again.
 */
export class Checkpointer {
  private constructor(private readonly worker: Worker, private readonly db: Db, private readonly logger: Logger) {}

  static start(db: Db, file: string, logger: Logger, intervalMs = 1000): Promise<Checkpointer> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file, intervalMs },
    });
    return new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => {
        worker.off('error', reject);
        const checkpointer = new Checkpointer(worker, db, logger);
        checkpointer.watch();
        db.pragma('wal_autocheckpoint = 0');
        resolve(checkpointer);
      });
    });
  }

  private watch(): void {
    this.worker.on('message', (m: { type: string; error?: string }) => {
      if (m.type === 'failed') this.logger.warn({ error: m.error }, 'background checkpoint failed; retrying');
    });
    this.worker.on('error', (err) => this.logger.error({ err }, 'checkpoint worker failed'));
    this.worker.on('exit', (code) => {
      // Back to SQLite's own checkpoints, whatever ended the worker (stop() included).
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
      if (code !== 0) this.logger.error({ code }, 'checkpoint worker ended; checkpointing in the request path again');
    });
  }

  /** Checkpoints now (for tests and operators); resolves with SQLite's answer. */
  now(): Promise<CheckpointResult> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: { type: string; ok?: boolean; result?: CheckpointResult; error?: string }): void => {
        if (m.type !== 'done') return;
        this.worker.off('message', onMessage);
        if (m.ok) resolve(m.result!);
        else reject(new Error(m.error));
      };
      this.worker.on('message', onMessage);
      this.worker.postMessage('now');
    });
  }

  /** A last checkpoint, then the worker's connection closes. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage('stop');
    });
  }

  /** Ends the worker abruptly (tests: what happens when it dies). */
  kill(): Promise<number> {
    return this.worker.terminate();
  }
}
