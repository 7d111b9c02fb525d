import type { Db } from '../db/connection';
import type { OwnLimits } from '../domain/limits';

/** A company's limits as stored: the bank's (null: the configured default) and its own lower ones. */
export interface CompanyLimitsRow {
  bank: OwnLimits;
  own: OwnLimits;
}

/** 振込限度額 (issue 13): the limits of companies and users, and what was transferred in a time range. */
export class LimitsRepository {
  private readonly companyRow;
  private readonly setBankRow;
  private readonly setCompanyRow;
  private readonly userRow;
  private readonly setUserRow;
  private readonly companyUsed;
  private readonly userUsed;

  constructor(db: Db) {
    this.companyRow = db.prepare(
      `SELECT bank_per_transfer_limit AS bankPerTransfer, bank_daily_limit AS bankDaily,
         per_transfer_limit AS perTransfer, daily_limit AS daily FROM companies WHERE id = ?`,
    );
    this.setBankRow = db.prepare('UPDATE companies SET bank_per_transfer_limit = ?, bank_daily_limit = ? WHERE id = ?');
    this.setCompanyRow = db.prepare('UPDATE companies SET per_transfer_limit = ?, daily_limit = ? WHERE id = ?');
    this.userRow = db.prepare('SELECT per_transfer_limit AS perTransfer, daily_limit AS daily FROM users WHERE id = ?');
    this.setUserRow = db.prepare('UPDATE users SET per_transfer_limit = ?, daily_limit = ? WHERE id = ?');
    // Amounts only: the fee is not part of a limit. Bounded by the partial indexes of migration 0007.
    this.companyUsed = db
      .prepare(`SELECT COALESCE(SUM(amount), 0) FROM transfers
        WHERE company_id = ? AND status = 'completed' AND completed_at >= ? AND completed_at < ?`)
      .pluck();
    this.userUsed = db
      .prepare(`SELECT COALESCE(SUM(amount), 0) FROM transfers
        WHERE user_id = ? AND status = 'completed' AND completed_at >= ? AND completed_at < ?`)
      .pluck();
  }

  company(companyId: number): CompanyLimitsRow | undefined {
    const row = this.companyRow.get(companyId) as
      | { bankPerTransfer: number | null; bankDaily: number | null; perTransfer: number | null; daily: number | null }
      | undefined;
    return row && { bank: { perTransfer: row.bankPerTransfer, daily: row.bankDaily }, own: { perTransfer: row.perTransfer, daily: row.daily } };
  }

  setBank(companyId: number, limits: OwnLimits): void {
    this.setBankRow.run(limits.perTransfer, limits.daily, companyId);
  }

  setCompany(companyId: number, limits: OwnLimits): void {
    this.setCompanyRow.run(limits.perTransfer, limits.daily, companyId);
  }

  user(userId: number): OwnLimits {
    return (this.userRow.get(userId) as OwnLimits | undefined) ?? { perTransfer: null, daily: null };
  }

  setUser(userId: number, limits: OwnLimits): void {
    this.setUserRow.run(limits.perTransfer, limits.daily, userId);
  }

  /** Sum of the amounts the company transferred in [from, to). */
  usedByCompany(companyId: number, from: number, to: number): number {
    return this.companyUsed.get(companyId, from, to) as number;
  }

  /** Sum of the amounts the user transferred in [from, to). */
  usedByUser(userId: number, from: number, to: number): number {
    return this.userUsed.get(userId, from, to) as number;
  }
}
