import type { Params, Storage } from '../storage/port';

export type AccountType = 'ordinary' | 'current';

export interface TransferInput {
  bankCode: string;
  branchCode: string;
  accountType: AccountType;
  accountNumber: string;
  payeeName: string;
  amount: number;
}

/** What the draft keeps besides the form: the names it was shown with and its fee (issue 15). */
export interface DraftFacts {
  /** From the zengin dataset at draft time; null on transfers made before names were kept. */
  bankName: string | null;
  branchName: string | null;
  /** 振込手数料 in yen, debited together with the amount. */
  fee: number;
}

export interface Transfer extends TransferInput, DraftFacts {
  id: number;
  companyId: number;
  userId: number;
  userName: string;
  status: 'draft' | 'completed';
  receiptNumber: string | null;
  confirmedWith: 'transferPassword' | 'otp' | null;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
}

const select = `SELECT t.id, t.company_id AS companyId, t.user_id AS userId, u.name AS userName,
  t.bank_code AS bankCode, t.branch_code AS branchCode, t.account_type AS accountType,
  t.account_number AS accountNumber, t.payee_name AS payeeName, t.amount, t.status,
  t.bank_name AS bankName, t.branch_name AS branchName, t.fee,
  t.receipt_number AS receiptNumber, t.confirmed_with AS confirmedWith,
  t.created_at AS createdAt, t.expires_at AS expiresAt, t.completed_at AS completedAt
  FROM transfers t JOIN users u ON u.id = t.user_id`;

const byId = `${select} WHERE t.id = ?`;
const statusById = 'SELECT status FROM transfers WHERE id = ?';
const insertRow = `INSERT INTO transfers (company_id, user_id, bank_code, branch_code,
    account_type, account_number, payee_name, amount, bank_name, branch_name, fee, status, created_at, expires_at)
  VALUES (@companyId, @userId, @bankCode, @branchCode, @accountType, @accountNumber,
    @payeeName, @amount, @bankName, @branchName, @fee, 'draft', @createdAt, @expiresAt) RETURNING id`;
const pageForCompany = `${select} WHERE t.company_id = ? AND t.status = 'completed' ORDER BY t.id DESC LIMIT ? OFFSET ?`;
const countForCompany = "SELECT count(*) AS n FROM transfers WHERE company_id = ? AND status = 'completed'";
const pageForUser = `${select} WHERE t.user_id = ? AND t.status = 'completed' ORDER BY t.id DESC LIMIT ? OFFSET ?`;
const countForUser = "SELECT count(*) AS n FROM transfers WHERE user_id = ? AND status = 'completed'";

export class TransfersRepository {
  private readonly completeRow;

  constructor(private readonly db: Storage) {
    // Compare-and-set from draft to completed: of two confirmations of one draft
    // (double click, replay, race) only one can see a row returned (R10).
    this.completeRow = `UPDATE transfers SET status = 'completed',
        receipt_number = @datePart || '-' || ${db.dialect.zeroPad('id', 8)}, confirmed_with = @confirmedWith,
        completed_at = @now
      WHERE id = @id AND status = 'draft' AND expires_at > @now
      RETURNING receipt_number AS receiptNumber`;
  }

  async find(id: number): Promise<Transfer | undefined> {
    return await this.db.get<Transfer>(byId, [id]);
  }

  /** Only the status: what a confirmation re-reads inside its transaction. */
  async status(id: number): Promise<Transfer['status'] | undefined> {
    return (await this.db.get<{ status: Transfer['status'] }>(statusById, [id]))?.status;
  }

  async insertDraft(d: TransferInput & DraftFacts & { companyId: number; userId: number; createdAt: number; expiresAt: number }): Promise<number> {
    return (await this.db.get<{ id: number }>(insertRow, d as unknown as Params))!.id;
  }

  /** Returns the new 受付番号, or undefined when the draft was already used or expired. */
  async complete(id: number, confirmedWith: 'transferPassword' | 'otp', now: number, datePart: string): Promise<string | undefined> {
    return (await this.db.get<{ receiptNumber: string }>(this.completeRow, { id, confirmedWith, now, datePart }))?.receiptNumber;
  }

  async listForCompany(companyId: number, limit: number, offset: number): Promise<{ rows: Transfer[]; total: number }> {
    const rows = await this.db.all<Transfer>(pageForCompany, [companyId, limit, offset]);
    return { rows, total: (await this.db.get<{ n: number }>(countForCompany, [companyId]))!.n };
  }

  async listForUser(userId: number, limit: number, offset: number): Promise<{ rows: Transfer[]; total: number }> {
    const rows = await this.db.all<Transfer>(pageForUser, [userId, limit, offset]);
    return { rows, total: (await this.db.get<{ n: number }>(countForUser, [userId]))!.n };
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { insertRow, countForCompany, countForUser, byId, statusById, pageForCompany, pageForUser };
