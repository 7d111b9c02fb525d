import Database from 'better-sqlite3';

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
 * Reads the large database after the servers stopped (a graceful stop lets
 * every request in flight finish): what the load left behind must be exactly
 * what it was told.
 */
export function checkLedger(file: string, since: number, claims: Claims): Ledger {
  const db = new Database(file, { readonly: true });
  const count = (sql: string, ...params: unknown[]): number => db.prepare(sql).pluck().get(...params) as number;
  const completed = db.prepare("SELECT status = 'completed' FROM transfers WHERE id = ?").pluck();
  const sessionGone = db.prepare('SELECT count(*) = 0 FROM sessions WHERE sid = ?').pluck();
  const countIf = (keys: string[], stmt: typeof completed): number => keys.filter((k) => stmt.get(k) === 1).length;
  try {
    const problems: string[] = [];
    const okCompleted = countIf(claims.confirmed, completed);
    if (okCompleted !== claims.confirmed.length) problems.push(`${claims.confirmed.length - okCompleted} drafts answered 303 are not completed`);
    const okLoggedIn = countIf(claims.loggedIn, sessionGone);
    if (okLoggedIn !== claims.loggedIn.length) problems.push(`${claims.loggedIn.length - okLoggedIn} logins answered 303 kept their pre-login session`);
    const ledger = {
      newCompleted: count("SELECT count(*) FROM transfers WHERE status = 'completed' AND completed_at >= ?", since),
      confirmSucceeded: claims.confirmed.length + countIf(claims.confirmCutOff, completed),
      confirmAudit: count("SELECT count(*) FROM audit_log WHERE event = 'transfer.confirm' AND outcome = 'success' AND occurred_at >= ?", since),
      loginSucceeded: claims.loggedIn.length + countIf(claims.loginCutOff, sessionGone),
      loginAudit: count("SELECT count(*) FROM audit_log WHERE event = 'login' AND outcome = 'success' AND occurred_at >= ?", since),
      failureAudit: count("SELECT count(*) FROM audit_log WHERE outcome = 'failure' AND occurred_at >= ?", since),
      // Every balance = opening − Σ(amount + fee) of its completed transfers: a fee debited without its
      // transfer, or a transfer without its fee, shows here (issue 15).
      badBalances: count(`SELECT count(*) FROM companies c WHERE c.balance != c.opening_balance -
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
    db.close();
  }
}
