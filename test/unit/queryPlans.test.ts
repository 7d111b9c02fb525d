import type { Db } from '../../src/db/connection';
import * as audit from '../../src/repositories/audit';
import * as companies from '../../src/repositories/companies';
import * as credentialLocks from '../../src/repositories/credentialLocks';
import * as emails from '../../src/repositories/emails';
import * as limits from '../../src/repositories/limits';
import * as loginHistory from '../../src/repositories/loginHistory';
import * as mailbox from '../../src/repositories/mailbox';
import * as outbox from '../../src/repositories/outbox';
import * as rateLimits from '../../src/repositories/rateLimits';
import * as registrations from '../../src/repositories/registrations';
import * as sessions from '../../src/repositories/sessions';
import * as staff from '../../src/repositories/staff';
import * as tokens from '../../src/repositories/tokens';
import * as transfers from '../../src/repositories/transfers';
import * as users from '../../src/repositories/users';
import { createTestContext, type TestContext } from '../helpers/app';

/**
 * Issue 5: a statement that reads a whole table costs nothing in a test
 * database and grows with the bank in production (token_registrations without
 * its company index was 10% of a confirmation with 40,000 tokens). This guard
 * asks SQLite for the plan of every statement the repositories hold and fails
 * on any full scan that is not listed below with its reason. The SQL is read
 * from each repository module's `statements` and from the SQL text its
 * instance holds (the statements built for the storage's dialect), so a new
 * statement is checked without touching this file.
 */

interface Deliberate {
  /** The plan line that is accepted, and only that one. */
  plan: RegExp;
  /** The scan stops after its page: LIMIT in the SQL and rows read in index order (no temporary sort). */
  stopsEarly?: true;
  why: string;
}

/** Keys are `<owner>.<property>` as collected below. Keep this list short; every entry says why. */
const deliberateScans: Record<string, Deliberate> = {
  // A parent row's INSERT … RETURNING lists SQLite's foreign-key subprogram that looks for child rows,
  // which runs only while a deferred foreign-key violation is outstanding (never, in this schema).
  // mail_outbox's company_id and user_id have only partial indexes (migration 0011); neither parent is ever deleted.
  'companies.insertRow': { plan: /^SCAN (tokens|mail_outbox)$/, why: 'foreign-key subprogram of a parent insert, not run' },
  'users.insertRow': { plan: /^SCAN mail_outbox$/, why: 'foreign-key subprogram of a parent insert, not run' },
  'outbox.insertRow': { plan: /^SCAN mail_mailbox$/, why: 'foreign-key subprogram of a parent insert, not run' },
  // Demo seeding only (src/demo/seed.ts): LIMIT 1 ends at the first row.
  'companies.anyRow': { plan: /^SCAN companies\b/, stopsEarly: true, why: 'is the register empty? one row' },
  // SQLite labels a MAX() it could not answer from the index end as SEARCH, but
  // through CAST it reads every account number. Contract opening (a branch
  // action, not a customer request): O(companies), accepted.
  'companies.nextAccount': { plan: /^SEARCH companies USING COVERING INDEX \w+$/, why: 'next account number at contract opening' },
  // Staff company search (顧客検索): a substring LIKE cannot use an index; staff
  // console only, O(companies + users) per search.
  'companies.searchPage': { plan: /^SCAN (companies|users)$/, why: 'substring search of the staff console' },
  'companies.searchCount': { plan: /^SCAN (companies|users)$/, why: 'its total for the pager' },
  // Ends a user's sessions after an administrator resets the password: a rare
  // administrative action, and the user id lives only inside the session JSON.
  'sessions.deleteForUserRows': { plan: /^SCAN sessions$/, why: 'password reset by the administrator' },
  // CLI `token list` pages through the whole register in id order, and its total.
  'tokens.page': { plan: /^SCAN tokens$/, stopsEarly: true, why: 'CLI token list, ORDER BY id LIMIT' },
  'tokens.count': { plan: /^SCAN tokens\b/, why: 'CLI token list total' },
  // Key rotation (CLI) and the demo soft-token view read every token by design.
  'tokens.allSealedRows': { plan: /^SCAN tokens$/, why: 'rotateKey and the demo token view' },
  // Ended rate-limit windows, deleted once a window: the table holds only the keys of about the last window,
  // and an index on reset_at cost every hit a moved entry (migration 0012).
  'rateLimits.pruneRows': { plan: /^SCAN rate_limits$/, why: 'pruning ended windows, once a window' },
  'mailbox.listRows': { plan: /^SCAN mail_mailbox$/, stopsEarly: true, why: 'the demo mailbox, newest first (ORDER BY id DESC LIMIT)' },
  'mailbox.countRows': { plan: /^SCAN mail_mailbox\b/, why: 'the demo mailbox total for the pager' },
};

/**
 * A plan line that reads a whole table or index: `SCAN t …`, or a SEARCH
 * without a key constraint — SQLite prints that for a MIN/MAX it meant to read
 * from the index end even when it falls back to reading every row.
 */
const isScan = (detail: string): boolean =>
  /^SCAN (?!CONSTANT ROW)\w+/.test(detail) || /^SEARCH \w+( USING (COVERING )?INDEX \w+| USING INTEGER PRIMARY KEY)?$/.test(detail);

/** The repository modules by their key in deps.repos. */
const modules: Record<string, { statements: Record<string, string> }> = {
  audit, companies, locks: credentialLocks, staffLocks: credentialLocks, emails, limits, loginHistory, mailbox, outbox,
  rateLimits, registrations, sessions, staff, tokens, transfers, users,
};

const isSql = (value: unknown): value is string => typeof value === 'string' && /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(value);

/** Every SQL text of the given repositories, keyed `<owner>.<name>`: their module's statements and the SQL their instances hold. */
function heldStatements(owners: Record<string, object>): Map<string, string> {
  const found = new Map<string, string>();
  for (const [owner, instance] of Object.entries(owners)) {
    for (const [name, sql] of Object.entries(modules[owner]?.statements ?? {})) found.set(`${owner}.${name}`, sql);
    for (const [property, value] of Object.entries(instance)) {
      if (isSql(value)) found.set(`${owner}.${property}`, value);
      else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
        for (const [inner, sql] of Object.entries(value as Record<string, unknown>)) if (isSql(sql)) found.set(`${owner}.${inner}`, sql);
      }
    }
  }
  return found;
}

/** The plan lines of a statement, with a dummy value for each `?` and each named parameter. */
function planOf(db: Db, source: string): string[] {
  const bare = source.replace(/'(?:[^']|'')*'/g, "''").replace(/--[^\n]*/g, '');
  const args: unknown[] = Array<number>((bare.match(/\?/g) ?? []).length).fill(0);
  const names = new Set([...bare.matchAll(/[@:$](\w+)/g)].map((m) => m[1]!));
  if (names.size > 0) args.push(Object.fromEntries([...names].map((n) => [n, 0])));
  return (db.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...args) as { detail: string }[]).map((row) => row.detail);
}

function guard(ctx: TestContext) {
  const owners: Record<string, object> = { ...ctx.deps.repos };
  const statements = heldStatements(owners);
  const plans = new Map([...statements].map(([key, sql]) => [key, planOf(ctx.db, sql)]));
  const scans = [...plans].flatMap(([key, lines]) => lines.filter(isScan).map((line) => ({ key, line })));
  const unexpected = scans
    .filter(({ key, line }) => !deliberateScans[key]?.plan.test(line))
    .map(({ key, line }) => `${key}: ${line}\n  ${statements.get(key)!.replace(/\s+/g, ' ').trim()}`);
  return { owners, statements, plans, scans, unexpected };
}

describe('query plans (issue 5): repository statements search indexes', () => {
  test('when a repository statement reads a table, then it searches an index (apart from the listed deliberate scans)', async () => {
    const ctx = await createTestContext();

    const { owners, statements, unexpected } = guard(ctx);

    // The guard sees every repository, not an empty set.
    for (const owner of Object.keys(owners)) expect([...statements.keys()].some((k) => k.startsWith(`${owner}.`))).toBe(true);
    expect(unexpected).toEqual([]);
  });

  test('when a scan is listed as deliberate, then it still scans and, where it pages, stops after the page', async () => {
    const ctx = await createTestContext();

    const { statements, plans, scans } = guard(ctx);

    for (const [key, { plan, stopsEarly }] of Object.entries(deliberateScans)) {
      // A listed statement that went away or now uses an index leaves the list.
      expect({ key, listedScanSeen: scans.some((s) => s.key === key && plan.test(s.line)) }).toEqual({ key, listedScanSeen: true });
      if (stopsEarly) {
        expect({ key, limit: /\bLIMIT\b/i.test(statements.get(key)!) }).toEqual({ key, limit: true });
        expect({ key, sorts: plans.get(key)!.filter((l) => l.includes('TEMP B-TREE')) }).toEqual({ key, sorts: [] });
      }
    }
  });

  test('when the token-registration index is missing, then the guard names the statements that need it', async () => {
    const ctx = await createTestContext();
    ctx.db.exec('DROP INDEX token_registrations_company');

    const { unexpected } = guard(ctx);

    // The confirmation's lookup of the user's token, the administrator's OTP screen and the 利用形態 change.
    const named = unexpected.map((u) => u.split('\n')[0]);
    expect(named).toEqual(expect.arrayContaining([
      'registrations.byUser: SCAN r',
      'registrations.byCompany: SCAN r',
      'registrations.setModeRow: SCAN token_registrations',
    ]));
  });
});
