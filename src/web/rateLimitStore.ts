import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { systemClock } from '../clock';
import type { Uses } from '../deps';

type StoreDeps = Uses<'storage' | 'clock' | 'logger', 'rateLimits'>;

/**
 * express-rate-limit's counts in the database (issue 12, item 2), so that the
 * login, OTP and 承認用パスワード limits hold across every node of the service:
 * a user who spends the limit on node 1 is refused on node 2. One instance
 * per limiter (the library refuses a shared one); the prefix keeps their keys
 * apart in the one table.
 *
 * Each hit is one atomic statement (RateLimitsRepository.hit), written
 * relaxed: a count lost on a power cut only gives a client a fresh minute,
 * which is harmless, so SQLite need not wait for a sync. Windows run
 * on the injected clock, so tests move them with the fake one. A store error
 * is not swallowed (passOnStoreError stays off): the request fails with the
 * 503 page rather than pass unlimited.
 */
export class DatabaseRateLimitStore implements Store {
  /** Keys counted here are seen by every node, not by this process alone. */
  readonly localKeys = false;
  private windowMs = 60_000;
  /** Ended windows are deleted once a window, by whichever hit comes first after that (no timer to stop). */
  private nextPruneAt: number;

  constructor(
    private readonly deps: StoreDeps,
    readonly prefix: string,
  ) {
    this.nextPruneAt = deps.clock.now();
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const now = this.deps.clock.now();
    const window = await this.deps.repos.rateLimits.find(this.prefix + key, now);
    return window && { totalHits: window.hits, resetTime: this.wallClock(window.resetAt, now) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.deps.clock.now();
    await this.pruneOnceAWindow(now);
    const { hits, resetAt } = await this.relaxed(() => this.deps.repos.rateLimits.hit(this.prefix + key, now, this.windowMs));
    return { totalHits: hits, resetTime: this.wallClock(resetAt, now) };
  }

  async decrement(key: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.relaxed(() => this.deps.repos.rateLimits.unhit(this.prefix + key, now));
  }

  async resetKey(key: string): Promise<void> {
    await this.relaxed(() => this.deps.repos.rateLimits.reset(this.prefix + key));
  }

  /**
   * One statement that is atomic by itself and whose loss on a power cut is
   * harmless: a 'relaxed' transaction (SQLite commits it without waiting for a
   * sync) at READ COMMITTED (on PostgreSQL the upsert waits for the row lock
   * and counts every hit; at SERIALIZABLE simultaneous hits on one key failed
   * each other (40001) until the retries ran out and the request got the 503
   * page — twenty-nine 承認用パスワード posted at once did,
   * test/integration/lockout/race.test.ts). Being one statement, PostgreSQL runs
   * it without BEGIN and COMMIT: one round trip.
   */
  private relaxed<T>(statement: () => Promise<T>): Promise<T> {
    return this.deps.storage.transaction(statement, { durability: 'relaxed', isolation: 'readCommitted', single: true });
  }

  /** Housekeeping must never refuse a request: a failed prune is logged and tried again a window later. */
  private async pruneOnceAWindow(now: number): Promise<void> {
    if (now < this.nextPruneAt) return;
    this.nextPruneAt = now + this.windowMs;
    try {
      await this.relaxed(() => this.deps.repos.rateLimits.prune(now));
    } catch (err) {
      this.deps.logger.warn({ err }, 'ended rate-limit windows could not be pruned');
    }
  }

  /**
   * The window's end as the library reads it: it computes the RateLimit
   * header's seconds against the wall clock, and our windows run on the
   * injected one (the same clock in production; a fake one in tests).
   */
  private wallClock(resetAt: number, now: number): Date {
    return new Date(systemClock.now() + (resetAt - now));
  }
}
