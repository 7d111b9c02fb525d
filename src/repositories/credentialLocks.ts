import type { Db } from '../db/connection';
import { LockCounter } from './lockCounter';

export type { LockState } from './lockCounter';

/** The secrets that lock independently of each other (R9). */
export type LockKind = 'login' | 'transferPassword' | 'approvalPassword' | 'otp';

/** The customers' lock counters: one per user and secret (R9). */
export class CredentialLocksRepository extends LockCounter<LockKind> {
  private readonly unlockRow;
  private readonly lockedInCompany;

  constructor(db: Db) {
    super(db, { name: 'credential_locks', holder: 'user_id' });
    this.unlockRow = db.prepare(
      'UPDATE credential_locks SET failures = 0, locked_at = NULL WHERE user_id = ? AND locked_at IS NOT NULL',
    );
    this.lockedInCompany = db.prepare(`
      SELECT l.user_id AS userId, l.kind FROM credential_locks l JOIN users u ON u.id = l.user_id
      WHERE u.company_id = ? AND l.locked_at IS NOT NULL`);
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

/** The staff password's lock counter (R9 applied to the bank side). */
export class StaffLocksRepository extends LockCounter<'login'> {
  private readonly unlockRow;

  constructor(db: Db) {
    super(db, { name: 'staff_locks', holder: 'staff_id' });
    this.unlockRow = db.prepare("UPDATE staff_locks SET failures = 0, locked_at = NULL WHERE staff_id = ? AND kind = 'login'");
  }

  /** Lifts the lock and clears the count (CLI `staff unlock`). */
  unlock(staffDbId: number): void {
    this.unlockRow.run(staffDbId);
  }
}
