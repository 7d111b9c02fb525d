import type { Db } from '../db/connection';

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

export class TransfersRepository {
  private readonly byId;
  private readonly insertRow;
  private readonly completeRow;
  private readonly pageForCompany;
  private readonly countForCompany;
  private readonly pageForUser;
  private readonly countForUser;

  constructor(db: Db) {
    this.byId = db.prepare(`${select} WHERE t.id = ?`);
    this.insertRow = db.prepare(`INSERT INTO transfers (company_id, user_id, bank_code, branch_code,
        account_type, account_number, payee_name, amount, bank_name, branch_name, fee, status, created_at, expires_at)
      VALUES (@companyId, @userId, @bankCode, @branchCode, @accountType, @accountNumber,
        @payeeName, @amount, @bankName, @branchName, @fee, 'draft', @createdAt, @expiresAt)`);
    // Compare-and-set from draft to completed: of two confirmations of one draft
    // (double click, replay, race) only one can see changes === 1 (R10).
    this.completeRow = db.prepare(`UPDATE transfers SET status = 'completed',
        receipt_number = printf('%s-%08d', @datePart, id), confirmed_with = @confirmedWith,
        completed_at = @now
      WHERE id = @id AND status = 'draft' AND expires_at > @now
      RETURNING receipt_number`).pluck();
    this.pageForCompany = db.prepare(
      `${select} WHERE t.company_id = ? AND t.status = 'completed' ORDER BY t.id DESC LIMIT ? OFFSET ?`,
    );
    this.countForCompany = db
      .prepare("SELECT count(*) FROM transfers WHERE company_id = ? AND status = 'completed'")
      .pluck();
    this.pageForUser = db.prepare(
      `${select} WHERE t.user_id = ? AND t.status = 'completed' ORDER BY t.id DESC LIMIT ? OFFSET ?`,
    );
    this.countForUser = db
      .prepare("SELECT count(*) FROM transfers WHERE user_id = ? AND status = 'completed'")
      .pluck();
  }

  find(id: number): Transfer | undefined {
    return this.byId.get(id) as Transfer | undefined;
  }

  insertDraft(d: TransferInput & DraftFacts & { companyId: number; userId: number; createdAt: number; expiresAt: number }): number {
    return Number(this.insertRow.run(d).lastInsertRowid);
  }

  /** Returns the new 受付番号, or undefined when the draft was already used or expired. */
  complete(id: number, confirmedWith: 'transferPassword' | 'otp', now: number, datePart: string): string | undefined {
    return this.completeRow.get({ id, confirmedWith, now, datePart }) as string | undefined;
  }

  listForCompany(companyId: number, limit: number, offset: number): { rows: Transfer[]; total: number } {
    return {
      rows: this.pageForCompany.all(companyId, limit, offset) as Transfer[],
      total: this.countForCompany.get(companyId) as number,
    };
  }

  listForUser(userId: number, limit: number, offset: number): { rows: Transfer[]; total: number } {
    return {
      rows: this.pageForUser.all(userId, limit, offset) as Transfer[],
      total: this.countForUser.get(userId) as number,
    };
  }
}
