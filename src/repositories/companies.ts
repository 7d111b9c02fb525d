import type { Storage } from '../storage/port';

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

const byId = `SELECT ${columns} FROM companies WHERE id = ?`;
const insertRow = `INSERT INTO companies (name, account_number, balance, opening_balance, created_at)
  VALUES (@name, @accountNumber, @balance, @balance, @createdAt) RETURNING id`;
// Debits only when the balance covers the amount: the check and the update
// are one statement, so concurrent transfers can never overdraw (R10).
const debitRow = 'UPDATE companies SET balance = balance - ? WHERE id = ? AND balance >= ?';
const anyRow = 'SELECT 1 AS one FROM companies LIMIT 1';
export class CompaniesRepository {
  private readonly nextAccount;
  private readonly searchPage;
  private readonly searchCount;
  private readonly lockRow;

  constructor(private readonly db: Storage) {
    const like = db.dialect.likeIgnoringCase;
    const where = `WHERE name ${like} @like ESCAPE '\\' OR account_number ${like} @like ESCAPE '\\'
      OR id IN (SELECT company_id FROM users WHERE login_id ${like} @like ESCAPE '\\')`;
    this.searchPage = `SELECT ${columns} FROM companies ${where} ORDER BY id LIMIT @limit OFFSET @offset`;
    this.searchCount = `SELECT count(*) AS n FROM companies ${where}`;
    this.lockRow = `SELECT id FROM companies WHERE id = ?${db.dialect.forUpdate}`;
    this.nextAccount = `SELECT ${db.dialect.zeroPad('COALESCE(MAX(CAST(account_number AS INTEGER)), 1000000) + 1', 7)} AS n FROM companies`;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.db.get(anyRow)) === undefined;
  }

  async find(id: number): Promise<Company | undefined> {
    return await this.db.get<Company>(byId, [id]);
  }

  /** Creates a contract with a newly numbered representative account. */
  async insert(c: { name: string; balance: number; createdAt: number }): Promise<Company> {
    const accountNumber = (await this.db.get<{ n: string }>(this.nextAccount))!.n;
    const { id } = (await this.db.get<{ id: number }>(insertRow, { ...c, accountNumber }))!;
    return (await this.find(id))!;
  }

  /**
   * Takes the company's ledger for the rest of the transaction: on PostgreSQL
   * a row lock, so the company's confirmations on any node run one after
   * another (the day's total they read cannot move under them); on SQLite
   * the transaction already holds the one write lock, so nothing is asked.
   */
  async lockLedger(companyId: number): Promise<void> {
    if (this.db.dialect.forUpdate === '') return;
    await this.db.get(this.lockRow, [companyId]);
  }

  /** Returns false (and changes nothing) when funds are insufficient. */
  async debit(companyId: number, amount: number): Promise<boolean> {
    return (await this.db.run(debitRow, [amount, companyId, amount])).changes === 1;
  }

  async search(query: string, limit: number, offset: number): Promise<{ rows: Company[]; total: number }> {
    const like = `%${query.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    const rows = await this.db.all<Company>(this.searchPage, { like, limit, offset });
    const count = await this.db.get<{ n: number }>(this.searchCount, { like });
    return { rows, total: count!.n };
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { byId, insertRow, debitRow, anyRow };
