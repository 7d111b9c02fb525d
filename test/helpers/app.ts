import type { Express } from 'express';
import { createCustomerApp, createStaffApp } from '../../src/app';
import { FakeClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { openDatabase, type Db } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { createDeps, type Deps } from '../../src/deps';
import { createLogger } from '../../src/logger';
import { SqliteStorage } from '../../src/storage/sqlite';

export interface TestContext {
  deps: Deps;
  app: Express;
  staffApp: Express;
  clock: FakeClock;
  /** The SQLite storage the deps run on: its WAL sync and group commit, for the tests that hold them. */
  sqlite: SqliteStorage;
  /** Its raw handle, for tests that look at (or break) rows behind the application's back. */
  db: Db;
}

/**
 * A fresh in-memory database with migrations, a fake clock and both apps.
 * bcrypt runs at its minimum cost so the suite stays fast.
 */
export function createTestContext(env: Record<string, string> = {}, dbFile = ':memory:'): TestContext {
  const config = loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000', OTP_RATE_LIMIT: '1000', APPROVAL_RATE_LIMIT: '1000', DATABASE_FILE: dbFile, ...env });
  const db = openDatabase(dbFile);
  migrate(db);
  const clock = new FakeClock();
  const logger = createLogger('silent');
  const sqlite = new SqliteStorage(db, logger);
  const deps = createDeps(config, sqlite, clock, logger);
  return { deps, app: createCustomerApp(deps), staffApp: createStaffApp(deps), clock, sqlite, db };
}
