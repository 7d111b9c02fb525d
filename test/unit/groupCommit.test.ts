import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/db/connection';
import { BatchAbortedError, type GroupCommit } from '../../src/db/groupCommit';
import { createLogger } from '../../src/logger';
import { SqliteStorage } from '../../src/storage/sqlite';

/** What a job's promise came to, without letting a rejection escape the test. */
const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe('group commit (issue 5): one transaction and one fsync for the writes that arrive together', () => {
  let dir: string;
  let file: string;
  let db: Db;
  let storage: SqliteStorage;
  let commits: GroupCommit;

  beforeEach(() => {
    // A real file in WAL with synchronous=FULL, as in production, so a second connection can look in.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'group-commit-'));
    file = path.join(dir, 'ledger.db');
    db = openDatabase(file);
    db.exec(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE entry (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
      INSERT INTO parent (id) VALUES (1);`);
    storage = new SqliteStorage(db, createLogger('silent'));
    commits = storage.commits;
  });

  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const insert = (id: number, parentId = 1) => () => db.prepare('INSERT INTO entry (id, parent_id) VALUES (?, ?)').run(id, parentId).changes;
  const entries = (): number[] => db.prepare('SELECT id FROM entry ORDER BY id').pluck().all() as number[];

  test('when jobs are queued in the same turn, then they commit in one transaction and each gets its own result', async () => {
    const results = await Promise.all([1, 2, 3].map((id) => commits.run(() => (insert(id)(), `row ${id}`))));

    expect(results).toEqual(['row 1', 'row 2', 'row 3']);
    expect(entries()).toEqual([1, 2, 3]);
    expect(commits.stats).toEqual({ batches: 1, jobs: 3, largestBatch: 3 });
  });

  test('when jobs arrive in different turns, then each turn is its own batch (a lone write waits for nobody)', async () => {
    await commits.run(insert(1));
    await commits.run(insert(2));

    expect(entries()).toEqual([1, 2]);
    expect(commits.stats).toEqual({ batches: 2, jobs: 2, largestBatch: 1 });
  });

  test('when one job throws after writing, then only its writes are rolled back, it gets its own error and the others commit', async () => {
    const boom = new Error('refused');
    const jobs = [
      commits.run(insert(1)),
      commits.run(() => {
        insert(2)();
        throw boom;
      }),
      commits.run(insert(3)),
    ].map(settle);

    const [first, failed, third] = await Promise.all(jobs);

    expect(failed).toEqual({ ok: false, error: boom });
    expect(first).toEqual({ ok: true, value: 1 });
    expect(third).toEqual({ ok: true, value: 1 });
    expect(entries()).toEqual([1, 3]);
    expect(commits.stats.batches).toBe(1);
  });

  test('when one job breaks a constraint, then SQLite refuses that statement alone and the batch still commits', async () => {
    const [duplicate, other] = await Promise.all([
      settle(commits.run(() => (insert(5)(), insert(5)()))),
      settle(commits.run(insert(6))),
    ]);

    expect(duplicate.ok).toBe(false);
    expect(!duplicate.ok && (duplicate.error as { code?: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(other).toEqual({ ok: true, value: 1 });
    expect(entries()).toEqual([6]);
  });

  test('when an async job writes through the storage on both sides of an await and then throws, then all its writes are rolled back and the others commit', async () => {
    const boom = new Error('refused');
    const write = (id: number) => storage.run('INSERT INTO entry (id, parent_id) VALUES (?, 1)', [id]);
    const [failed, other] = await Promise.all([
      settle(commits.run(async () => {
        await write(1);
        await write(2);
        throw boom;
      })),
      settle(commits.run(() => write(3))),
    ]);

    expect(failed).toEqual({ ok: false, error: boom });
    expect(other).toEqual({ ok: true, value: { changes: 1 } });
    expect(entries()).toEqual([3]);
    expect(commits.stats).toMatchObject({ batches: 1, jobs: 2 });
  });

  test('when the COMMIT fails (a deferred foreign key), then every job of the batch is rejected and none of its rows exists', async () => {
    const outcomes = await Promise.all([commits.run(insert(1)), commits.run(insert(2, 99)), commits.run(insert(3))].map(settle));

    expect(outcomes.map((o) => o.ok)).toEqual([false, false, false]);
    expect(outcomes.map((o) => !o.ok && (o.error as { code?: string }).code)).toEqual(Array(3).fill('SQLITE_CONSTRAINT_FOREIGNKEY'));
    expect(entries()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    expect(commits.stats.batches).toBe(0);
  });

  test('when SQLite itself ends the transaction mid-batch, then every job is rejected, earlier ones too, and no later job runs outside it', async () => {
    db.exec('INSERT INTO entry (id, parent_id) VALUES (7, 1)');
    // OR ROLLBACK: a constraint error that rolls back the whole transaction, as SQLITE_FULL or an I/O error may.
    const aborting = () => db.prepare('INSERT OR ROLLBACK INTO entry (id, parent_id) VALUES (7, 1)').run().changes;

    const outcomes = await Promise.all([commits.run(insert(1)), commits.run(aborting), commits.run(insert(3))].map(settle));

    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      expect(!outcome.ok && outcome.error).toBeInstanceOf(BatchAbortedError);
    }
    expect(entries()).toEqual([7]);
    // The next batch starts clean.
    await commits.run(insert(8));
    expect(entries()).toEqual([7, 8]);
  });

  test('when a batch comes due while someone holds a transaction open, then its jobs are rejected rather than folded into it', async () => {
    const job = settle(commits.run(insert(1)));
    db.exec('BEGIN');

    const outcome = await job;
    db.exec('ROLLBACK');

    expect(outcome.ok).toBe(false);
    expect(entries()).toEqual([]);
  });

  test('when a job is answered, then its row is already committed: another connection on the file reads it', async () => {
    const reader = new Database(file, { readonly: true });
    try {
      const seenOnResolve = await commits.run(insert(1)).then(() => ({
        writerInTransaction: db.inTransaction,
        fromReader: reader.prepare('SELECT id FROM entry').pluck().all(),
      }));

      expect(seenOnResolve).toEqual({ writerInTransaction: false, fromReader: [1] });
    } finally {
      reader.close();
    }
  });

  test('when a write is run without fsync, then it is committed and seen by another connection, and the connection is back to synchronous=FULL', async () => {
    const id = await storage.transaction(async () => (await storage.get<{ id: number }>('INSERT INTO entry (parent_id) VALUES (1) RETURNING id'))!.id, { durability: 'relaxed' });

    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT count(*) FROM entry WHERE id = ?').pluck().get(id)).toBe(1);
    other.close();
  });

  test('when the write without fsync throws, then nothing of it is kept and synchronous=FULL is restored', async () => {
    await expect(storage.transaction(async () => {
      await storage.run('INSERT INTO entry (parent_id) VALUES (1)');
      throw new Error('boom');
    }, { durability: 'relaxed' })).rejects.toThrow('boom');

    expect(db.prepare('SELECT count(*) FROM entry').pluck().get()).toBe(0);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
