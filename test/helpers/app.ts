import type { Express } from 'express';
import { createCustomerApp, createStaffApp } from '../../src/app';
import { FakeClock } from '../../src/clock';
import { loadConfig, type Config } from '../../src/config';
import { openDatabase, type Db } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { createDeps, type Deps } from '../../src/deps';
import { createLogger } from '../../src/logger';
import type { Storage } from '../../src/storage/port';
import { SqliteStorage } from '../../src/storage/sqlite';
import { onPostgres } from './engine';
import { createTestSchema, type PgTestSchema } from './pgCluster';

export interface TestContext {
  deps: Deps;
  app: Express;
  staffApp: Express;
  clock: FakeClock;
  /** The storage the deps run on, either engine: tests that read or change rows behind the application's back use it. */
  storage: Storage;
  /** The SQLite storage: its WAL sync and group commit, for the tests that hold them (SQLite only; throws on PostgreSQL). */
  readonly sqlite: SqliteStorage;
  /** Its raw handle, for tests of what is SQLite's alone (SQLite only; throws on PostgreSQL). */
  readonly db: Db;
}

/** What a second context on the same database needs (secondNode). */
const databases = new WeakMap<TestContext, { schema: PgTestSchema } | { file: string }>();

/**
 * A fresh database with migrations, a fake clock and both apps. bcrypt runs
 * at its minimum cost so the suite stays fast.
 *
 * On SQLite (npm test) the database is `dbFile`, in memory by default. With
 * DATABASE_URL set (npm run test:pg) it is a schema of its own on that
 * PostgreSQL (test/helpers/pgCluster.ts) and `dbFile` is not used; the schema
 * is given back when the test that made the context ends (or, for a context
 * made in beforeAll, when its file ends).
 */
export async function createTestContext(env: Record<string, string> = {}, dbFile = ':memory:'): Promise<TestContext> {
  const config = loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000', OTP_RATE_LIMIT: '1000', APPROVAL_RATE_LIMIT: '1000', DATABASE_FILE: dbFile, ...env });
  if (!onPostgres) {
    const db = openDatabase(dbFile);
    migrate(db);
    const ctx = contextOn(config, new SqliteStorage(db, createLogger('silent')));
    databases.set(ctx, { file: dbFile });
    return ctx;
  }
  const schema = await createTestSchema();
  disposeLater(() => schema.drop());
  const ctx = contextOn(config, schema.storage({ poolSize: config.databasePoolSize, statementTimeoutMs: config.databaseStatementTimeoutMs }));
  databases.set(ctx, { schema });
  return ctx;
}

/**
 * Another application node on the database of `ctx`, with its own
 * connections (pool or SQLite handle), clock and apps: the two-node tests. On
 * SQLite `ctx` must have been made on a file.
 */
export function secondNode(ctx: TestContext): TestContext {
  const database = databases.get(ctx);
  if (!database) throw new Error('secondNode: not a context of createTestContext');
  const config = ctx.deps.config;
  if ('schema' in database) {
    return contextOn(config, database.schema.storage({ poolSize: config.databasePoolSize, statementTimeoutMs: config.databaseStatementTimeoutMs }));
  }
  if (database.file === ':memory:') throw new Error('secondNode: an in-memory SQLite database cannot be shared; give createTestContext a file');
  const db = openDatabase(database.file);
  return contextOn(config, new SqliteStorage(db, createLogger('silent')));
}

function contextOn(config: Config, storage: Storage): TestContext {
  const clock = new FakeClock();
  // TEST_LOG_LEVEL=error shows what the app logs (an unexpected error's cause behind a 503 page, say); silent by default.
  const deps = createDeps(config, storage, clock, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  return {
    deps,
    app: createCustomerApp(deps),
    staffApp: createStaffApp(deps),
    clock,
    storage,
    get sqlite() {
      if (!deps.sqlite) throw new Error('ctx.sqlite is SQLite\'s alone: this test reads the engine itself, so it belongs in describeSqliteOnly (test/helpers/engine.ts)');
      return deps.sqlite;
    },
    get db() {
      return this.sqlite.db;
    },
  };
}

// The PostgreSQL schemas of the contexts made during a test are given back
// after it (the root afterEach runs after every nested one), those made in a
// beforeAll after the file: a jest worker then holds a few pools at a time.
const afterTest: (() => Promise<void>)[] = [];
const afterFile: (() => Promise<void>)[] = [];
let inTest = false;

function disposeLater(dispose: () => Promise<void>): void {
  (inTest ? afterTest : afterFile).push(dispose);
}

if (onPostgres) {
  beforeEach(() => {
    inTest = true;
  });
  afterEach(async () => {
    inTest = false;
    await Promise.all(afterTest.splice(0).map((dispose) => dispose()));
  });
  afterAll(async () => {
    await Promise.all(afterFile.splice(0).map((dispose) => dispose()));
  });
}
