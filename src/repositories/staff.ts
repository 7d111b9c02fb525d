import type { Db } from '../db/connection';

export interface Staff {
  id: number;
  staffId: string;
  name: string;
  passwordHash: string;
  /** From the staff account's lock counter (staff_locks). */
  failures: number;
  lockedAt: number | null;
}

export class StaffRepository {
  private readonly byId;
  private readonly byStaffId;
  private readonly insertRow;

  constructor(db: Db) {
    const select = `SELECT s.id, s.staff_id AS staffId, s.name, s.password_hash AS passwordHash,
        COALESCE(l.failures, 0) AS failures, l.locked_at AS lockedAt
      FROM staff s LEFT JOIN staff_locks l ON l.staff_id = s.id AND l.kind = 'login'`;
    this.byId = db.prepare(`${select} WHERE s.id = ?`);
    this.byStaffId = db.prepare(`${select} WHERE s.staff_id = ?`);
    this.insertRow = db.prepare(
      'INSERT INTO staff (staff_id, name, password_hash, created_at) VALUES (?, ?, ?, ?)',
    );
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
}
