import type { Storage } from '../storage/port';

export interface Staff {
  id: number;
  staffId: string;
  name: string;
  passwordHash: string;
  /** From the staff account's lock counter (staff_locks). */
  failures: number;
  lockedAt: number | null;
}

const select = `SELECT s.id, s.staff_id AS staffId, s.name, s.password_hash AS passwordHash,
    COALESCE(l.failures, 0) AS failures, l.locked_at AS lockedAt
  FROM staff s LEFT JOIN staff_locks l ON l.staff_id = s.id AND l.kind = 'login'`;
const byId = `${select} WHERE s.id = ?`;
const byStaffId = `${select} WHERE s.staff_id = ?`;
const insertRow = 'INSERT INTO staff (staff_id, name, password_hash, created_at) VALUES (?, ?, ?, ?)';

export class StaffRepository {
  constructor(private readonly db: Storage) {}

  async find(id: number): Promise<Staff | undefined> {
    return await this.db.get<Staff>(byId, [id]);
  }

  async findByStaffId(staffId: string): Promise<Staff | undefined> {
    return await this.db.get<Staff>(byStaffId, [staffId]);
  }

  async insert(staffId: string, name: string, passwordHash: string, now: number): Promise<void> {
    await this.db.run(insertRow, [staffId, name, passwordHash, now]);
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { insertRow, byId, byStaffId };
