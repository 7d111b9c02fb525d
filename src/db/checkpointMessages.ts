/**
 * What the main thread and the WAL checkpoint worker (checkpointWorker.ts)
 * say to each other. Types only: the worker imports nothing but types from
 * its siblings, because under jest it runs transpiled from its own source,
 * alone (see spawnDbWorker in workerThread.ts).
 */

/** SQLite's answer to `PRAGMA wal_checkpoint`: frames in the WAL and frames copied into the database. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export type CheckpointOutcome = { ok: true; result: CheckpointResult } | { ok: false; error: string };

/** The worker's `workerData`; `kind` tells the worker entry that it is meant to run. */
export interface CheckpointWorkerData {
  kind: 'wal-checkpoint';
  file: string;
  intervalMs: number;
}

/**
 * Main thread → worker. Every request carries its own id (1, 2, 3… per
 * worker), which the answer repeats: requests in flight together are each
 * answered with their own outcome.
 */
export type CheckpointRequest =
  /** A PASSIVE checkpoint now. */
  | { type: 'checkpoint'; id: number }
  /** Stop the timer, a last checkpoint, close the connection and the port (the thread then ends). */
  | { type: 'stop'; id: number };

/** Worker → main thread. */
export type WorkerMessage =
  /** The answer to request `id`: the outcome of its checkpoint (for `stop`, the last one). */
  | { type: 'answer'; id: number; outcome: CheckpointOutcome }
  /** A checkpoint on the timer failed; the next tick tries again. */
  | { type: 'background-failed'; error: string };
