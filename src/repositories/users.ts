import type { Storage } from '../storage/port';

export type Role = 'admin' | 'user';

export interface User {
  id: number;
  companyId: number;
  loginId: string;
  name: string;
  role: Role;
  passwordHash: string;
  transferPasswordHash: string;
  approvalPasswordHash: string | null;
  canTransfer: boolean;
  createdAt: number;
}

export interface NewUser {
  companyId: number;
  loginId: string;
  name: string;
  role: Role;
  passwordHash: string;
  transferPasswordHash: string;
  approvalPasswordHash: string | null;
  canTransfer: boolean;
  createdAt: number;
}

const columns = `id, company_id AS companyId, login_id AS loginId, name, role,
  password_hash AS passwordHash, transfer_password_hash AS transferPasswordHash,
  approval_password_hash AS approvalPasswordHash, can_transfer AS canTransfer,
  created_at AS createdAt`;

type Row = Omit<User, 'canTransfer'> & { canTransfer: number };
const toUser = (row: Row | undefined): User | undefined =>
  row && { ...row, canTransfer: row.canTransfer === 1 };

const byId = `SELECT ${columns} FROM users WHERE id = ?`;
const byLoginId = `SELECT ${columns} FROM users WHERE login_id = ?`;
const byCompany = `SELECT ${columns} FROM users WHERE company_id = ? ORDER BY CASE role WHEN 'admin' THEN 0 ELSE 1 END, id`;
const insertRow = `INSERT INTO users (company_id, login_id, name, role, password_hash,
    transfer_password_hash, approval_password_hash, can_transfer, created_at)
  VALUES (@companyId, @loginId, @name, @role, @passwordHash,
    @transferPasswordHash, @approvalPasswordHash, @canTransfer, @createdAt) RETURNING id`;
const setPassword = 'UPDATE users SET password_hash = ? WHERE id = ?';
const setTransferPassword = 'UPDATE users SET transfer_password_hash = ? WHERE id = ?';
const setCanTransfer = 'UPDATE users SET can_transfer = ? WHERE id = ?';

export class UsersRepository {
  constructor(private readonly db: Storage) {}

  async find(id: number): Promise<User | undefined> {
    return toUser(await this.db.get<Row>(byId, [id]));
  }

  /** A user of the given company only: another company's id reads as absent. */
  async findInCompany(companyId: number, id: number): Promise<User | undefined> {
    const user = await this.find(id);
    return user && user.companyId === companyId ? user : undefined;
  }

  async findByLoginId(loginId: string): Promise<User | undefined> {
    return toUser(await this.db.get<Row>(byLoginId, [loginId]));
  }

  async listByCompany(companyId: number): Promise<User[]> {
    return (await this.db.all<Row>(byCompany, [companyId])).map((r) => toUser(r)!);
  }

  async insert(u: NewUser): Promise<User> {
    const { id } = (await this.db.get<{ id: number }>(insertRow, { ...u, canTransfer: u.canTransfer ? 1 : 0 }))!;
    return (await this.find(id))!;
  }

  async updatePasswordHash(id: number, hash: string): Promise<void> {
    await this.db.run(setPassword, [hash, id]);
  }

  async updateTransferPasswordHash(id: number, hash: string): Promise<void> {
    await this.db.run(setTransferPassword, [hash, id]);
  }

  async updateCanTransfer(id: number, canTransfer: boolean): Promise<void> {
    await this.db.run(setCanTransfer, [canTransfer ? 1 : 0, id]);
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { byId, byLoginId, byCompany, insertRow, setPassword, setTransferPassword, setCanTransfer };
