import session from 'express-session';
import type { Storage } from '../storage/port';
import type { Clock } from '../clock';

type Realm = 'customer' | 'staff';

/**
 * Every session write costs an fsync (WAL, synchronous=FULL; issue 5), so the
 * idle clock (lastSeenAt, src/web/auth.ts) and the row's expiry move only once
 * they are at least this far behind. The idle timeout is then exact to within
 * this step and errs on the safe side: lastSeenAt lags the last request by less
 * than a step, so a session may end up to a minute early, never late.
 */
export const SESSION_REFRESH_STEP_MS = 60_000;

/**
 * A session write is one keyed statement (an upsert, a delete, a conditional
 * update): it holds at READ COMMITTED on PostgreSQL, where SERIALIZABLE let
 * the predicate locks of other sessions' inserts abort it past its retries —
 * a sign-in answered 303 whose session was never saved (issue 12); being one
 * statement, it runs there without BEGIN and COMMIT (one round trip). On
 * SQLite it shares the group commit.
 */
const SESSION_WRITE = { durability: 'group', isolation: 'readCommitted', single: true } as const;

/** Calls an express-session callback once the group commit has answered. */
function answer(done: Promise<unknown>, cb?: (err?: unknown) => void): void {
  done.then(
    () => cb?.(),
    (err: unknown) => cb?.(err),
  );
}

/**
 * express-session store on our own database (DESIGN §8: the npm store is
 * GPL-3.0-only and keeps a timer alive). Sessions of the two listeners live in
 * separate realms, so a customer cookie never opens a staff session.
 *
 * Writes go through the group commit, so sessions saved by concurrent requests
 * share one fsync with each other and with transfer confirmations; each
 * callback runs after that commit. express-session holds back only the last
 * byte of the response until then: status, headers and Location go out at
 * once, and a browser following a 303 can ask again before the commit has
 * run (the browser suite's lost 受付完了, issue 15). So a session written and
 * not yet committed is read from memory (`unsaved`): the next request sees
 * what the last one wrote — its flash, or after login the new session itself.
 */
const getRow = 'SELECT data FROM sessions WHERE sid = ? AND realm = ? AND expires_at > ?';
const upsertRow = `INSERT INTO sessions (sid, realm, data, expires_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at
  WHERE sessions.realm = excluded.realm`;
const deleteRow = 'DELETE FROM sessions WHERE sid = ? AND realm = ?';
// The same condition twice: the pre-check lets a touch that would change
// nothing answer at once, without waiting for the next group commit; on the
// UPDATE it keeps the write a no-op if the row was saved or deleted meanwhile.
const staleRow = 'SELECT 1 AS one FROM sessions WHERE sid = ? AND realm = ? AND expires_at <= ?';
const touchRow = 'UPDATE sessions SET expires_at = ? WHERE sid = ? AND realm = ? AND expires_at <= ?';
const pruneRows = 'DELETE FROM sessions WHERE expires_at <= ?';

export class SessionStore extends session.Store {
  /** Writes queued in the group commit, by sid; data null: destroyed. Cleared when their commit settles. */
  private readonly unsaved = new Map<string, { data: string | null; expiresAt: number }>();

  constructor(
    private readonly db: Storage,
    private readonly realm: Realm,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {
    super();
  }

  private expiry(): number {
    return this.clock.now() + this.ttlMs;
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    const now = this.clock.now();
    const pending = this.unsaved.get(sid);
    if (pending) return parsed(pending.expiresAt > now ? pending.data : null, cb);
    this.db.get<{ data: string }>(getRow, [sid, this.realm, now]).then(
      (row) => parsed(row?.data ?? null, cb),
      (err: unknown) => cb(err),
    );
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    // Serialized now: the row holds the session as it was when saved.
    const json = JSON.stringify(data);
    const expiresAt = this.expiry();
    this.write(sid, { data: json, expiresAt }, async () => await this.db.run(upsertRow, [sid, this.realm, json, expiresAt]), cb);
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.write(sid, { data: null, expiresAt: Infinity }, async () => await this.db.run(deleteRow, [sid, this.realm]), cb);
  }

  /** Queues a row write; until its commit settles (either way), reads of the sid see `pending`. */
  private write(sid: string, pending: { data: string | null; expiresAt: number }, work: () => Promise<unknown>, cb?: (err?: unknown) => void): void {
    this.unsaved.set(sid, pending);
    const done = this.db.transaction(work, SESSION_WRITE).finally(() => {
      // A later write of the same sid stays until its own commit settles.
      if (this.unsaved.get(sid) === pending) this.unsaved.delete(sid);
    });
    answer(done, cb);
  }

  /** express-session touches every unchanged session it loaded; the row's expiry moves only by whole steps. */
  override touch(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    // A signed-in session is saved whenever its lastSeenAt moves (at most a
    // minute apart while it is used), and every save sets the expiry: nothing
    // to read or write here on the hot path (issue 5).
    if (data.lastSeenAt !== undefined) return cb?.();
    const expiresAt = this.expiry();
    const staleBefore = expiresAt - SESSION_REFRESH_STEP_MS;
    const touched = this.db.get(staleRow, [sid, this.realm, staleBefore]).then(async (stale) => {
      if (stale === undefined) return;
      return await this.db.transaction(() => this.db.run(touchRow, [expiresAt, sid, this.realm, staleBefore]), SESSION_WRITE);
    });
    answer(touched, cb);
  }
}

function parsed(data: string | null, cb: (err: unknown, s?: session.SessionData | null) => void): void {
  let value: session.SessionData | null;
  try {
    value = data ? (JSON.parse(data) as session.SessionData) : null;
  } catch (err) {
    return cb(err);
  }
  cb(null, value);
}

/** Session rows as data, for housekeeping outside a request. */
export class SessionsRepository {
  private readonly deleteForUserRows;

  constructor(private readonly db: Storage) {
    // The JSON field is read as text on PostgreSQL and as an integer on SQLite: compared as a number on both.
    this.deleteForUserRows = `DELETE FROM sessions WHERE realm = 'customer' AND CAST(${db.dialect.jsonText('data', 'userId')} AS BIGINT) = ?`;
  }

  async prune(now: number): Promise<number> {
    return (await this.db.run(pruneRows, [now])).changes;
  }

  /** Ends every signed-in session of a customer user, e.g. after their password was reset. */
  async deleteForUser(userId: number): Promise<number> {
    return (await this.db.run(this.deleteForUserRows, [userId])).changes;
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { getRow, upsertRow, deleteRow, staleRow, touchRow, pruneRows };
