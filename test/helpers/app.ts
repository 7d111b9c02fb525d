import type { Express } from 'express';
import { createCustomerApp, createStaffApp } from '../../src/app';
import { FakeClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { createDeps, type Deps } from '../../src/deps';
import { createLogger } from '../../src/logger';

export interface TestContext {
  deps: Deps;
  app: Express;
  staffApp: Express;
  clock: FakeClock;
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
  const deps = createDeps(config, db, clock, createLogger('silent'));
  return { deps, app: createCustomerApp(deps), staffApp: createStaffApp(deps), clock };
}
