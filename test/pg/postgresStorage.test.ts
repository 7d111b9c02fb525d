import { StorageUnavailableError } from '../../src/storage/port';
import { PostgresStorage } from '../../src/storage/postgres';
import { createTestSchema, type PgTestSchema } from '../helpers/pgCluster';

// The PostgreSQL adapter of the storage port (issue 12) on a real cluster.

let schema: PgTestSchema;
let db: PostgresStorage;
beforeEach(async () => {
  schema = await createTestSchema();
  db = schema.storage();
});
afterEach(() => schema.drop());

const NOW = 1_780_000_000_000; // epoch ms, beyond 2^32: int8 all the way

async function insertCompany(storage: PostgresStorage, name: string, balance = 1_000_000): Promise<number> {
  const row = await storage.get<{ id: number }>(
    `INSERT INTO companies (name, account_number, balance, opening_balance, created_at)
     VALUES (@name, @account, @balance, @balance, @now) RETURNING id`,
    { name, account: String(1_000_000 + Math.floor(Math.random() * 8_999_999)), balance, now: NOW },
  );
  return row!.id;
}

const balanceOf = async (storage: PostgresStorage, id: number) =>
  (await storage.get<{ balance: number }>('SELECT balance FROM companies WHERE id = ?', [id]))!.balance;

describe('statements', () => {
  it('when a row is inserted with named parameters, then RETURNING gives its id and BIGINTs read as numbers under their aliases', async () => {
    const id = await insertCompany(db, '信金商事');
    const row = await db.get('SELECT id, balance, opening_balance AS openingBalance, created_at AS createdAt FROM companies WHERE id = ?', [id]);
    expect(row).toEqual({ id, balance: 1_000_000, openingBalance: 1_000_000, createdAt: NOW });
  });

  it('when counting and summing BIGINTs, then count(*) and sum() are numbers too', async () => {
    await insertCompany(db, 'A');
    await insertCompany(db, 'B', 250);
    expect(await db.get('SELECT count(*) AS n, COALESCE(SUM(balance), 0) AS total FROM companies')).toEqual({ n: 2, total: 1_000_250 });
  });

  it('when a statement changes rows, then run() reports how many; none found, get() is undefined', async () => {
    const id = await insertCompany(db, 'A');
    expect(await db.run('UPDATE companies SET balance = balance - ? WHERE id = ? AND balance >= ?', [600_000, id, 600_000])).toEqual({ changes: 1 });
    expect(await db.run('UPDATE companies SET balance = balance - ? WHERE id = ? AND balance >= ?', [600_000, id, 600_000])).toEqual({ changes: 0 });
    expect(await db.get('SELECT id FROM companies WHERE id = ?', [id + 1])).toBeUndefined();
  });

  it('when an alias is camelCase, then ORDER BY may name it unquoted and rows keep its case', async () => {
    await insertCompany(db, 'B');
    await insertCompany(db, 'A');
    const rows = await db.all<{ companyName: string }>('SELECT name AS companyName FROM companies ORDER BY companyName');
    expect(rows).toEqual([{ companyName: 'A' }, { companyName: 'B' }]);
  });

  it('when the dialect writes JSON, padding, case-insensitive LIKE and containment, then PostgreSQL answers as SQLite does', async () => {
    await db.run('INSERT INTO sessions (sid, realm, data, expires_at) VALUES (?, ?, ?, ?)', ['s1', 'customer', '{"userId":42}', NOW]);
    const d = db.dialect;
    expect(await db.get(`SELECT sid FROM sessions WHERE ${d.jsonText('data', 'userId')} = CAST(? AS TEXT)`, [42])).toEqual({ sid: 's1' });
    expect(await db.get(`SELECT CAST(? AS TEXT) || '-' || ${d.zeroPad('CAST(? AS BIGINT)', 8)} AS r`, ['20260101', 42])).toEqual({ r: '20260101-00000042' });
    expect(await db.get(`SELECT ${d.zeroPad('CAST(? AS BIGINT)', 8)} AS r`, [123_456_789])).toEqual({ r: '123456789' });
    await insertCompany(db, 'Shinkin Trading');
    expect(await db.all(`SELECT name FROM companies WHERE name ${d.likeIgnoringCase} ? ESCAPE '\\'`, ['%shinkin%'])).toEqual([{ name: 'Shinkin Trading' }]);
    expect(await db.get(`SELECT ${d.containsText('CAST(? AS TEXT)', "'|' || ? || '|'")} AS hit`, ['|login|logout|', 'logout'])).toEqual({ hit: true });
  });

  it('when PostgreSQL cannot infer a parameter type, then the error names the statement and the cast to add', async () => {
    await expect(db.get('SELECT ? + ? AS n', [1, 2])).rejects.toThrow(/add CAST\(\? AS BIGINT\|TEXT\).*SELECT \$1 \+ \$2|SELECT \? \+ \?/);
    expect(await db.get('SELECT CAST(? AS BIGINT) + ? AS n', [1, 2])).toEqual({ n: 3 });
  });
});

describe('ambient transactions', () => {
  it('when the function resolves, then every statement in it is committed together and another node sees them', async () => {
    const node2 = schema.storage();
    const id = await insertCompany(db, 'A');
    let seenInside: number | undefined;
    await db.transaction(async () => {
      await db.run('UPDATE companies SET balance = balance - 100 WHERE id = ?', [id]);
      await db.run('UPDATE companies SET balance = balance - 200 WHERE id = ?', [id]);
      seenInside = await balanceOf(node2, id);
    });
    expect(seenInside).toBe(1_000_000);
    expect(await balanceOf(node2, id)).toBe(999_700);
  });

  it('when the function throws, then nothing it wrote stays and its own error comes back', async () => {
    const id = await insertCompany(db, 'A');
    const failure = new Error('insufficient funds');
    await expect(
      db.transaction(async () => {
        await db.run('UPDATE companies SET balance = 0 WHERE id = ?', [id]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await balanceOf(db, id)).toBe(1_000_000);
  });

  it('when transactions nest, then the inner joins the outer and rolls back with it', async () => {
    const id = await insertCompany(db, 'A');
    await expect(
      db.transaction(async () => {
        await db.transaction(() => db.run('UPDATE companies SET balance = 1 WHERE id = ?', [id]));
        expect(await balanceOf(db, id)).toBe(1);
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await balanceOf(db, id)).toBe(1_000_000);
  });

  it('when a transaction asks for readCommitted, then it runs at READ COMMITTED; by default at SERIALIZABLE', async () => {
    const level = () => db.get<{ level: string }>("SELECT current_setting('transaction_isolation') AS level");
    expect(await db.transaction(level)).toEqual({ level: 'serializable' });
    expect(await db.transaction(level, { isolation: 'readCommitted' })).toEqual({ level: 'read committed' });
  });

  it('when a transaction is marked single, then its one statement runs without BEGIN (its transaction starts with it) at READ COMMITTED; inside another it joins that one', async () => {
    const probe = `SELECT current_setting('transaction_isolation') AS isolation,
      (SELECT xact_start = query_start FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS startsWithStatement`;
    expect(await db.transaction(() => db.get(probe), { single: true })).toEqual({ isolation: 'read committed', startsWithStatement: true });
    expect(await db.transaction(() => db.get(probe), { isolation: 'readCommitted' })).toEqual({ isolation: 'read committed', startsWithStatement: false });
    expect(await db.transaction(() => db.transaction(() => db.get(probe), { single: true }))).toEqual({ isolation: 'serializable', startsWithStatement: false });
  });

  it('when an inner transaction throws and the outer catches it, then only the inner writes are undone (a savepoint, as on SQLite)', async () => {
    const id = await insertCompany(db, 'A');
    await db.transaction(async () => {
      await db.run('UPDATE companies SET balance = balance - 100 WHERE id = ?', [id]);
      const givenBack = new Error('give back');
      await expect(
        db.transaction(async () => {
          await db.run('UPDATE companies SET balance = balance - 200 WHERE id = ?', [id]);
          throw givenBack;
        }),
      ).rejects.toBe(givenBack);
      // A statement error inside the inner one is undone with it: the outer goes on and commits.
      await expect(db.transaction(() => db.run('UPDATE companies SET balance = -1 WHERE id = ?', [id]))).rejects.toThrow(/companies_balance_check/);
      await db.run('UPDATE companies SET balance = balance - 1 WHERE id = ?', [id]);
    });
    expect(await balanceOf(db, id)).toBe(999_899);
  });

  it('when a statement fails and the function carries on, then the transaction fails instead of quietly rolling back', async () => {
    const id = await insertCompany(db, 'A');
    await expect(
      db.transaction(async () => {
        await db.run('UPDATE companies SET balance = 5 WHERE id = ?', [id]);
        await db.run('UPDATE companies SET balance = -1 WHERE id = ?', [id]).catch(() => undefined);
        return 'done';
      }),
    ).rejects.toThrow(/companies_balance_check/);
    expect(await balanceOf(db, id)).toBe(1_000_000);
  });

  it('when two transactions read and write the same row at once, then one runs again and both debits count (SERIALIZABLE)', async () => {
    const id = await insertCompany(db, 'A');
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    let reads = 0;
    let runs = 0;
    const debit = (amount: number) =>
      db.transaction(async () => {
        runs += 1;
        // Read, then write what was read: without SERIALIZABLE one debit would be lost.
        const balance = await balanceOf(db, id);
        if (++reads === 2) bothRead();
        await barrier;
        await db.run('UPDATE companies SET balance = ? WHERE id = ?', [balance - amount, id]);
      });
    await Promise.all([debit(100), debit(200)]);
    expect(await balanceOf(db, id)).toBe(999_700);
    expect(runs).toBe(3);
  });

  it('when many nodes race read-modify-writes on one row, then every one counts', async () => {
    const nodes = [db, schema.storage(), schema.storage()];
    const id = await insertCompany(db, 'A', 1000);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const node = nodes[i % nodes.length]!;
        return node.transaction(async () => {
          const balance = await balanceOf(node, id);
          await node.run('UPDATE companies SET balance = ? WHERE id = ?', [balance - 1, id]);
        });
      }),
    );
    expect(await balanceOf(db, id)).toBe(988);
  });

  it('when the races outlast the attempts, then it is StorageUnavailableError and nothing of the loser stays', async () => {
    const once = schema.storage({ maxAttempts: 1 });
    const id = await insertCompany(db, 'A');
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    let reads = 0;
    const debit = (amount: number) =>
      once.transaction(async () => {
        const balance = await balanceOf(once, id);
        if (++reads === 2) bothRead();
        await barrier;
        await once.run('UPDATE companies SET balance = ? WHERE id = ?', [balance - amount, id]);
      });
    const outcomes = await Promise.allSettled([debit(100), debit(200)]);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(StorageUnavailableError);
    expect([999_900, 999_800]).toContain(await balanceOf(db, id));
  });
});

describe('an unavailable database', () => {
  it('when a statement outruns DATABASE_STATEMENT_TIMEOUT_MS, then it is StorageUnavailableError, in a transaction too, and the pool serves on', async () => {
    const quick = schema.storage({ statementTimeoutMs: 200 });
    await expect(quick.get('SELECT pg_sleep(2)')).rejects.toBeInstanceOf(StorageUnavailableError);
    const id = await insertCompany(quick, 'A');
    await expect(
      quick.transaction(async () => {
        await quick.run('UPDATE companies SET balance = 0 WHERE id = ?', [id]);
        await quick.get('SELECT pg_sleep(2)');
      }),
    ).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(await balanceOf(quick, id)).toBe(1_000_000);
  });

  it('when the database is up, then ping resolves; when nothing listens, then ping, statements and transactions are StorageUnavailableError', async () => {
    await expect(db.ping()).resolves.toBeUndefined();
    const nowhere = new PostgresStorage({ connectionString: 'postgres://webfb@/webfb?host=/nonexistent-socket-dir', connectionTimeoutMs: 500 });
    try {
      await expect(nowhere.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(nowhere.get('SELECT 1')).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(nowhere.transaction(() => nowhere.run('SELECT 1'))).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await nowhere.close();
    }
  });

  it('when the server ends the pool connections (a restart), then the errors are logged, the process lives, and the next statements get new connections', async () => {
    const warnings: string[] = [];
    const node = schema.storage({ logger: { warn: (_details, message) => warnings.push(message) } });
    // A few idle connections of this node: only these are ended — the other test files' pools share the cluster,
    // and ending every idle 'webfb' connection made their next statement fail (a 503 in another suite).
    const pids = await Promise.all([1, 2, 3].map(() => node.get<{ pid: number }>('SELECT pg_backend_pid() AS pid')));
    const killed = await db.get<{ n: number }>(
      "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE pid = ANY(CAST(? AS int[])) AND state = 'idle'",
      [`{${pids.map((p) => p!.pid).join(',')}}`],
    );
    expect(killed!.n).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(warnings.length).toBeGreaterThan(0);
    expect(await node.get('SELECT 42 AS n')).toEqual({ n: 42 });
    await expect(node.ping()).resolves.toBeUndefined();
  });
});
