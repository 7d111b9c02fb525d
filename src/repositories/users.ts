import type { Db } from '../db/connection';

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

export class UsersRepository {
  private readonly byId;
  private readonly byLoginId;
  private readonly byCompany;
  private readonly insertRow;
  private readonly setPassword;
  private readonly setTransferPassword;
  private readonly setCanTransfer;

  constructor(db: Db) {
    this.byId = db.prepare(`SELECT ${columns} FROM users WHERE id = ?`);
    this.byLoginId = db.prepare(`SELECT ${columns} FROM users WHERE login_id = ?`);
    this.byCompany = db.prepare(
      `SELECT ${columns} FROM users WHERE company_id = ? ORDER BY role = 'user', id`,
    );
    this.insertRow = db.prepare(
      `INSERT INTO users (company_id, login_id, name, role, password_hash,
         transfer_password_hash, approval_password_hash, can_transfer, created_at)
       VALUES (@companyId, @loginId, @name, @role, @passwordHash,
         @transferPasswordHash, @approvalPasswordHash, @canTransfer, @createdAt)`,
    );
    this.setPassword = db.prepare('UPDATE users SET password_hash = ? WHERE id = ?');
    this.setTransferPassword = db.prepare('UPDATE users SET transfer_password_hash = ? WHERE id = ?');
    this.setCanTransfer = db.prepare('UPDATE users SET can_transfer = ? WHERE id = ?');
  }

  find(id: number): User | undefined {
    return toUser(this.byId.get(id) as Row | undefined);
  }

  /** A user of the given company only: another company's id reads as absent. */
  findInCompany(companyId: number, id: number): User | undefined {
    const user = this.find(id);
    return user && user.companyId === companyId ? user : undefined;
  }

  findByLoginId(loginId: string): User | undefined {
    return toUser(this.byLoginId.get(loginId) as Row | undefined);
  }

  listByCompany(companyId: number): User[] {
    return (this.byCompany.all(companyId) as Row[]).map((r) => toUser(r)!);
  }

  insert(u: NewUser): User {
    const id = this.insertRow.run({ ...u, canTransfer: u.canTransfer ? 1 : 0 }).lastInsertRowid;
    return this.find(Number(id))!;
  }

  updatePasswordHash(id: number, hash: string): void {
    this.setPassword.run(hash, id);
  }

  updateTransferPasswordHash(id: number, hash: string): void {
    this.setTransferPassword.run(hash, id);
  }

  updateCanTransfer(id: number, canTransfer: boolean): void {
    this.setCanTransfer.run(canTransfer ? 1 : 0, id);
  }
}
