import type { Db } from '../db/connection';

export interface Company {
  id: number;
  name: string;
  accountNumber: string;
  balance: number;
  openingBalance: number;
  createdAt: number;
}

const columns = `id, name, account_number AS accountNumber, balance,
  opening_balance AS openingBalance, created_at AS createdAt`;

export class CompaniesRepository {
  private readonly byId;
  private readonly insertRow;
  private readonly debitRow;
  private readonly nextAccount;
  private readonly anyRow;

  constructor(private readonly db: Db) {
    this.byId = db.prepare(`SELECT ${columns} FROM companies WHERE id = ?`);
    this.insertRow = db.prepare(
      `INSERT INTO companies (name, account_number, balance, opening_balance, created_at)
       VALUES (@name, @accountNumber, @balance, @balance, @createdAt)`,
    );
    // Debits only when the balance covers the amount: the check and the update
    // are one statement, so concurrent transfers can never overdraw (R10).
    this.debitRow = db.prepare(
      'UPDATE companies SET balance = balance - ? WHERE id = ? AND balance >= ?',
    );
    this.anyRow = db.prepare('SELECT 1 FROM companies LIMIT 1');
    this.nextAccount = db
      .prepare("SELECT printf('%07d', COALESCE(MAX(CAST(account_number AS INTEGER)), 1000000) + 1) FROM companies")
      .pluck();
  }

  isEmpty(): boolean {
    return this.anyRow.get() === undefined;
  }

  find(id: number): Company | undefined {
    return this.byId.get(id) as Company | undefined;
  }

  /** Creates a contract with a newly numbered representative account. */
  insert(c: { name: string; balance: number; createdAt: number }): Company {
    const accountNumber = this.nextAccount.get() as string;
    const id = Number(this.insertRow.run({ ...c, accountNumber }).lastInsertRowid);
    return this.find(id)!;
  }

  /** Returns false (and changes nothing) when funds are insufficient. */
  debit(companyId: number, amount: number): boolean {
    return this.debitRow.run(amount, companyId, amount).changes === 1;
  }

  search(query: string, limit: number, offset: number): { rows: Company[]; total: number } {
    const like = `%${query.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    const where = `WHERE name LIKE @like ESCAPE '\\' OR account_number LIKE @like ESCAPE '\\'
      OR id IN (SELECT company_id FROM users WHERE login_id LIKE @like ESCAPE '\\')`;
    const rows = this.db
      .prepare(`SELECT ${columns} FROM companies ${where} ORDER BY id LIMIT @limit OFFSET @offset`)
      .all({ like, limit, offset }) as Company[];
    const total = this.db.prepare(`SELECT count(*) FROM companies ${where}`).pluck().get({ like }) as number;
    return { rows, total };
  }
}
