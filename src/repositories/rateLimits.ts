import type { Storage } from '../storage/port';

/** One client's count in one limiter: the hits of its current window and when that window ends (epoch ms). */
export interface RateLimitWindow {
  hits: number;
  resetAt: number;
}

// A fixed window opened by the first hit, as express-rate-limit's MemoryStore
// counts: a window has ended once `now` reaches its reset_at, and the next hit
// opens a new one in the same row. The ended test reads the row as it was
// before this statement in both SET expressions (both engines evaluate every
// SET against the old row), so the two always agree.
//
// One statement, so the read-modify-write is atomic on either engine: two
// nodes hitting one key at once are serialised on the row (SQLite's one
// writer, PostgreSQL's row lock) and no hit is lost. The CASTs type the
// parameters for PostgreSQL, which cannot infer them inside CASE.
const hitRow = `
  INSERT INTO rate_limits (key, hits, reset_at) VALUES (@key, 1, CAST(@resetAt AS BIGINT))
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limits.reset_at <= CAST(@now AS BIGINT) THEN 1 ELSE rate_limits.hits + 1 END,
    reset_at = CASE WHEN rate_limits.reset_at <= CAST(@now AS BIGINT) THEN CAST(@resetAt AS BIGINT) ELSE rate_limits.reset_at END
  RETURNING hits, reset_at AS resetAt`;
const getRow = 'SELECT hits, reset_at AS resetAt FROM rate_limits WHERE key = ? AND reset_at > ?';
// A hit given back belongs to the current window only: an ended one is already as good as zero.
const unhitRow = 'UPDATE rate_limits SET hits = hits - 1 WHERE key = ? AND hits > 0 AND reset_at > ?';
const resetRow = 'DELETE FROM rate_limits WHERE key = ?';
// A scan, once a window (src/web/rateLimitStore.ts): the table holds only the keys hit in about the last
// window, and an index on reset_at made every hit move its key's entry (migration 0012).
const pruneRows = 'DELETE FROM rate_limits WHERE reset_at <= ?';

/**
 * The rate limits' counts (DESIGN §6, issue 12): one row per limiter and
 * client, shared by every node on the database. The row's key is whatever
 * the caller makes it — the limiter's prefix and the client.
 */
export class RateLimitsRepository {
  constructor(private readonly db: Storage) {}

  /** Counts one hit at `now`: the window's hits so far, this one included, and when it ends. */
  async hit(key: string, now: number, windowMs: number): Promise<RateLimitWindow> {
    return (await this.db.get<RateLimitWindow>(hitRow, { key, now, resetAt: now + windowMs }))!;
  }

  /** The current window of a key at `now`; undefined when it has none (never hit, or ended). */
  async find(key: string, now: number): Promise<RateLimitWindow | undefined> {
    return await this.db.get<RateLimitWindow>(getRow, [key, now]);
  }

  /** Takes one hit back from the current window (never below zero, never from an ended window). */
  async unhit(key: string, now: number): Promise<void> {
    await this.db.run(unhitRow, [key, now]);
  }

  /** Forgets a key's count: its next hit opens a new window. */
  async reset(key: string): Promise<void> {
    await this.db.run(resetRow, [key]);
  }

  /** Deletes the rows of every window ended by `now` (of every limiter); returns how many. */
  async prune(now: number): Promise<number> {
    return (await this.db.run(pruneRows, [now])).changes;
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { hitRow, getRow, unhitRow, resetRow, pruneRows };
