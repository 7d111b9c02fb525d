import Database from 'better-sqlite3';
import bcrypt from 'bcrypt';
import crypto from 'node:crypto';
import { loadConfig } from '../src/config';
import { transferFee } from '../src/domain/fees';
import { statements as loginHistorySql } from '../src/repositories/loginHistory';
import { SecretBox } from '../src/services/encryption';
import { signedCookie } from './session';

/**
 * Seeds a migrated database the way a year of a busy bank looks: every
 * company in 利用形態 A with OTP started, one token per user, a history of
 * completed transfers and audit rows, and — for the load — sessions as the
 * session store keeps them, drafts waiting for 確定 and pre-login sessions
 * carrying a CSRF token. Logging in tens of thousands of users through
 * bcrypt would take hours, so sessions are written directly; the login
 * scenario measures logins themselves.
 */
export interface SeedSize {
  companies: number;
  usersPerCompany: number;
  completedPerCompany: number;
  auditPerCompany: number;
  draftsPerUser: number;
  preLoginSessions: number;
}

export interface Secrets {
  secretKey: string;
  sessionSecret: string;
  password: string;
  bcryptCost: number;
  /** One bcrypt hash of `password` at `bcryptCost`, reused by every user. */
  passwordHash: string;
}

/** A signed-in user the load can act as. */
export interface SignedIn {
  sid: string;
  userId: number;
  companyId: number;
  cookie: string;
  csrf: string;
}

export interface ConfirmSlot extends SignedIn {
  secret: Uint8Array;
  drafts: number[];
}

export interface Fixture {
  /** The company whose pages the growth scenario reads; no load touches it. */
  measured: SignedIn;
  menu: SignedIn[];
  confirm: ConfirmSlot[];
  preLogin: Array<{ sid: string; cookie: string; csrf: string }>;
  loginIds: string[];
  counts: { companies: number; users: number; tokens: number; transfers: number; audit: number };
}

export const OPENING_BALANCE = 1_000_000_000;
const DAY_MS = 86_400_000;

export function makeSecrets(bcryptCost: number): Secrets {
  const password = 'Bench-Pass-1';
  return {
    secretKey: crypto.randomBytes(32).toString('base64url'),
    sessionSecret: crypto.randomBytes(32).toString('base64url'),
    password,
    bcryptCost,
    passwordHash: bcrypt.hashSync(password, bcryptCost),
  };
}

function statements(db: Database.Database) {
  return {
    company: db.prepare(`INSERT INTO companies (id, name, account_number, balance, opening_balance, created_at, usage_mode, otp_started_at)
      VALUES (?, ?, ?, ?, ?, ?, 'individual', ?)`),
    balance: db.prepare('UPDATE companies SET balance = opening_balance - ? WHERE id = ?'),
    // Every user has a notice address, as a bank's customers would: each confirmation writes its two notices.
    user: db.prepare(`INSERT INTO users (id, company_id, login_id, name, role, password_hash, transfer_password_hash,
      approval_password_hash, can_transfer, created_at, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`),
    // 有効期限 (issue 13): three years on, like `token provision` without --expires.
    token: db.prepare(`INSERT INTO tokens (id, credential_id, platform, secret_sealed, key_id, company_id, created_at, expires_on)
      VALUES (?, ?, 'mobile', ?, ?, ?, ?, date(? / 1000, 'unixepoch', '+9 hours', '+3 years'))`),
    registration: db.prepare(`INSERT INTO token_registrations (company_id, user_id, token_id, registered_at, registered_by)
      VALUES (?, ?, ?, ?, ?)`),
    // Another bank's branch (三菱ＵＦＪ 新宿), so every transfer carries a fee that the ledger check must count.
    transfer: db.prepare(`INSERT INTO transfers (company_id, user_id, bank_code, branch_code, account_type, account_number,
      payee_name, amount, bank_name, branch_name, fee, status, receipt_number, confirmed_with, created_at, expires_at, completed_at)
      VALUES (@companyId, @userId, '0005', '341', 'ordinary', @account, @payee, @amount, '三菱ＵＦＪ', '新宿', @fee, @status,
        @receipt, @with, @createdAt, @expiresAt, @completedAt)`),
    audit: db.prepare(`INSERT INTO audit_log (occurred_at, company_id, actor_type, actor, event, subject, client_ip, outcome, detail)
      VALUES (?, ?, 'user', ?, ?, ?, '192.0.2.10', 'success', ?)`),
    session: db.prepare(`INSERT INTO sessions (sid, realm, data, expires_at) VALUES (?, 'customer', ?, ?)`),
    // 前回ログイン日時, kept in the session at login (src/services/customerAuth.ts), read as the service reads it.
    previousLogin: db.prepare<[number, string, number], { occurredAt: number }>(loginHistorySql.previousSuccess),
  };
}

/** The secret of a user's token, derived so that the load generator never needs the database. */
const tokenSecret = (seed: Buffer, userId: number): Uint8Array =>
  new Uint8Array(crypto.createHmac('sha256', seed).update(`token:${userId}`).digest().subarray(0, 20));

const loginId = (companyId: number, n: number): string => `c${companyId}u${n}`;

/** The default fee table's fee to another bank (config FEE_OTHER_BANK), as the service computes it at draft time. */
const feeOf = (amount: number): number => transferFee(loadConfig({ NODE_ENV: 'test' }).transferFees, { bankCode: '0005', branchCode: '341', amount });

export function seedDatabase(file: string, size: SeedSize, secrets: Secrets, now: number): Fixture {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // setup only; the server reopens it with synchronous=FULL
  const st = statements(db);
  const box = new SecretBox(secrets.secretKey);
  const seed = crypto.randomBytes(32);
  const keepMs = 30 * 60_000;
  const session = (data: Record<string, unknown>): { sid: string; cookie: string; csrf: string } => {
    const sid = crypto.randomBytes(24).toString('base64url');
    const csrf = crypto.randomBytes(32).toString('hex');
    const cookie = { originalMaxAge: keepMs, expires: new Date(now + keepMs).toISOString(), httpOnly: true, secure: true, path: '/', sameSite: 'lax' };
    st.session.run(sid, JSON.stringify({ cookie, ...data, csrfToken: csrf }), now + keepMs);
    return { sid, cookie: `__Host-webfb.sid=${signedCookie(sid, secrets.sessionSecret)}`, csrf };
  };
  const signIn = (userId: number, companyId: number, login: string): SignedIn => ({
    userId,
    companyId,
    ...session({ userId, companyId, loginAt: now, lastSeenAt: now, previousLoginAt: st.previousLogin.get(companyId, login, now)?.occurredAt ?? null }),
  });

  const fixture: Fixture = {
    measured: undefined as unknown as SignedIn,
    menu: [],
    confirm: [],
    preLogin: [],
    loginIds: [],
    counts: { companies: 0, users: 0, tokens: 0, transfers: 0, audit: 0 },
  };
  let userId = 0;
  let transferCount = 0;
  let auditCount = 0;
  db.transaction(() => {
    for (let c = 1; c <= size.companies; c += 1) {
      const since = now - 365 * DAY_MS;
      st.company.run(c, `ベンチ商事${c}株式会社`, String(1_000_000 + c).padStart(7, '0'), OPENING_BALANCE, OPENING_BALANCE, since, since);
      const users: number[] = [];
      for (let n = 0; n < size.usersPerCompany; n += 1) {
        userId += 1;
        const admin = n === 0;
        st.user.run(userId, c, loginId(c, n), `利用者${n}`, admin ? 'admin' : 'user', secrets.passwordHash,
          secrets.passwordHash, admin ? secrets.passwordHash : null, since, `user${userId}@bench.example.jp`);
        const credentialId = `SYMC${String(userId).padStart(8, '0')}`;
        st.token.run(userId, credentialId, box.seal(tokenSecret(seed, userId), credentialId), box.keyId, c, since, since);
        st.registration.run(c, userId, userId, since, loginId(c, 0));
        users.push(userId);
      }
      let debited = 0;
      for (let k = 0; k < size.completedPerCompany; k += 1) {
        const at = since + Math.floor((k / size.completedPerCompany) * 360 * DAY_MS);
        const amount = 1_000 + ((c * 7919 + k * 104_729) % 500_000);
        const id = (transferCount += 1);
        const fee = feeOf(amount);
        st.transfer.run({ companyId: c, userId: users[k % users.length], account: String(2_000_000 + k).padStart(7, '0'),
          payee: `ﾄﾘﾋｷｻｷ${k % 50}`, amount, fee, status: 'completed', receipt: `B${String(id).padStart(9, '0')}`, with: 'otp',
          createdAt: at, expiresAt: at + 600_000, completedAt: at + 30_000 });
        debited += amount + fee;
      }
      st.balance.run(debited, c);
      for (let k = 0; k < size.auditPerCompany; k += 1) {
        const at = since + Math.floor((k / size.auditPerCompany) * 360 * DAY_MS);
        const event = k % 3 === 0 ? 'login' : 'transfer.confirm';
        st.audit.run(at, c, loginId(c, k % users.length), event, event === 'login' ? loginId(c, k % users.length) : `#${k}`, `amount=${1_000 + k}`);
        auditCount += 1;
      }
      if (c === 1) {
        fixture.measured = signIn(users[0]!, c, loginId(c, 0));
        continue; // nothing else touches the measured company
      }
      fixture.loginIds.push(loginId(c, 0));
      if (fixture.menu.length < 64) fixture.menu.push(signIn(users[0]!, c, loginId(c, 0)));
      for (let n = 1; n < users.length; n += 1) {
        const u = users[n]!;
        const drafts: number[] = [];
        for (let d = 0; d < size.draftsPerUser; d += 1) {
          drafts.push(Number(st.transfer.run({ companyId: c, userId: u, account: '7654321', payee: 'ﾍﾞﾝﾁ ｼｮｳｼﾞ', amount: 1_000, fee: feeOf(1_000),
            status: 'draft', receipt: null, with: null, createdAt: now, expiresAt: now + DAY_MS, completedAt: null }).lastInsertRowid));
          transferCount += 1;
        }
        fixture.confirm.push({ ...signIn(u, c, loginId(c, n)), secret: tokenSecret(seed, u), drafts });
      }
    }
    for (let i = 0; i < size.preLoginSessions; i += 1) fixture.preLogin.push(session({}));
  })();
  db.close();
  fixture.confirm = acrossCompanies(fixture.confirm);
  fixture.counts = { companies: size.companies, users: userId, tokens: userId, transfers: transferCount, audit: auditCount };
  return fixture;
}

/**
 * The confirmations in the order a bank's load brings them: one user of each
 * company, then the next user of each, so that confirmations in flight
 * together belong to different companies. Seeded company by company, the
 * load confirmed a company's nine users back to back, and on PostgreSQL they
 * queued on their company's ledger lock (issue 12) — a pattern real load
 * rarely has (a company's users do not all confirm in the same millisecond).
 */
function acrossCompanies(slots: ConfirmSlot[]): ConfirmSlot[] {
  const rank = new Map<ConfirmSlot, number>();
  const seen = new Map<number, number>();
  for (const slot of slots) {
    const n = seen.get(slot.companyId) ?? 0;
    rank.set(slot, n);
    seen.set(slot.companyId, n + 1);
  }
  return [...slots].sort((a, b) => rank.get(a)! - rank.get(b)! || a.companyId - b.companyId);
}
