import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
// Types only (see checkpointMessages.ts): under jest this file runs in the
// thread transpiled on its own, where a sibling module could not be loaded.
import type {
  CheckpointOutcome,
  CheckpointRequest,
  CheckpointResult,
  CheckpointWorkerData,
  WorkerMessage,
} from './checkpointMessages';

/**
 * The WAL checkpoint worker thread (started by Checkpointer in
 * checkpointer.ts): its own connection to the database file, a PASSIVE
 * checkpoint every `intervalMs` and on request. The logic takes its
 * connection and port as parameters so that the unit tests run it in-process
 * (coverage does not see code running in a worker thread); only the last
 * lines wire it to `parentPort` and `workerData` when this file is a worker.
 */

/** What the worker needs of its port: the thread's parentPort, a MessageChannel end or a fake. */
export interface WorkerPort {
  postMessage(message: WorkerMessage): void;
  close(): void;
}

/** The worker's own connection: a short busy timeout, and FULL like the main connection's. */
export function openWorkerConnection(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('busy_timeout = 1000');
  db.pragma('synchronous = FULL');
  return db;
}

/** One PASSIVE checkpoint (it never blocks readers or writers); failures are returned, not thrown. */
export function checkpoint(db: Database.Database): CheckpointOutcome {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
    if (!result) return { ok: false, error: 'wal_checkpoint returned no row' };
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export class CheckpointWorker {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly port: WorkerPort,
  ) {}

  /** Checkpoints every `intervalMs`; a failure is reported to the main thread, the next tick retries. */
  startTimer(intervalMs: number): void {
    this.timer = setInterval(() => {
      const outcome = checkpoint(this.db);
      if (!outcome.ok) this.port.postMessage({ type: 'background-failed', error: outcome.error });
    }, intervalMs);
  }

  /** Answers a request from the main thread, repeating its id. */
  handle(request: CheckpointRequest): void {
    switch (request.type) {
      case 'checkpoint':
        this.port.postMessage({ type: 'answer', id: request.id, outcome: checkpoint(this.db) });
        return;
      case 'stop': {
        clearInterval(this.timer);
        this.timer = undefined;
        const outcome = checkpoint(this.db);
        this.db.close();
        this.port.postMessage({ type: 'answer', id: request.id, outcome });
        // Nothing else keeps the thread alive: it ends.
        this.port.close();
        return;
      }
    }
  }
}

export function isCheckpointWorkerData(data: unknown): data is CheckpointWorkerData {
  return typeof data === 'object' && data !== null && (data as Partial<CheckpointWorkerData>).kind === 'wal-checkpoint';
}

/** Opens the connection, starts the timer and answers the port's requests. */
export function runCheckpointWorker(port: MessagePort, data: CheckpointWorkerData): CheckpointWorker {
  const worker = new CheckpointWorker(openWorkerConnection(data.file), port);
  worker.startTimer(data.intervalMs);
  port.on('message', (request: CheckpointRequest) => worker.handle(request));
  return worker;
}

// The entry: only in a thread started with this worker's data (not when a
// test imports the file, even if jest itself runs tests in worker threads).
if (!isMainThread && parentPort && isCheckpointWorkerData(workerData)) runCheckpointWorker(parentPort, workerData);
