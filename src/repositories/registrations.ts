import type { Db } from '../db/connection';

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

export class RegistrationsRepository {
  private readonly stateRow;
  private readonly setModeRow;
  private readonly startRow;
  private readonly byCompany;
  private readonly byUser;
  private readonly insertRow;
  private readonly deleteRow;
  private readonly replaceRow;
  private readonly paperRow;
  private readonly papersByCompany;

  constructor(db: Db) {
    this.stateRow = db.prepare('SELECT usage_mode AS usageMode, otp_started_at AS otpStartedAt FROM companies WHERE id = ?');
    // R5: the mode is chosen before the first registration; while any token is
    // registered it cannot change (the check is part of the update).
    this.setModeRow = db.prepare(
      `UPDATE companies SET usage_mode = @mode
       WHERE id = @companyId AND NOT EXISTS (SELECT 1 FROM token_registrations WHERE company_id = @companyId)`,
    );
    this.startRow = db.prepare('UPDATE companies SET otp_started_at = COALESCE(otp_started_at, ?) WHERE id = ?');
    this.byCompany = db.prepare(
      `SELECT ${columns} FROM token_registrations r JOIN tokens t ON t.id = r.token_id WHERE r.company_id = ? ORDER BY r.id`,
    );
    this.byUser = db.prepare(
      `SELECT ${columns} FROM token_registrations r JOIN tokens t ON t.id = r.token_id
       WHERE r.company_id = @companyId AND (CASE WHEN @shared = 1 THEN r.user_id IS NULL ELSE r.user_id = @userId END)`,
    );
    this.insertRow = db.prepare(
      `INSERT INTO token_registrations (company_id, user_id, token_id, registered_at, registered_by)
       VALUES (@companyId, @userId, @tokenId, @registeredAt, @registeredBy)`,
    );
    this.deleteRow = db.prepare('DELETE FROM token_registrations WHERE id = ?');
    // トークン切替 (issue 13): the slot keeps its row and moves to the new token, only if it still holds the old one.
    this.replaceRow = db.prepare(
      `UPDATE token_registrations SET token_id = @newTokenId, registered_at = @at, registered_by = @by
       WHERE id = @id AND token_id = @oldTokenId`,
    );
    this.paperRow = db.prepare(
      `INSERT INTO paper_requests (company_id, request_number, seal_verified, credential_id, staff_id, recorded_at)
       VALUES (@companyId, @requestNumber, 1, @credentialId, @staffId, @recordedAt)`,
    );
    this.papersByCompany = db.prepare(
      `SELECT company_id AS companyId, request_number AS requestNumber, credential_id AS credentialId,
         staff_id AS staffId, recorded_at AS recordedAt FROM paper_requests WHERE company_id = ? ORDER BY id DESC`,
    );
  }

  state(companyId: number): OtpState {
    return (this.stateRow.get(companyId) as OtpState | undefined) ?? { usageMode: null, otpStartedAt: null };
  }

  /** False when a token is already registered in the company, so the mode is fixed. */
  setUsageMode(companyId: number, mode: UsageMode): boolean {
    return this.setModeRow.run({ companyId, mode }).changes === 1;
  }

  markOtpStarted(companyId: number, at: number): void {
    this.startRow.run(at, companyId);
  }

  listForCompany(companyId: number): Registration[] {
    return this.byCompany.all(companyId) as Registration[];
  }

  /** The token that confirms this user's transfers: the user's own (A) or the company's shared one (B). */
  forUser(companyId: number, userId: number, mode: UsageMode | null): Registration | undefined {
    return this.byUser.get({ companyId, userId, shared: mode === 'shared' ? 1 : 0 }) as Registration | undefined;
  }

  /** Throws a SQLite UNIQUE error when the token, the user or the shared slot is already taken (callers check first). */
  insert(r: { companyId: number; userId: number | null; tokenId: number; registeredAt: number; registeredBy: string }): void {
    this.insertRow.run(r);
  }

  delete(id: number): boolean {
    return this.deleteRow.run(id).changes === 1;
  }

  /** Moves a registration from one token to another; false when it no longer holds the old one. */
  replaceToken(r: { id: number; oldTokenId: number; newTokenId: number; at: number; by: string }): boolean {
    return this.replaceRow.run(r).changes === 1;
  }

  listPaperRequests(companyId: number): PaperRequest[] {
    return this.papersByCompany.all(companyId) as PaperRequest[];
  }

  /** Throws a SQLite UNIQUE error when the company already recorded this request number. */
  insertPaperRequest(p: PaperRequest): void {
    this.paperRow.run(p);
  }
}
