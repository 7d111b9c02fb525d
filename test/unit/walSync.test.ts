import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { openDatabase, type Db } from '../../src/db/connection';
import type { GroupCommit } from '../../src/db/groupCommit';
import type { WalSync } from '../../src/db/walSync';
import { createLogger } from '../../src/logger';
import { SqliteStorage } from '../../src/storage/sqlite';
import { HeldWorker, settleCallbacks, state } from '../helpers/heldWalWorker';

describe('WAL sync (issue 11): commits become durable off the event loop, and nobody hears of one before', () => {
  let dir: string;
  let file: string;
  let db: Db;
  let walSync: WalSync;
  let commits: GroupCommit;
  let worker: HeldWorker;
  let fatal: Error[];
  let storage: SqliteStorage;

  const synchronous = () => db.pragma('synchronous', { simple: true });
  const insert = () => commits.run(() => db.prepare('INSERT INTO entry DEFAULT VALUES').run());

  async function startHeld(): Promise<void> {
    worker = new HeldWorker();
    const started = walSync.start(file, { spawn: () => worker as unknown as Worker, onFatal: (err) => fatal.push(err) });
    await settleCallbacks();
    worker.answer(); // the first sync proves the thread works
    await started;
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-sync-'));
    file = path.join(dir, 'ledger.db');
    db = openDatabase(file);
    db.exec('CREATE TABLE entry (id INTEGER PRIMARY KEY)');
    storage = new SqliteStorage(db, createLogger('silent'));
    walSync = storage.walSync;
    commits = storage.commits;
    fatal = [];
  });

  afterEach(async () => {
    if (walSync.active) {
      const stopped = walSync.stop();
      await settleCallbacks();
      while (worker.asked.length > 0) worker.answer();
      await stopped;
    }
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when it is not started then every commit is durable on return (FULL) and nothing waits', async () => {
    expect(synchronous()).toBe(2);
    await insert();
    expect(walSync.whenDurable()).toBeUndefined();
  });

  it('when the worker has made its first sync then the connection commits at NORMAL', async () => {
    await startHeld();
    expect(walSync.active).toBe(true);
    expect(synchronous()).toBe(1);
    expect(walSync.whenDurable()).toBeUndefined();
  });

  it('when a relaxed write shares a batch with a durable one then it is answered at the COMMIT and the durable one after the sync', async () => {
    await startHeld();
    // A rate-limit hit, say: 'relaxed' (port.ts) — its loss on a power cut is harmless.
    const relaxed = state(storage.transaction(() => storage.run('INSERT INTO entry DEFAULT VALUES'), { durability: 'relaxed' }));
    const durable = state(insert());
    await settleCallbacks();
    expect(db.prepare('SELECT count(*) FROM entry').pluck().get()).toBe(2);
    // One COMMIT for both: the relaxed write joined the batch instead of committing on its own.
    expect(commits.stats).toEqual({ batches: 1, jobs: 2, largestBatch: 2 });
    expect(relaxed.done).toBe(true);
    expect(durable.done).toBe(false);
    worker.answer();
    await settleCallbacks();
    expect(durable.done).toBe(true);
  });

  it('when a group commit has committed then its callers are answered only after the worker synced it', async () => {
    await startHeld();
    const job = state(insert());
    await settleCallbacks();
    // Committed (another connection sees it) but not yet synced: nobody is told.
    expect(db.prepare('SELECT count(*) FROM entry').pluck().get()).toBe(1);
    expect(worker.asked).toHaveLength(1);
    expect(job.done).toBe(false);
    worker.answer();
    await settleCallbacks();
    expect(job.done).toBe(true);
    expect(walSync.whenDurable()).toBeUndefined();
  });

  it('when commits arrive while a sync runs then they all share the next one', async () => {
    await startHeld();
    const first = state(insert());
    await settleCallbacks();
    // Three group commits of their own, each committed while the first sync runs.
    const later = [];
    for (let i = 0; i < 3; i++) {
      later.push(state(insert()));
      await settleCallbacks();
    }
    expect(worker.asked).toHaveLength(1); // one in flight; the later commits wait for it to end
    worker.answer();
    await settleCallbacks();
    expect(first.done).toBe(true);
    expect(later.some((s) => s.done)).toBe(false);
    expect(worker.asked).toHaveLength(1); // one more sync for the three
    worker.answer();
    await settleCallbacks();
    expect(later.every((s) => s.done)).toBe(true);
    expect(walSync.stats.largestGroup).toBe(3);
  });

  it('when a write was committed outside the group commit then whenDurable holds until it is synced', async () => {
    await startHeld();
    db.prepare('INSERT INTO entry DEFAULT VALUES').run();
    const wait = walSync.whenDurable();
    expect(wait).toBeDefined();
    const s = state(wait!);
    await settleCallbacks();
    expect(s.done).toBe(false);
    worker.answer();
    await settleCallbacks();
    expect(s.done).toBe(true);
  });

  it('when an fdatasync fails then every waiter is refused and the service is told it must end', async () => {
    await startHeld();
    const job = state(insert());
    await settleCallbacks();
    worker.answer('failed');
    await settleCallbacks();
    expect(job.done).toBe(false);
    expect(String(job.failed)).toMatch(/fdatasync failed/);
    expect(fatal).toHaveLength(1);
  });

  it('when the worker dies then the connection is FULL again and what waited is synced on this thread', async () => {
    await startHeld();
    const job = state(insert());
    await settleCallbacks();
    worker.emit('exit', 1);
    await settleCallbacks();
    expect(job.done).toBe(true);
    expect(walSync.active).toBe(false);
    expect(synchronous()).toBe(2);
    expect(fatal).toHaveLength(0);
  });

  it('when stopped then the last commits are synced and the connection is FULL again', async () => {
    await startHeld();
    db.prepare('INSERT INTO entry DEFAULT VALUES').run();
    const stopped = state(walSync.stop());
    await settleCallbacks();
    expect(synchronous()).toBe(2);
    expect(stopped.done).toBe(false);
    worker.answer();
    await settleCallbacks();
    expect(stopped.done).toBe(true);
    expect(walSync.active).toBe(false);
  });

  it('when the real worker thread runs then commits are answered once it has synced the WAL', async () => {
    await walSync.start(file);
    expect(synchronous()).toBe(1);
    const results = await Promise.all([insert(), insert(), insert()]);
    expect(results.map((r) => r.changes)).toEqual([1, 1, 1]);
    expect(walSync.whenDurable()).toBeUndefined();
    expect(walSync.stats.syncs).toBeGreaterThanOrEqual(2);
    await walSync.stop();
    expect(synchronous()).toBe(2);
  });
});
