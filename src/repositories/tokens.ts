import type { Db } from '../db/connection';
import type { Platform } from '../domain/token';

/** A token as anyone but the authority sees it: never the secret. */
export interface Token {
  id: number;
  credentialId: string;
  platform: Platform;
  status: 'active' | 'disabled';
  lastStep: number | null;
  /** The token's clock offset in time steps, recorded by 同期ズレ補正 (RFC 6238 §6); 0 until then. */
  drift: number;
  driftSetAt: number | null;
  /** 有効期限: the last JST day its codes are accepted (YYYY-MM-DD, src/domain/tokenExpiry.ts). */
  expiresOn: string;
  companyId: number | null;
  createdAt: number;
}

/** The sealed secret, for the token authority alone. */
export interface SealedToken extends Token {
  secretSealed: string;
  keyId: string;
}

const columns = `id, credential_id AS credentialId, platform, status, last_step AS lastStep, drift,
  drift_set_at AS driftSetAt, expires_on AS expiresOn, company_id AS companyId, created_at AS createdAt`;

export class TokensRepository {
  private readonly byCredentialId;
  private readonly insertRow;
  private readonly consumeRow;
  private readonly resyncRow;
  private readonly resetDriftRow;
  private readonly bindRow;
  private readonly page;
  private readonly count;
  private readonly allSealedRows;
  private readonly resealRow;

  constructor(db: Db) {
    this.byCredentialId = db.prepare(
      `SELECT ${columns}, secret_sealed AS secretSealed, key_id AS keyId FROM tokens WHERE credential_id = ?`,
    );
    this.insertRow = db.prepare(
      `INSERT INTO tokens (credential_id, platform, secret_sealed, key_id, created_at, expires_on)
       VALUES (@credentialId, @platform, @secretSealed, @keyId, @createdAt, @expiresOn)`,
    );
    // R2: checking and consuming a time step is this one statement. Of two
    // requests with the same code, only the first changes the row.
    this.consumeRow = db.prepare(
      `UPDATE tokens SET last_step = @step
       WHERE id = @id AND status = 'active' AND (last_step IS NULL OR last_step < @step)`,
    );
    // 同期ズレ補正 spends both of its consecutive steps (R2, R13): neither may have been accepted
    // before, and the later one becomes the replay mark, with the drift it proved.
    this.resyncRow = db.prepare(
      `UPDATE tokens SET last_step = @second, drift = @drift, drift_set_at = @now
       WHERE id = @id AND status = 'active' AND (last_step IS NULL OR last_step < @first)`,
    );
    this.resetDriftRow = db.prepare('UPDATE tokens SET drift = 0, drift_set_at = @now WHERE id = @id AND drift <> 0');
    // R5: the first registration binds the token to its company for good.
    this.bindRow = db.prepare(
      'UPDATE tokens SET company_id = @companyId WHERE id = @id AND (company_id IS NULL OR company_id = @companyId)',
    );
    this.page = db.prepare(`SELECT ${columns} FROM tokens ORDER BY id LIMIT ? OFFSET ?`);
    this.count = db.prepare('SELECT count(*) FROM tokens').pluck();
    this.allSealedRows = db.prepare('SELECT id, credential_id AS credentialId, secret_sealed AS secretSealed, key_id AS keyId, expires_on AS expiresOn FROM tokens ORDER BY id');
    this.resealRow = db.prepare('UPDATE tokens SET secret_sealed = ?, key_id = ? WHERE id = ?');
  }

  findSealed(credentialId: string): SealedToken | undefined {
    return this.byCredentialId.get(credentialId) as SealedToken | undefined;
  }

  find(credentialId: string): Token | undefined {
    const row = this.findSealed(credentialId);
    if (!row) return undefined;
    const { secretSealed: _s, keyId: _k, ...token } = row;
    return token;
  }

  insert(t: { credentialId: string; platform: Platform; secretSealed: string; keyId: string; createdAt: number; expiresOn: string }): number {
    return Number(this.insertRow.run(t).lastInsertRowid);
  }

  /** Spends a time step; false when it (or a later one) was already accepted (R2). */
  consumeStep(id: number, step: number): boolean {
    return this.consumeRow.run({ id, step }).changes === 1;
  }

  /** Spends the steps first and first + 1 and records the drift; false when either was already accepted (R2). */
  recordResync(id: number, first: number, drift: number, now: number): boolean {
    return this.resyncRow.run({ id, first, second: first + 1, drift, now }).changes === 1;
  }

  /** Back to the server's time (branch staff, issue 13); false when there was no drift to reset. */
  resetDrift(id: number, now: number): boolean {
    return this.resetDriftRow.run({ id, now }).changes === 1;
  }

  /** False when the token already belongs to another company (R5). */
  bindToCompany(id: number, companyId: number): boolean {
    return this.bindRow.run({ id, companyId }).changes === 1;
  }

  list(limit: number, offset: number): { rows: Token[]; total: number } {
    return { rows: this.page.all(limit, offset) as Token[], total: this.count.get() as number };
  }

  allSealed(): Pick<SealedToken, 'id' | 'credentialId' | 'secretSealed' | 'keyId' | 'expiresOn'>[] {
    return this.allSealedRows.all() as Pick<SealedToken, 'id' | 'credentialId' | 'secretSealed' | 'keyId' | 'expiresOn'>[];
  }

  reseal(id: number, secretSealed: string, keyId: string): void {
    this.resealRow.run(secretSealed, keyId, id);
  }
}
