import type { Options } from 'express-rate-limit';
import { FakeClock } from '../../src/clock';
import { openDatabase } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { RateLimitsRepository } from '../../src/repositories/rateLimits';
import { SqliteStorage } from '../../src/storage/sqlite';
import { DatabaseRateLimitStore } from '../../src/web/rateLimitStore';

const WINDOW = 60_000;
const T0 = Date.UTC(2026, 10, 26, 1, 0, 0);

function freshRepository() {
  const db = openDatabase(':memory:');
  migrate(db);
  const storage = new SqliteStorage(db, createLogger('silent'));
  return { db, storage, repo: new RateLimitsRepository(storage) };
}

describe('rate-limit windows (DESIGN §6, issue 12)', () => {
  test('when a key is hit three times within its window, then the count grows and the window keeps the end its first hit set', async () => {
    const { repo } = freshRepository();

    const answers = [await repo.hit('otp:user:1', T0, WINDOW), await repo.hit('otp:user:1', T0 + 10_000, WINDOW), await repo.hit('otp:user:1', T0 + WINDOW - 1, WINDOW)];

    expect(answers).toEqual([1, 2, 3].map((hits) => ({ hits, resetAt: T0 + WINDOW })));
  });

  test('when the window’s end is reached, then the next hit opens a new window at one', async () => {
    const { repo } = freshRepository();
    await repo.hit('otp:user:1', T0, WINDOW);
    await repo.hit('otp:user:1', T0 + 1, WINDOW);

    const next = await repo.hit('otp:user:1', T0 + WINDOW, WINDOW);

    expect(next).toEqual({ hits: 1, resetAt: T0 + 2 * WINDOW });
    expect(await repo.find('otp:user:1', T0 + WINDOW)).toEqual(next);
  });

  test('when keys differ only in their limiter’s prefix, then they are counted apart', async () => {
    const { repo } = freshRepository();
    await repo.hit('otp:user:1', T0, WINDOW);

    expect(await repo.hit('approvalPassword:user:1', T0, WINDOW)).toEqual({ hits: 1, resetAt: T0 + WINDOW });
    expect(await repo.hit('otp:user:1', T0, WINDOW)).toEqual({ hits: 2, resetAt: T0 + WINDOW });
  });

  test('when a hit is taken back, then the window loses one but never goes below zero, and an ended window is left alone', async () => {
    const { repo, db } = freshRepository();
    await repo.hit('k', T0, WINDOW);

    await repo.unhit('k', T0 + 1);
    await repo.unhit('k', T0 + 2);
    expect(await repo.find('k', T0 + 3)).toEqual({ hits: 0, resetAt: T0 + WINDOW });

    await repo.hit('k', T0 + 4, WINDOW);
    await repo.unhit('k', T0 + WINDOW);
    expect(db.prepare('SELECT hits FROM rate_limits WHERE key = ?').pluck().get('k')).toBe(1);
  });

  test('when a key is reset, then its next hit opens a new window', async () => {
    const { repo } = freshRepository();
    await repo.hit('k', T0, WINDOW);
    await repo.hit('k', T0, WINDOW);

    await repo.reset('k');

    expect(await repo.find('k', T0)).toBeUndefined();
    expect(await repo.hit('k', T0 + 5, WINDOW)).toEqual({ hits: 1, resetAt: T0 + 5 + WINDOW });
  });

  test('when ended windows are pruned, then only their rows are deleted', async () => {
    const { repo, db } = freshRepository();
    await repo.hit('ended', T0, WINDOW);
    await repo.hit('current', T0 + 30_000, WINDOW);

    expect(await repo.prune(T0 + WINDOW)).toBe(1);

    expect(db.prepare('SELECT key FROM rate_limits').pluck().all()).toEqual(['current']);
  });
});

describe('the express-rate-limit store on the database', () => {
  function freshStore(prefix = 'otp:') {
    const { storage, db } = freshRepository();
    const clock = new FakeClock(T0);
    const deps = { storage, clock, logger: createLogger('silent'), repos: { rateLimits: new RateLimitsRepository(storage) } };
    const store = new DatabaseRateLimitStore(deps, prefix);
    store.init({ windowMs: WINDOW } as Options);
    return { store, clock, db };
  }

  test('when a client is counted on a fake clock, then the reset time given to the library is the window’s end on the wall clock', async () => {
    const { store, clock } = freshStore();
    await store.increment('user:1');
    clock.advance(20_000);

    const { totalHits, resetTime } = await store.increment('user:1');

    expect(totalHits).toBe(2);
    const secondsLeft = (resetTime!.getTime() - Date.now()) / 1000;
    expect(secondsLeft).toBeGreaterThan(39);
    expect(secondsLeft).toBeLessThanOrEqual(40);
  });

  test('when a window has passed since the last prune, then the next hit deletes the ended rows first', async () => {
    const { store, clock, db } = freshStore();
    await store.increment('user:1');
    await store.increment('user:2');
    clock.advance(WINDOW);

    await store.increment('user:3');

    expect(db.prepare('SELECT key FROM rate_limits').pluck().all()).toEqual(['otp:user:3']);
  });

  test('when a client’s key is decremented or reset, then its count follows, under the store’s prefix', async () => {
    const { store, db } = freshStore('login:customer:');
    await store.increment('127.0.0.1');
    await store.increment('127.0.0.1');

    await store.decrement('127.0.0.1');
    expect(await store.get('127.0.0.1')).toMatchObject({ totalHits: 1 });
    await store.resetKey('127.0.0.1');

    expect(await store.get('127.0.0.1')).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM rate_limits').pluck().get()).toBe(0);
  });
});
