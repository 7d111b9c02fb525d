import type { Storage } from '../storage/port';
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

const byCredentialId = `SELECT ${columns}, secret_sealed AS secretSealed, key_id AS keyId FROM tokens WHERE credential_id = ?`;
const insertRow = `INSERT INTO tokens (credential_id, platform, secret_sealed, key_id, created_at, expires_on)
  VALUES (@credentialId, @platform, @secretSealed, @keyId, @createdAt, @expiresOn) RETURNING id`;
// R2: checking and consuming a time step is this one statement. Of two
// requests with the same code, only the first changes the row.
const consumeRow = `UPDATE tokens SET last_step = @step
  WHERE id = @id AND status = 'active' AND (last_step IS NULL OR last_step < @step)`;
// 同期ズレ補正 spends both of its consecutive steps (R2, R13): neither may have been accepted
// before, and the later one becomes the replay mark, with the drift it proved.
const resyncRow = `UPDATE tokens SET last_step = @second, drift = @drift, drift_set_at = @now
  WHERE id = @id AND status = 'active' AND (last_step IS NULL OR last_step < @first)`;
const resetDriftRow = 'UPDATE tokens SET drift = 0, drift_set_at = @now WHERE id = @id AND drift <> 0';
// R5: the first registration binds the token to its company for good.
const bindRow = 'UPDATE tokens SET company_id = @companyId WHERE id = @id AND (company_id IS NULL OR company_id = @companyId)';
const page = `SELECT ${columns} FROM tokens ORDER BY id LIMIT ? OFFSET ?`;
const count = 'SELECT count(*) AS n FROM tokens';
const allSealedRows = 'SELECT id, credential_id AS credentialId, secret_sealed AS secretSealed, key_id AS keyId, expires_on AS expiresOn FROM tokens ORDER BY id';
const resealRow = 'UPDATE tokens SET secret_sealed = ?, key_id = ? WHERE id = ?';

type SealedRow = Pick<SealedToken, 'id' | 'credentialId' | 'secretSealed' | 'keyId' | 'expiresOn'>;

export class TokensRepository {
  constructor(private readonly db: Storage) {}

  async findSealed(credentialId: string): Promise<SealedToken | undefined> {
    return await this.db.get<SealedToken>(byCredentialId, [credentialId]);
  }

  async find(credentialId: string): Promise<Token | undefined> {
    const row = await this.findSealed(credentialId);
    if (!row) return undefined;
    const { secretSealed: _s, keyId: _k, ...token } = row;
    return token;
  }

  async insert(t: { credentialId: string; platform: Platform; secretSealed: string; keyId: string; createdAt: number; expiresOn: string }): Promise<number> {
    return (await this.db.get<{ id: number }>(insertRow, t))!.id;
  }

  /** Spends a time step; false when it (or a later one) was already accepted (R2). */
  async consumeStep(id: number, step: number): Promise<boolean> {
    return (await this.db.run(consumeRow, { id, step })).changes === 1;
  }

  /** Spends the steps first and first + 1 and records the drift; false when either was already accepted (R2). */
  async recordResync(id: number, first: number, drift: number, now: number): Promise<boolean> {
    return (await this.db.run(resyncRow, { id, first, second: first + 1, drift, now })).changes === 1;
  }

  /** Back to the server's time (branch staff, issue 13); false when there was no drift to reset. */
  async resetDrift(id: number, now: number): Promise<boolean> {
    return (await this.db.run(resetDriftRow, { id, now })).changes === 1;
  }

  /** False when the token already belongs to another company (R5). */
  async bindToCompany(id: number, companyId: number): Promise<boolean> {
    return (await this.db.run(bindRow, { id, companyId })).changes === 1;
  }

  async list(limit: number, offset: number): Promise<{ rows: Token[]; total: number }> {
    const rows = await this.db.all<Token>(page, [limit, offset]);
    return { rows, total: (await this.db.get<{ n: number }>(count))!.n };
  }

  async allSealed(): Promise<SealedRow[]> {
    return await this.db.all<SealedRow>(allSealedRows);
  }

  async reseal(id: number, secretSealed: string, keyId: string): Promise<void> {
    await this.db.run(resealRow, [secretSealed, keyId, id]);
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { byCredentialId, insertRow, consumeRow, resyncRow, resetDriftRow, bindRow, page, count, allSealedRows, resealRow };
