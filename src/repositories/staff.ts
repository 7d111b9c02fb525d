import type { Db } from '../db/connection';

export interface Staff {
  id: number;
  staffId: string;
  name: string;
  passwordHash: string;
  failures: number;
  lockedAt: number | null;
}

export class StaffRepository {
  private readonly byId;
  private readonly byStaffId;
  private readonly insertRow;
  private readonly failRow;
  private readonly resetRow;
  private readonly unlockRow;

  constructor(db: Db) {
    const select = `SELECT id, staff_id AS staffId, name, password_hash AS passwordHash, failures,
        locked_at AS lockedAt FROM staff`;
    this.byId = db.prepare(`${select} WHERE id = ?`);
    this.byStaffId = db.prepare(`${select} WHERE staff_id = ?`);
    this.insertRow = db.prepare(
      'INSERT INTO staff (staff_id, name, password_hash, created_at) VALUES (?, ?, ?, ?)',
    );
    this.failRow = db.prepare(`UPDATE staff SET failures = failures + 1,
      locked_at = COALESCE(locked_at, CASE WHEN failures + 1 >= @threshold THEN @now END)
      WHERE id = @id RETURNING failures, locked_at AS lockedAt`);
    this.resetRow = db.prepare('UPDATE staff SET failures = 0 WHERE id = ?');
    this.unlockRow = db.prepare('UPDATE staff SET failures = 0, locked_at = NULL WHERE id = ?');
  }

  find(id: number): Staff | undefined {
    return this.byId.get(id) as Staff | undefined;
  }

  findByStaffId(staffId: string): Staff | undefined {
    return this.byStaffId.get(staffId) as Staff | undefined;
  }

  insert(staffId: string, name: string, passwordHash: string, now: number): void {
    this.insertRow.run(staffId, name, passwordHash, now);
  }

  recordFailure(id: number, threshold: number, now: number): { failures: number; lockedAt: number | null } {
    return this.failRow.get({ id, threshold, now }) as { failures: number; lockedAt: number | null };
  }

  recordSuccess(id: number): void {
    this.resetRow.run(id);
  }

  /** Lifts the lock and clears the count (CLI `staff unlock`). */
  unlock(id: number): void {
    this.unlockRow.run(id);
  }
}
