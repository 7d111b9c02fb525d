import Database from 'better-sqlite3';
import { Client } from 'pg';

/** What the load says it did: keys of the shots answered as expected, and of those cut off unanswered. */
export interface Claims {
  confirmed: string[];
  confirmCutOff: string[];
  loggedIn: string[];
  loginCutOff: string[];
}

export interface Ledger {
  newCompleted: number;
  /** Confirmations that succeeded: answered 303, plus those cut off unanswered that the server carried out. */
  confirmSucceeded: number;
  confirmAudit: number;
  loginSucceeded: number;
  loginAudit: number;
  failureAudit: number;
  /** Companies whose balance is not their opening balance minus their completed transfers' amounts and fees. */
  badBalances: number;
  problems: string[];
}

/**
 * The few reads the check needs, on either engine: the same SQL text (`?`
 * placeholders, numbered for PostgreSQL), a count as a number, and which of
 * a list of keys a query finds.
 */
interface LedgerReader {
  count(sql: string, ...params: unknown[]): Promise<number>;
  /** The keys among `keys` that `sql` (one `= ?`: a key; PostgreSQL's type of that column) finds a row for. */
  found(sql: string, keys: string[], pgType: 'bigint' | 'text'): Promise<Set<string>>;
  close(): Promise<void>;
}

function sqliteReader(file: string): LedgerReader {
  const db = new Database(file, { readonly: true });
  return {
    count: async (sql, ...params) => Number(db.prepare(sql).pluck().get(...params)),
    found: async (sql, keys) => {
      const stmt = db.prepare(sql).pluck();
      return new Set(keys.filter((k) => stmt.get(k) !== undefined));
    },
    close: async () => {
      db.close();
    },
  };
}

async function postgresReader(url: string): Promise<LedgerReader> {
  const client = new Client({ connectionString: url, application_name: 'webfb-bench-verify' });
  await client.connect();
  const numbered = (sql: string): string => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${(n += 1)}`);
  };
  return {
    count: async (sql, ...params) => Number((await client.query({ text: numbered(sql), values: params, rowMode: 'array' })).rows[0]![0]),
    // One round trip per 10,000 keys instead of one per key: `= ?` becomes `= ANY(?::<type>[])`.
    found: async (sql, keys, pgType) => {
      const text = numbered(sql.replace(/= \?/, `= ANY(?::${pgType}[])`));
      const hits = new Set<string>();
      for (let i = 0; i < keys.length; i += 10_000) {
        const rows = (await client.query({ text, values: [keys.slice(i, i + 10_000)], rowMode: 'array' })).rows;
        for (const [key] of rows) hits.add(String(key));
      }
      return hits;
    },
    close: () => client.end(),
  };
}

/** Where the large database is: its SQLite file, or its PostgreSQL URL. */
export type LedgerSource = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

/**
 * Reads the large database after the servers stopped (a graceful stop lets
 * every request in flight finish): what the load left behind must be exactly
 * what it was told.
 */
export async function checkLedger(source: LedgerSource, since: number, claims: Claims): Promise<Ledger> {
  const db = source.engine === 'sqlite' ? sqliteReader(source.file) : await postgresReader(source.url);
  const count = db.count;
  // A key counts once per claim, as before: a draft claimed twice is counted twice.
  const countIf = async (keys: string[], sql: string, pgType: 'bigint' | 'text', present: boolean): Promise<number> => {
    const hits = await db.found(sql, keys, pgType);
    return keys.filter((k) => hits.has(k) === present).length;
  };
  const completedSql = "SELECT id FROM transfers WHERE id = ? AND status = 'completed'";
  const sessionSql = 'SELECT sid FROM sessions WHERE sid = ?';
  const completed = (keys: string[]): Promise<number> => countIf(keys, completedSql, 'bigint', true);
  const sessionGone = (keys: string[]): Promise<number> => countIf(keys, sessionSql, 'text', false);
  try {
    const problems: string[] = [];
    const okCompleted = await completed(claims.confirmed);
    if (okCompleted !== claims.confirmed.length) problems.push(`${claims.confirmed.length - okCompleted} drafts answered 303 are not completed`);
    const okLoggedIn = await sessionGone(claims.loggedIn);
    if (okLoggedIn !== claims.loggedIn.length) problems.push(`${claims.loggedIn.length - okLoggedIn} logins answered 303 kept their pre-login session`);
    const ledger = {
      newCompleted: await count("SELECT count(*) FROM transfers WHERE status = 'completed' AND completed_at >= ?", since),
      confirmSucceeded: claims.confirmed.length + (await completed(claims.confirmCutOff)),
      confirmAudit: await count("SELECT count(*) FROM audit_log WHERE event = 'transfer.confirm' AND outcome = 'success' AND occurred_at >= ?", since),
      loginSucceeded: claims.loggedIn.length + (await sessionGone(claims.loginCutOff)),
      loginAudit: await count("SELECT count(*) FROM audit_log WHERE event = 'login' AND outcome = 'success' AND occurred_at >= ?", since),
      failureAudit: await count("SELECT count(*) FROM audit_log WHERE outcome = 'failure' AND occurred_at >= ?", since),
      // Every balance = opening − Σ(amount + fee) of its completed transfers: a fee debited without its
      // transfer, or a transfer without its fee, shows here (issue 15).
      badBalances: await count(`SELECT count(*) FROM companies c WHERE c.balance != c.opening_balance -
        (SELECT coalesce(sum(t.amount + t.fee), 0) FROM transfers t WHERE t.company_id = c.id AND t.status = 'completed')`),
      problems,
    };
    if (ledger.newCompleted !== ledger.confirmSucceeded) problems.push(`${ledger.newCompleted} new completed transfers, ${ledger.confirmSucceeded} confirmations succeeded`);
    if (ledger.confirmAudit !== ledger.confirmSucceeded) problems.push(`${ledger.confirmAudit} confirmation audit rows, ${ledger.confirmSucceeded} confirmations`);
    if (ledger.loginAudit !== ledger.loginSucceeded) problems.push(`${ledger.loginAudit} login audit rows, ${ledger.loginSucceeded} logins`);
    if (ledger.failureAudit !== 0) problems.push(`${ledger.failureAudit} failure audit rows during the run`);
    if (ledger.badBalances !== 0) problems.push(`${ledger.badBalances} companies whose balance is not opening minus transfers and fees`);
    return ledger;
  } finally {
    await db.close();
  }
}
