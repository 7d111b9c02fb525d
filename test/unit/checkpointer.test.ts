import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pino from 'pino';
import { openDatabase, type Db } from '../../src/db/connection';
import { Checkpointer, spawnCheckpointWorker } from '../../src/db/checkpointer';
import type { CheckpointWorkerData, WorkerMessage } from '../../src/db/checkpointMessages';
import {
  checkpoint,
  CheckpointWorker,
  isCheckpointWorkerData,
  openWorkerConnection,
  runCheckpointWorker,
} from '../../src/db/checkpointWorker';

let dir: string;
let file: string;
let db: Db;
let logged: { level: number; msg: string }[];
let logger: pino.Logger;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-ckpt-'));
  file = path.join(dir, 'test.db');
  db = openDatabase(file);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  logged = [];
  logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
});
afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const writeCommits = (n: number): void => {
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  for (let i = 0; i < n; i++) insert.run('x'.repeat(200));
};
const walState = (): { log: number; checkpointed: number } =>
  (db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[])[0]!;
const autoCheckpoint = (): unknown => db.pragma('wal_autocheckpoint', { simple: true });

/** Fails if `promise` has not settled within `ms` (a hang would otherwise only end at jest's timeout). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the real worker and keeps hold of its thread. */
function holdingThread(): { spawn: (data: CheckpointWorkerData) => Worker; thread: () => Worker } {
  let held: Worker | undefined;
  return {
    spawn: (data) => (held = spawnCheckpointWorker(data)),
    thread: () => held!,
  };
}

/**
 * A scripted stand-in for the worker thread: `onRequest` (JavaScript, run in
 * the thread) gets each request `m` and may call `answer(id, log, ok)`.
 */
function scriptedWorker(onRequest: string): () => Worker {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const answer = (id, log, ok = true) => parentPort.postMessage({ type: 'answer', id,
      outcome: ok ? { ok: true, result: { busy: 0, log, checkpointed: log } } : { ok: false, error: 'disk I/O error' } });
    parentPort.on('message', (m) => { ${onRequest} });`;
  return () => new Worker(source, { eval: true });
}

describe('Checkpointer: background WAL checkpoints (issue 5: no checkpoint pauses on the event loop)', () => {
  test('when the checkpointer runs, then commits never checkpoint and the worker copies the WAL into the database', async () => {
    const checkpointer = await Checkpointer.start(db, file, logger, 60_000);
    expect(autoCheckpoint()).toBe(0);

    writeCommits(1500); // past SQLite's 1,000-page threshold: nothing was checkpointed by a commit
    expect(walState().log).toBeGreaterThan(1000);
    expect(walState().checkpointed).toBe(0);
    const result = await checkpointer.checkpoint();

    expect(result.busy).toBe(0);
    expect(result.checkpointed).toBe(result.log);
    expect(result.log).toBeGreaterThan(1000);
    await checkpointer.stop();
  });

  test('when the worker dies, then the connection checkpoints by itself again and the death is logged', async () => {
    const { spawn, thread } = holdingThread();
    const checkpointer = await Checkpointer.start(db, file, logger, 60_000, { spawn });
    await thread().terminate();

    expect(autoCheckpoint()).toBe(1000);
    expect(logged.map((l) => l.msg)).toContain('checkpoint worker ended; checkpointing in the request path again');
    await expect(checkpointer.checkpoint()).rejects.toThrow('the checkpoint worker has ended');
  });

  test('when it stops, then a last checkpoint leaves nothing in the WAL', async () => {
    const checkpointer = await Checkpointer.start(db, file, logger, 60_000);
    writeCommits(50);
    await checkpointer.stop();

    const state = walState();
    expect(state.checkpointed).toBe(state.log);
    expect(autoCheckpoint()).toBe(1000);
    expect(logged).toEqual([]);
  });

  // Before this change stop() waited for an 'exit' event registered after the
  // thread had already exited, which Node never emits twice: it hung until
  // the server's forced exit and the database was never closed.
  test('when the worker has already died, then stop() resolves at once', async () => {
    const { spawn, thread } = holdingThread();
    const checkpointer = await Checkpointer.start(db, file, logger, 60_000, { spawn });
    await thread().terminate();

    await expect(within(checkpointer.stop(), 1000)).resolves.toBeUndefined();
  });

  test('when the worker exits during stop, then stop() resolves and the connection checkpoints by itself again', async () => {
    const spawn = scriptedWorker(`if (m.type === 'checkpoint') answer(m.id, 0); else process.exit(3);`);
    const checkpointer = await Checkpointer.start(db, file, logger, 60_000, { spawn });
    expect(autoCheckpoint()).toBe(0);

    await expect(within(checkpointer.stop(), 1000)).resolves.toBeUndefined();
    expect(autoCheckpoint()).toBe(1000);
    expect(logged).toEqual([expect.objectContaining({ msg: 'checkpoint worker ended abnormally while stopping' })]);
  });

  test('when two checkpoints are asked at once and answered out of order, then each gets its own answer', async () => {
    // id 1 is start()'s first checkpoint; 2 and 3 are answered in reverse order.
    const spawn = scriptedWorker(`
      if (m.type === 'stop') return parentPort.close();
      if (m.id === 1) return answer(1, 0);
      (globalThis.held ??= []).push(m.id);
      if (globalThis.held.length === 2) for (const id of globalThis.held.reverse()) answer(id, id * 10);`);
    const checkpointer = await Checkpointer.start(db, file, logger, 60_000, { spawn });

    const [first, second] = await within(Promise.all([checkpointer.checkpoint(), checkpointer.checkpoint()]), 1000);

    expect(first.log).toBe(20);
    expect(second.log).toBe(30);
    await checkpointer.stop();
  });

  test('when two checkpoints are asked of the real worker at once, then both are answered', async () => {
    const checkpointer = await Checkpointer.start(db, file, logger, 60_000);
    writeCommits(20);

    const results = await Promise.all([checkpointer.checkpoint(), checkpointer.checkpoint()]);

    expect(results.map((r) => r.checkpointed)).toEqual([results[0]!.log, results[0]!.log]);
    await checkpointer.stop();
  });

  test('when the worker cannot checkpoint, then start() rejects and the connection keeps its own checkpoints', async () => {
    const spawn = scriptedWorker(`answer(m.id, 0, false);`);

    await expect(Checkpointer.start(db, file, logger, 60_000, { spawn })).rejects.toThrow('checkpoint failed: disk I/O error');
    expect(autoCheckpoint()).toBe(1000);
  });

  test('when a background checkpoint fails, then a warning is logged', async () => {
    const spawn = scriptedWorker(`
      if (m.type === 'stop') return parentPort.close();
      answer(m.id, 0);
      parentPort.postMessage({ type: 'background-failed', error: 'database is locked' });`);
    const checkpointer = await Checkpointer.start(db, file, logger, 60_000, { spawn });
    await checkpointer.checkpoint(); // its background failure arrives before this answer
    await checkpointer.stop();

    expect(logged).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'background checkpoint failed; retrying', error: 'database is locked' }),
    );
  });
});

describe('checkpoint worker logic (in-process)', () => {
  let sent: WorkerMessage[];
  let portClosed: boolean;
  const port = { postMessage: (m: WorkerMessage) => void sent.push(m), close: () => void (portClosed = true) };
  let workerDb: Database.Database;

  beforeEach(() => {
    sent = [];
    portClosed = false;
    db.pragma('wal_autocheckpoint = 0');
    workerDb = openWorkerConnection(file);
  });
  afterEach(() => {
    jest.useRealTimers();
    if (workerDb.open) workerDb.close();
  });

  test('when the worker opens its connection, then it has a short busy timeout and synchronous FULL', () => {
    expect(workerDb.pragma('busy_timeout', { simple: true })).toBe(1000);
    expect(workerDb.pragma('synchronous', { simple: true })).toBe(2); // FULL
  });

  test('when asked to checkpoint twice, then each answer repeats its request id and holds SQLite’s result', () => {
    writeCommits(30);
    const worker = new CheckpointWorker(workerDb, port);

    worker.handle({ type: 'checkpoint', id: 7 });
    worker.handle({ type: 'checkpoint', id: 8 });

    expect(sent.map((m) => m.type === 'answer' && m.id)).toEqual([7, 8]);
    const log = walState().log;
    expect(sent[0]).toEqual({ type: 'answer', id: 7, outcome: { ok: true, result: { busy: 0, log, checkpointed: log } } });
  });

  test('when the connection cannot checkpoint, then checkpoint() returns the failure instead of throwing', () => {
    workerDb.close();

    expect(checkpoint(workerDb)).toEqual({ ok: false, error: expect.stringContaining('not open') });
  });

  test('when the timer fires, then the WAL is checkpointed, and a failure is reported to the main thread', () => {
    jest.useFakeTimers();
    const worker = new CheckpointWorker(workerDb, port);
    worker.startTimer(1000);
    writeCommits(30);

    jest.advanceTimersByTime(1000);
    expect(walState().checkpointed).toBe(walState().log);
    expect(sent).toEqual([]);

    workerDb.close();
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([{ type: 'background-failed', error: expect.stringContaining('not open') }]);
    worker.handle({ type: 'stop', id: 1 });
  });

  test('when asked to stop, then the timer ends, a last checkpoint runs, then the connection and the port close', () => {
    jest.useFakeTimers();
    const worker = new CheckpointWorker(workerDb, port);
    worker.startTimer(1000);
    writeCommits(30);

    worker.handle({ type: 'stop', id: 4 });

    expect(walState().checkpointed).toBe(walState().log);
    expect(sent).toEqual([{ type: 'answer', id: 4, outcome: { ok: true, result: expect.objectContaining({ busy: 0 }) } }]);
    expect(workerDb.open).toBe(false);
    expect(portClosed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('when wired to a port, then it answers that port’s requests until asked to stop', async () => {
    workerDb.close(); // runCheckpointWorker opens its own
    const { port1, port2 } = new MessageChannel();
    const next = (p: MessagePort): Promise<WorkerMessage> => new Promise((resolve) => p.once('message', resolve));
    const worker = runCheckpointWorker(port1, { kind: 'wal-checkpoint', file, intervalMs: 60_000 });
    expect(worker).toBeInstanceOf(CheckpointWorker);

    port2.postMessage({ type: 'checkpoint', id: 1 });
    expect(await next(port2)).toMatchObject({ type: 'answer', id: 1, outcome: { ok: true } });
    port2.postMessage({ type: 'stop', id: 2 });
    expect(await next(port2)).toMatchObject({ type: 'answer', id: 2, outcome: { ok: true } });
    await new Promise((resolve) => port2.once('close', resolve));
  });

  test('when the thread data is not the checkpoint worker’s, then the entry does not start', () => {
    expect(isCheckpointWorkerData({ kind: 'wal-checkpoint', file, intervalMs: 1 })).toBe(true);
    expect(isCheckpointWorkerData(undefined)).toBe(false);
    expect(isCheckpointWorkerData({ file })).toBe(false);
  });
});
