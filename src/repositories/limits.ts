import type { Storage } from '../storage/port';
import type { OwnLimits } from '../domain/limits';

/** A company's limits as stored: the bank's (null: the configured default) and its own lower ones. */
export interface CompanyLimitsRow {
  bank: OwnLimits;
  own: OwnLimits;
}

const companyRow = `SELECT bank_per_transfer_limit AS bankPerTransfer, bank_daily_limit AS bankDaily,
  per_transfer_limit AS perTransfer, daily_limit AS daily FROM companies WHERE id = ?`;
const setBankRow = 'UPDATE companies SET bank_per_transfer_limit = ?, bank_daily_limit = ? WHERE id = ?';
const setCompanyRow = 'UPDATE companies SET per_transfer_limit = ?, daily_limit = ? WHERE id = ?';
const userRow = 'SELECT per_transfer_limit AS perTransfer, daily_limit AS daily FROM users WHERE id = ?';
const setUserRow = 'UPDATE users SET per_transfer_limit = ?, daily_limit = ? WHERE id = ?';
// What `who` transferred in [@from, @to): amounts only, the fee is not part of a limit. Both sums read the
// company's completed transfers of the range from one covering index (migration 0012): the user's are among them.
const usedBy = (who: string): string => `SELECT COALESCE(SUM(amount), 0) FROM transfers
  WHERE ${who} AND status = 'completed' AND completed_at >= @from AND completed_at < @to`;
const companyUsed = `SELECT (${usedBy('company_id = @companyId')}) AS n`;

// Everything today's allowance needs, in one statement (one round trip on PostgreSQL): the company's limits,
// the user's own, and what each transferred in the range.
const dayRow = `SELECT c.bank_per_transfer_limit AS bankPerTransfer, c.bank_daily_limit AS bankDaily,
    c.per_transfer_limit AS perTransfer, c.daily_limit AS daily,
    u.per_transfer_limit AS userPerTransfer, u.daily_limit AS userDaily,
    (${usedBy('company_id = c.id')}) AS usedByCompany,
    (${usedBy('company_id = c.id AND user_id = u.id')}) AS usedByUser
  FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = @userId`;

/** A user's limits, the company's, and what each transferred in a time range. */
export interface LimitsDay extends CompanyLimitsRow {
  user: OwnLimits;
  used: { company: number; user: number };
}

type CompanyRow = { bankPerTransfer: number | null; bankDaily: number | null; perTransfer: number | null; daily: number | null };

const companyLimits = (row: CompanyRow): CompanyLimitsRow => ({
  bank: { perTransfer: row.bankPerTransfer, daily: row.bankDaily },
  own: { perTransfer: row.perTransfer, daily: row.daily },
});

/** 振込限度額 (issue 13): the limits of companies and users, and what was transferred in a time range. */
export class LimitsRepository {
  constructor(private readonly db: Storage) {}

  async company(companyId: number): Promise<CompanyLimitsRow | undefined> {
    const row = await this.db.get<CompanyRow>(companyRow, [companyId]);
    return row && companyLimits(row);
  }

  async setBank(companyId: number, limits: OwnLimits): Promise<void> {
    await this.db.run(setBankRow, [limits.perTransfer, limits.daily, companyId]);
  }

  async setCompany(companyId: number, limits: OwnLimits): Promise<void> {
    await this.db.run(setCompanyRow, [limits.perTransfer, limits.daily, companyId]);
  }

  async user(userId: number): Promise<OwnLimits> {
    return (await this.db.get<OwnLimits>(userRow, [userId])) ?? { perTransfer: null, daily: null };
  }

  async setUser(userId: number, limits: OwnLimits): Promise<void> {
    await this.db.run(setUserRow, [limits.perTransfer, limits.daily, userId]);
  }

  /** The user's and the company's limits with what each transferred in [from, to); undefined when no such user. */
  async day(userId: number, from: number, to: number): Promise<LimitsDay | undefined> {
    type Row = CompanyRow & { userPerTransfer: number | null; userDaily: number | null; usedByCompany: number | string; usedByUser: number | string };
    const row = await this.db.get<Row>(dayRow, { userId, from, to });
    return row && {
      ...companyLimits(row),
      user: { perTransfer: row.userPerTransfer, daily: row.userDaily },
      used: { company: Number(row.usedByCompany), user: Number(row.usedByUser) },
    };
  }

  /** Sum of the amounts the company transferred in [from, to). */
  async usedByCompany(companyId: number, from: number, to: number): Promise<number> {
    return Number((await this.db.get<{ n: number }>(companyUsed, { companyId, from, to }))!.n);
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { companyRow, setBankRow, setCompanyRow, userRow, setUserRow, companyUsed, dayRow };
