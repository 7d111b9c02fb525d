import type { Options } from 'express-rate-limit';
import { FakeClock } from '../../src/clock';
import { createLogger } from '../../src/logger';
import { RateLimitsRepository } from '../../src/repositories/rateLimits';
import type { PostgresStorage } from '../../src/storage/postgres';
import { DatabaseRateLimitStore } from '../../src/web/rateLimitStore';
import { createTestSchema, type PgTestSchema } from '../helpers/pgCluster';

// The rate limits' counts on a real PostgreSQL (issue 12, item 2): the one
// upsert's window arithmetic, and no hit lost when nodes count one key at once.

const WINDOW = 60_000;
const T0 = 1_780_000_000_000; // epoch ms, beyond 2^32: BIGINT all the way

let schema: PgTestSchema;
beforeEach(async () => {
  schema = await createTestSchema();
});
afterEach(() => schema.drop());

/** A limiter's store on its own pool: one node. */
function storeOn(storage: PostgresStorage, clock: FakeClock): DatabaseRateLimitStore {
  const store = new DatabaseRateLimitStore({ storage, clock, logger: createLogger('silent'), repos: { rateLimits: new RateLimitsRepository(storage) } }, 'otp:');
  store.init({ windowMs: WINDOW } as Options);
  return store;
}

it('when a key is hit within its window and after its end, then the count grows and then starts again at one', async () => {
  const repo = new RateLimitsRepository(schema.storage());

  const answers = [await repo.hit('k', T0, WINDOW), await repo.hit('k', T0 + WINDOW - 1, WINDOW), await repo.hit('k', T0 + WINDOW, WINDOW)];

  expect(answers).toEqual([
    { hits: 1, resetAt: T0 + WINDOW },
    { hits: 2, resetAt: T0 + WINDOW },
    { hits: 1, resetAt: T0 + 2 * WINDOW },
  ]);
  await repo.unhit('k', T0 + WINDOW);
  expect(await repo.find('k', T0 + WINDOW)).toEqual({ hits: 0, resetAt: T0 + 2 * WINDOW });
  expect(await repo.prune(T0 + 2 * WINDOW)).toBe(1);
});

it('when two hundred hits of one key arrive at once on two nodes, then each is answered with its own count and none is lost', async () => {
  // At SERIALIZABLE these hits failed each other until the retries ran out (503s); the lone upsert waits for the row lock.
  const clock = new FakeClock(T0);
  const nodes = [storeOn(schema.storage(), clock), storeOn(schema.storage(), clock)];

  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => nodes[i % 2]!.increment('user:1')));

  expect(answers.map((a) => a.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  expect(await nodes[0]!.get('user:1')).toMatchObject({ totalHits: 200 });
});
