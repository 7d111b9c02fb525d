import session from 'express-session';
import type { Db } from '../db/connection';
import type { Clock } from '../clock';

type Realm = 'customer' | 'staff';

/**
 * express-session store on our own SQLite database (DESIGN §8: the npm store is
 * GPL-3.0-only and keeps a timer alive). Sessions of the two listeners live in
 * separate realms, so a customer cookie never opens a staff session.
 */
export class SqliteSessionStore extends session.Store {
  private readonly getRow;
  private readonly upsertRow;
  private readonly deleteRow;
  private readonly touchRow;

  constructor(db: Db, private readonly realm: Realm, private readonly clock: Clock, private readonly ttlMs: number) {
    super();
    this.getRow = db.prepare('SELECT data FROM sessions WHERE sid = ? AND realm = ? AND expires_at > ?').pluck();
    this.upsertRow = db.prepare(`INSERT INTO sessions (sid, realm, data, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at
      WHERE sessions.realm = excluded.realm`);
    this.deleteRow = db.prepare('DELETE FROM sessions WHERE sid = ? AND realm = ?');
    this.touchRow = db.prepare('UPDATE sessions SET expires_at = ? WHERE sid = ? AND realm = ?');
  }

  private expiry(): number {
    return this.clock.now() + this.ttlMs;
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    try {
      const data = this.getRow.get(sid, this.realm, this.clock.now()) as string | undefined;
      cb(null, data ? (JSON.parse(data) as session.SessionData) : null);
    } catch (err) {
      cb(err);
    }
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    try {
      this.upsertRow.run(sid, this.realm, JSON.stringify(data), this.expiry());
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    try {
      this.deleteRow.run(sid, this.realm);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override touch(sid: string, _data: session.SessionData, cb?: () => void): void {
    this.touchRow.run(this.expiry(), sid, this.realm);
    cb?.();
  }
}

/** Session rows as data, for housekeeping outside a request. */
export class SessionsRepository {
  private readonly pruneRows;
  private readonly deleteForUserRows;

  constructor(db: Db) {
    this.pruneRows = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
    this.deleteForUserRows = db.prepare(
      "DELETE FROM sessions WHERE realm = 'customer' AND json_extract(data, '$.userId') = ?",
    );
  }

  prune(now: number): number {
    return this.pruneRows.run(now).changes;
  }

  /** Ends every signed-in session of a customer user, e.g. after their password was reset. */
  deleteForUser(userId: number): number {
    return this.deleteForUserRows.run(userId).changes;
  }
}
