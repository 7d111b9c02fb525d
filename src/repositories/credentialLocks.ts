import type { Db } from '../db/connection';

/** The secrets that lock independently of each other (R9). */
export type LockKind = 'login' | 'transferPassword' | 'approvalPassword' | 'otp';

export interface LockState {
  failures: number;
  lockedAt: number | null;
}

export class CredentialLocksRepository {
  private readonly getRow;
  private readonly failRow;
  private readonly resetRow;
  private readonly unlockRow;
  private readonly lockedInCompany;

  constructor(db: Db) {
    this.getRow = db.prepare(
      'SELECT failures, locked_at AS lockedAt FROM credential_locks WHERE user_id = ? AND kind = ?',
    );
    // One statement counts the failure and locks at the threshold, so concurrent
    // wrong entries can neither lose a count nor skip the lock.
    this.failRow = db.prepare(`
      INSERT INTO credential_locks (user_id, kind, failures, locked_at)
      VALUES (@userId, @kind, 1, CASE WHEN 1 >= @threshold THEN @now END)
      ON CONFLICT (user_id, kind) DO UPDATE SET
        failures = failures + 1,
        locked_at = COALESCE(locked_at, CASE WHEN failures + 1 >= @threshold THEN @now END)
      RETURNING failures, locked_at AS lockedAt`);
    // Matches no row when there is nothing to reset: the usual correct entry changes nothing at all (issue 5).
    this.resetRow = db.prepare(
      'UPDATE credential_locks SET failures = 0 WHERE user_id = ? AND kind = ? AND failures > 0 AND locked_at IS NULL',
    );
    this.unlockRow = db.prepare(
      'UPDATE credential_locks SET failures = 0, locked_at = NULL WHERE user_id = ? AND locked_at IS NOT NULL',
    );
    this.lockedInCompany = db.prepare(`
      SELECT l.user_id AS userId, l.kind FROM credential_locks l JOIN users u ON u.id = l.user_id
      WHERE u.company_id = ? AND l.locked_at IS NOT NULL`);
  }

  get(userId: number, kind: LockKind): LockState {
    return (this.getRow.get(userId, kind) as LockState | undefined) ?? { failures: 0, lockedAt: null };
  }

  isLocked(userId: number, kind: LockKind): boolean {
    return this.get(userId, kind).lockedAt !== null;
  }

  recordFailure(userId: number, kind: LockKind, threshold: number, now: number): LockState {
    return this.failRow.get({ userId, kind, threshold, now }) as LockState;
  }

  /** A correct entry resets the count (R9); it never lifts a lock. */
  recordSuccess(userId: number, kind: LockKind): void {
    this.resetRow.run(userId, kind);
  }

  /** Lifts every lock of the user; returns how many kinds were locked. */
  unlockAll(userId: number): number {
    return this.unlockRow.run(userId).changes;
  }

  /** userId → the kinds locked, for one company's user list. */
  lockedKindsByUser(companyId: number): Map<number, LockKind[]> {
    const map = new Map<number, LockKind[]>();
    for (const row of this.lockedInCompany.all(companyId) as { userId: number; kind: LockKind }[]) {
      map.set(row.userId, [...(map.get(row.userId) ?? []), row.kind]);
    }
    return map;
  }
}
