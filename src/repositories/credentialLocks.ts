import type { Storage } from '../storage/port';
import { LockCounter } from './lockCounter';

export type { LockState } from './lockCounter';

/** The secrets that lock independently of each other (R9). */
export type LockKind = 'login' | 'transferPassword' | 'approvalPassword' | 'otp';

const unlockAllRow = 'UPDATE credential_locks SET failures = 0, locked_at = NULL WHERE user_id = ? AND locked_at IS NOT NULL';
const lockedInCompany = `
  SELECT l.user_id AS userId, l.kind FROM credential_locks l JOIN users u ON u.id = l.user_id
  WHERE u.company_id = ? AND l.locked_at IS NOT NULL`;
const unlockStaffRow = "UPDATE staff_locks SET failures = 0, locked_at = NULL WHERE staff_id = ? AND kind = 'login'";

/** The customers' lock counters: one per user and secret (R9). */
export class CredentialLocksRepository extends LockCounter<LockKind> {
  constructor(db: Storage) {
    super(db, { name: 'credential_locks', holder: 'user_id' });
  }

  /** Lifts every lock of the user; returns how many kinds were locked. */
  async unlockAll(userId: number): Promise<number> {
    return (await this.db.run(unlockAllRow, [userId])).changes;
  }

  /** userId → the kinds locked, for one company's user list. */
  async lockedKindsByUser(companyId: number): Promise<Map<number, LockKind[]>> {
    const map = new Map<number, LockKind[]>();
    for (const row of await this.db.all<{ userId: number; kind: LockKind }>(lockedInCompany, [companyId])) {
      map.set(row.userId, [...(map.get(row.userId) ?? []), row.kind]);
    }
    return map;
  }
}

/** The staff password's lock counter (R9 applied to the bank side). */
export class StaffLocksRepository extends LockCounter<'login'> {
  constructor(db: Storage) {
    super(db, { name: 'staff_locks', holder: 'staff_id' });
  }

  /** Lifts the lock and clears the count (CLI `staff unlock`). */
  async unlock(staffDbId: number): Promise<void> {
    await this.db.run(unlockStaffRow, [staffDbId]);
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { unlockAllRow, lockedInCompany, unlockStaffRow };
