import type { Params, Storage } from '../storage/port';

import type { UsageMode } from '../domain/otpSlot';

export type { UsageMode } from '../domain/otpSlot';

export interface OtpState {
  usageMode: UsageMode | null;
  /** Set by the first registration of the administrator's or the shared token; never cleared (R7). */
  otpStartedAt: number | null;
}

/** A registered token: userId null means the company's shared token (B). */
export interface Registration {
  id: number;
  companyId: number;
  userId: number | null;
  tokenId: number;
  credentialId: string;
  /** The token's 有効期限 and recorded drift (issue 13), read with it for the screens. */
  expiresOn: string;
  drift: number;
  registeredAt: number;
  registeredBy: string;
}

export interface PaperRequest {
  companyId: number;
  requestNumber: string;
  credentialId: string;
  staffId: string;
  recordedAt: number;
}

const columns = `r.id, r.company_id AS companyId, r.user_id AS userId, r.token_id AS tokenId,
  t.credential_id AS credentialId, t.expires_on AS expiresOn, t.drift, r.registered_at AS registeredAt, r.registered_by AS registeredBy`;

const stateRow = 'SELECT usage_mode AS usageMode, otp_started_at AS otpStartedAt FROM companies WHERE id = ?';
// R5: the mode is chosen before the first registration; while any token is
// registered it cannot change (the check is part of the update).
const setModeRow = `UPDATE companies SET usage_mode = @mode
  WHERE id = @companyId AND NOT EXISTS (SELECT 1 FROM token_registrations WHERE company_id = @companyId)`;
const startRow = 'UPDATE companies SET otp_started_at = COALESCE(otp_started_at, ?) WHERE id = ?';
const byCompany = `SELECT ${columns} FROM token_registrations r JOIN tokens t ON t.id = r.token_id WHERE r.company_id = ? ORDER BY r.id`;
const byUser = `SELECT ${columns} FROM token_registrations r JOIN tokens t ON t.id = r.token_id
  WHERE r.company_id = @companyId AND (CASE WHEN @shared = 1 THEN r.user_id IS NULL ELSE r.user_id = @userId END)`;
// byUser with the company's 利用形態 read in the same statement: the menu's one read of the user's token.
const servingRow = `SELECT ${columns} FROM companies c JOIN token_registrations r ON r.company_id = c.id JOIN tokens t ON t.id = r.token_id
  WHERE c.id = @companyId AND c.usage_mode IS NOT NULL
    AND (CASE WHEN c.usage_mode = 'shared' THEN r.user_id IS NULL ELSE r.user_id = @userId END)`;
const insertRow = `INSERT INTO token_registrations (company_id, user_id, token_id, registered_at, registered_by)
  VALUES (@companyId, @userId, @tokenId, @registeredAt, @registeredBy)`;
const deleteRow = 'DELETE FROM token_registrations WHERE id = ?';
// トークン切替 (issue 13): the slot keeps its row and moves to the new token, only if it still holds the old one.
const replaceRow = `UPDATE token_registrations SET token_id = @newTokenId, registered_at = @at, registered_by = @by
  WHERE id = @id AND token_id = @oldTokenId`;
const paperRow = `INSERT INTO paper_requests (company_id, request_number, seal_verified, credential_id, staff_id, recorded_at)
  VALUES (@companyId, @requestNumber, 1, @credentialId, @staffId, @recordedAt)`;
const papersByCompany = `SELECT company_id AS companyId, request_number AS requestNumber, credential_id AS credentialId,
    staff_id AS staffId, recorded_at AS recordedAt FROM paper_requests WHERE company_id = ? ORDER BY id DESC`;

export class RegistrationsRepository {
  constructor(private readonly db: Storage) {}

  async state(companyId: number): Promise<OtpState> {
    return (await this.db.get<OtpState>(stateRow, [companyId])) ?? { usageMode: null, otpStartedAt: null };
  }

  /** False when a token is already registered in the company, so the mode is fixed. */
  async setUsageMode(companyId: number, mode: UsageMode): Promise<boolean> {
    return (await this.db.run(setModeRow, { companyId, mode })).changes === 1;
  }

  async markOtpStarted(companyId: number, at: number): Promise<void> {
    await this.db.run(startRow, [at, companyId]);
  }

  async listForCompany(companyId: number): Promise<Registration[]> {
    return await this.db.all<Registration>(byCompany, [companyId]);
  }

  /** The token that confirms this user's transfers: the user's own (A) or the company's shared one (B). */
  async forUser(companyId: number, userId: number, mode: UsageMode | null): Promise<Registration | undefined> {
    return await this.db.get<Registration>(byUser, { companyId, userId, shared: mode === 'shared' ? 1 : 0 });
  }

  /** forUser under the company's current 利用形態, in one statement; undefined before a mode is chosen. */
  async serving(companyId: number, userId: number): Promise<Registration | undefined> {
    return await this.db.get<Registration>(servingRow, { companyId, userId });
  }

  /** Throws a UNIQUE error when the token, the user or the shared slot is already taken (callers check first). */
  async insert(r: { companyId: number; userId: number | null; tokenId: number; registeredAt: number; registeredBy: string }): Promise<void> {
    await this.db.run(insertRow, r);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db.run(deleteRow, [id])).changes === 1;
  }

  /** Moves a registration from one token to another; false when it no longer holds the old one. */
  async replaceToken(r: { id: number; oldTokenId: number; newTokenId: number; at: number; by: string }): Promise<boolean> {
    return (await this.db.run(replaceRow, r)).changes === 1;
  }

  async listPaperRequests(companyId: number): Promise<PaperRequest[]> {
    return await this.db.all<PaperRequest>(papersByCompany, [companyId]);
  }

  /** Throws a UNIQUE error when the company already recorded this request number. */
  async insertPaperRequest(p: PaperRequest): Promise<void> {
    await this.db.run(paperRow, p as unknown as Params);
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { stateRow, setModeRow, startRow, byCompany, byUser, servingRow, insertRow, deleteRow, replaceRow, paperRow, papersByCompany };
