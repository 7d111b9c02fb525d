import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { openDatabase, type Db } from '../../src/db/connection';
import { createLogger } from '../../src/logger';
import { SqliteStorage } from '../../src/storage/sqlite';
import { HeldWorker, settleCallbacks, state } from '../helpers/heldWalWorker';

/** What a promise came to, without letting a rejection escape the test. */
const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe('SQLite storage (issue 12): the storage port on one better-sqlite3 connection', () => {
  let dir: string;
  let db: Db;
  let storage: SqliteStorage;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-storage-'));
    db = openDatabase(path.join(dir, 'ledger.db'));
    db.exec('CREATE TABLE entry (id INTEGER PRIMARY KEY, note TEXT)');
    storage = new SqliteStorage(db, createLogger('silent'));
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const insert = (id: number) => storage.run('INSERT INTO entry (id) VALUES (?)', [id]);
  const ids = async () => (await storage.all<{ id: number }>('SELECT id FROM entry ORDER BY id')).map((r) => r.id);
  /** Another repository, deeper in the call stack: it knows nothing of the transaction. */
  const deepInsert = async (id: number) => {
    await Promise.resolve();
    return insert(id);
  };

  test('when statements use ? or @name parameters, then both bind, RETURNING answers and each SQL text is prepared once', async () => {
    const prepare = jest.spyOn(db, 'prepare');
    expect(await storage.get('INSERT INTO entry (id, note) VALUES (@id, @note) RETURNING id', { id: 7, note: 'x' })).toEqual({ id: 7 });
    expect(await storage.get('SELECT note FROM entry WHERE id = ?', [7])).toEqual({ note: 'x' });
    expect(await storage.get('SELECT note FROM entry WHERE id = ?', [8])).toBeUndefined();
    expect(await storage.run('UPDATE entry SET note = ? WHERE id = ?', ['y', 7])).toEqual({ changes: 1 });

    const texts = prepare.mock.calls.map(([sql]) => sql);
    expect(texts.filter((sql) => sql.startsWith('SELECT note'))).toHaveLength(1); // asked twice, prepared once
    expect(new Set(texts).size).toBe(texts.length);
    prepare.mockRestore();
  });

  test('when reads run outside a transaction, then the reads of one tick share one moment, and the next tick reads anew', async () => {
    await insert(1);
    const other = openDatabase(path.join(dir, 'ledger.db'));
    expect(await ids()).toEqual([1]);
    other.prepare('INSERT INTO entry (id) VALUES (9)').run(); // another connection commits within the tick
    expect(await storage.get('SELECT count(*) AS n FROM entry')).toEqual({ n: 1 }); // the same read transaction
    expect(db.inTransaction).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(db.inTransaction).toBe(false);
    expect(await ids()).toEqual([1, 9]);
    other.close();
  });

  test('when a write or a transaction follows a read in the same tick, then the shared read ends first and the write commits on its own', async () => {
    expect(await ids()).toEqual([]);
    expect(db.inTransaction).toBe(true);
    await insert(1); // outside any transaction: committed by itself, not held in the read transaction
    expect(db.inTransaction).toBe(false);
    expect(await storage.get('SELECT id FROM entry')).toEqual({ id: 1 });
    await storage.transaction(async () => {
      await insert(2);
    });
    expect(db.inTransaction).toBe(false);
    expect(await storage.get('INSERT INTO entry (id) VALUES (3) RETURNING id')).toEqual({ id: 3 }); // a write, RETURNING or not
    expect(db.inTransaction).toBe(false);
    expect(await ids()).toEqual([1, 2, 3]);
  });

  test('when a read in a callback is followed by reads in the promises after it, then they share its read transaction until those promises have run', async () => {
    await insert(1);
    const other = openDatabase(path.join(dir, 'ledger.db'));
    // A request's session is read in the socket's callback, its page in the promises that follow.
    const seen = await new Promise<unknown[]>((resolve, reject) => {
      setTimeout(() => {
        storage.get('SELECT count(*) AS n FROM entry').then(async (first) => {
          other.prepare('INSERT INTO entry (id) VALUES (9)').run();
          resolve([first, await storage.get('SELECT count(*) AS n FROM entry')]);
        }, reject);
      }, 0);
    });

    expect(seen).toEqual([{ n: 1 }, { n: 1 }]);
    expect(db.inTransaction).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(db.inTransaction).toBe(false);
    expect(await ids()).toEqual([1, 9]);
    other.close();
  });

  test('when another connection commits between two callbacks, then the second callback reads it: a shared read never spans two callbacks', async () => {
    await insert(1);
    const other = openDatabase(path.join(dir, 'ledger.db'));
    const seen: unknown[] = [];
    // Three callbacks of one timers phase, like two requests of one turn with another node's commit between them.
    await new Promise<void>((resolve, reject) => {
      setTimeout(() => storage.get('SELECT count(*) AS n FROM entry').then((row) => seen.push(row), reject), 0);
      setTimeout(() => other.prepare('INSERT INTO entry (id) VALUES (9)').run(), 0);
      setTimeout(() => storage.get('SELECT count(*) AS n FROM entry').then((row) => resolve(void seen.push(row)), reject), 0);
    });

    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    other.close();
  });

  test('when repositories query at any depth inside transaction(fn), then they run in it: committed together, or rolled back together', async () => {
    await storage.transaction(async () => {
      await insert(1);
      await deepInsert(2);
    });
    await expect(storage.transaction(async () => {
      await deepInsert(3);
      throw new Error('refused');
    })).rejects.toThrow('refused');

    expect(db.inTransaction).toBe(false);
    expect(await ids()).toEqual([1, 2]);
  });

  test('when a transaction is started inside another, then it joins it; its own error undoes only its writes when caught', async () => {
    await storage.transaction(async () => {
      await insert(1);
      await storage.transaction(() => insert(2), { durability: 'group' });
      await storage.transaction(async () => {
        await insert(3);
        throw new Error('inner');
      }).catch(() => undefined);
      expect(db.inTransaction).toBe(true);
    });

    expect(await ids()).toEqual([1, 2]);
  });

  test('when another context queries while a transaction is open, then it waits for the commit and never sees uncommitted rows', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = storage.transaction(async () => {
      await insert(1);
      await held; // stands for the transaction's further statements
      await insert(2);
    });
    await settleCallbacks();

    const read = state(ids().then((seen) => expect(seen).toEqual([1, 2])));
    const write = state(insert(3));
    await settleCallbacks();
    expect(read.done).toBe(false);
    expect(write.done).toBe(false);

    release();
    await tx;
    await settleCallbacks();
    expect(read).toEqual({ done: true, failed: undefined });
    expect(write.done).toBe(true);
    expect(await ids()).toEqual([1, 2, 3]);
  });

  test('when two contexts start transactions at once, then they run one after the other, each seeing the other committed', async () => {
    const counts: number[] = [];
    const count = async () => (await storage.get<{ n: number }>('SELECT count(*) AS n FROM entry'))!.n;
    await Promise.all([1, 2].map((id) => storage.transaction(async () => {
      const before = await count();
      await deepInsert(id);
      counts.push(before, await count());
    })));

    expect(counts).toEqual([0, 1, 1, 2]);
  });

  test('when group transactions arrive together, then they share one commit, each in its own savepoint', async () => {
    const outcomes = await Promise.all([
      settle(storage.transaction(() => insert(1), { durability: 'group' })),
      settle(storage.transaction(async () => {
        await deepInsert(2);
        throw new Error('refused');
      }, { durability: 'group' })),
      settle(storage.transaction(() => deepInsert(3), { durability: 'group' })),
    ]);

    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(await ids()).toEqual([1, 3]);
    expect(storage.commits.stats).toMatchObject({ batches: 1, jobs: 3 });
  });

  test('when the COMMIT of a transaction fails, then it is rolled back and its caller gets the error', async () => {
    db.exec('CREATE TABLE child (id INTEGER PRIMARY KEY, entry_id INTEGER REFERENCES entry (id) DEFERRABLE INITIALLY DEFERRED)');
    await expect(storage.transaction(() => storage.run('INSERT INTO child (entry_id) VALUES (99)'))).rejects.toHaveProperty('code', 'SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(db.inTransaction).toBe(false);
    expect(await storage.all('SELECT * FROM child')).toEqual([]);
  });

  describe('with the WAL sync worker held', () => {
    let worker: HeldWorker;

    beforeEach(async () => {
      worker = new HeldWorker();
      const started = storage.walSync.start(path.join(dir, 'ledger.db'), { spawn: () => worker as unknown as Worker });
      await settleCallbacks();
      worker.answer();
      await started;
    });

    afterEach(async () => {
      worker.answerAll();
      await storage.walSync.stop();
    });

    test.each(['durable', 'group'] as const)('when a %s transaction commits, then it is answered only once the sync is done', async (durability) => {
      const tx = state(storage.transaction(() => insert(1), { durability }));
      await settleCallbacks();

      expect(db.prepare('SELECT count(*) FROM entry').pluck().get()).toBe(1); // committed to the WAL
      expect(tx.done).toBe(false);
      worker.answer();
      await settleCallbacks();
      expect(tx.done).toBe(true);
    });

    test('when durability is asked while reads share a transaction, then it is answered without ending the read, and asked again after a commit', async () => {
      const tx = storage.transaction(() => insert(1));
      await settleCallbacks();
      worker.answer();
      await tx;
      expect(await ids()).toEqual([1]);
      expect(db.inTransaction).toBe(true); // the shared read

      expect(storage.whenDurable()).toBeUndefined();
      expect(db.inTransaction).toBe(true);
      await insert(2); // ends the read, commits on its own
      const durable = storage.whenDurable();
      expect(durable).toBeDefined();
      worker.answer();
      await expect(durable).resolves.toBeUndefined();
    });

    test('when a relaxed transaction commits, then it is answered without waiting for the sync', async () => {
      await storage.transaction(() => insert(1), { durability: 'relaxed' });

      expect(worker.asked).toEqual([]);
    });

    test('when durability is asked while another context holds a transaction, then it is asked after that commit', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const tx = storage.transaction(async () => {
        await insert(1);
        await held;
      }, { durability: 'relaxed' });
      await settleCallbacks();

      const durable = storage.whenDurable();
      expect(durable).toBeDefined();
      release();
      await tx;
      await settleCallbacks();
      worker.answer();
      await expect(durable).resolves.toBeUndefined();
    });
  });
});
