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
// Amounts only: the fee is not part of a limit. Bounded by the partial indexes of migration 0007.
const companyUsed = `SELECT COALESCE(SUM(amount), 0) AS n FROM transfers
  WHERE company_id = ? AND status = 'completed' AND completed_at >= ? AND completed_at < ?`;
const userUsed = `SELECT COALESCE(SUM(amount), 0) AS n FROM transfers
  WHERE user_id = ? AND status = 'completed' AND completed_at >= ? AND completed_at < ?`;

type CompanyRow = { bankPerTransfer: number | null; bankDaily: number | null; perTransfer: number | null; daily: number | null };

/** 振込限度額 (issue 13): the limits of companies and users, and what was transferred in a time range. */
export class LimitsRepository {
  constructor(private readonly db: Storage) {}

  async company(companyId: number): Promise<CompanyLimitsRow | undefined> {
    const row = await this.db.get<CompanyRow>(companyRow, [companyId]);
    return row && { bank: { perTransfer: row.bankPerTransfer, daily: row.bankDaily }, own: { perTransfer: row.perTransfer, daily: row.daily } };
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

  /** Sum of the amounts the company transferred in [from, to). */
  async usedByCompany(companyId: number, from: number, to: number): Promise<number> {
    return Number((await this.db.get<{ n: number }>(companyUsed, [companyId, from, to]))!.n);
  }

  /** Sum of the amounts the user transferred in [from, to). */
  async usedByUser(userId: number, from: number, to: number): Promise<number> {
    return Number((await this.db.get<{ n: number }>(userUsed, [userId, from, to]))!.n);
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { companyRow, setBankRow, setCompanyRow, userRow, setUserRow, companyUsed, userUsed };
