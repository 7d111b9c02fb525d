import { FakeClock } from '../../src/clock';
import { openDatabase } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { CredentialLocksRepository } from '../../src/repositories/credentialLocks';
import { CompaniesRepository } from '../../src/repositories/companies';
import { LimitsRepository } from '../../src/repositories/limits';
import { AuditRepository } from '../../src/repositories/audit';
import { SESSION_REFRESH_STEP_MS, SessionsRepository, SessionStore } from '../../src/repositories/sessions';
import { createLogger } from '../../src/logger';
import { SqliteStorage } from '../../src/storage/sqlite';
import type { Db } from '../../src/db/connection';
import type { SessionData } from 'express-session';

async function freshDb() {
  const db = openDatabase(':memory:');
  migrate(db);
  const storage = new SqliteStorage(db, createLogger('silent'));
  const companies = new CompaniesRepository(storage);
  const company = await companies.insert({ name: '甲', balance: 1000, createdAt: 0 });
  db.prepare(`INSERT INTO users (id, company_id, login_id, name, role, password_hash, transfer_password_hash, can_transfer, created_at)
    VALUES (1, ?, 'u1', 'U', 'user', 'x', 'y', 1, 0)`).run(company.id);
  return { db, storage, companies, company };
}

describe('migrations', () => {
  test('when migrate runs twice, then the second run applies nothing', () => {
    const db = openDatabase(':memory:');
    expect(migrate(db)).toContain('0001_foundation.sql');
    expect(migrate(db)).toEqual([]);
  });
});

describe('credential locks (R9)', () => {
  test('when the sixth consecutive failure is recorded, then the kind is locked and others are not', async () => {
    const { storage } = await freshDb();
    const locks = new CredentialLocksRepository(storage);
    for (let i = 1; i <= 5; i += 1) expect((await locks.recordFailure(1, 'login', 6, i)).lockedAt).toBeNull();
    expect(await locks.recordFailure(1, 'login', 6, 99)).toEqual({ failures: 6, lockedAt: 99 });
    expect(await locks.isLocked(1, 'login')).toBe(true);
    expect(await locks.isLocked(1, 'transferPassword')).toBe(false);
  });

  test('when a correct entry follows failures, then the count resets but a lock is never lifted by it', async () => {
    const { storage } = await freshDb();
    const locks = new CredentialLocksRepository(storage);
    await locks.recordFailure(1, 'approvalPassword', 6, 1);
    await locks.recordSuccess(1, 'approvalPassword');
    expect((await locks.get(1, 'approvalPassword')).failures).toBe(0);
    for (let i = 0; i < 6; i += 1) await locks.recordFailure(1, 'otp', 6, 5);
    await locks.recordSuccess(1, 'otp');
    expect(await locks.isLocked(1, 'otp')).toBe(true);
    expect(await locks.unlockAll(1)).toBe(1);
    expect(await locks.get(1, 'otp')).toEqual({ failures: 0, lockedAt: null });
  });
});

describe('lock counter reservations (R15, issue 10)', () => {
  const pending = (db: Db): number => db.prepare("SELECT pending FROM credential_locks WHERE user_id = 1 AND kind = 'login'").pluck().get() as number;

  test('when failures and attempts in flight reach the threshold, then no further attempt is admitted until one settles', async () => {
    const { db, storage } = await freshDb();
    const locks = new CredentialLocksRepository(storage);
    for (let i = 0; i < 4; i += 1) await locks.recordFailure(1, 'login', 6, 10);
    expect(await locks.reserve(1, 'login', 6, 20, 0)).toBe(true);
    expect(await locks.reserve(1, 'login', 6, 20, 0)).toBe(true);
    expect(await locks.reserve(1, 'login', 6, 20, 0)).toBe(false);
    expect(await locks.recordSuccess(1, 'login', true)).toBe(true);
    expect(await locks.get(1, 'login')).toEqual({ failures: 0, lockedAt: null });
    expect(pending(db)).toBe(1);
    expect(await locks.recordFailure(1, 'login', 6, 30, true)).toEqual({ failures: 1, lockedAt: null });
    expect(pending(db)).toBe(0);
  });

  test('when the threshold-th reserved attempt is wrong, then the secret locks and nothing more is admitted', async () => {
    const { db, storage } = await freshDb();
    const locks = new CredentialLocksRepository(storage);
    for (let i = 0; i < 6; i += 1) expect(await locks.reserve(1, 'login', 6, 5, 0)).toBe(true);
    expect(await locks.reserve(1, 'login', 6, 5, 0)).toBe(false);
    for (let i = 0; i < 6; i += 1) await locks.recordFailure(1, 'login', 6, 7, true);
    expect(await locks.get(1, 'login')).toEqual({ failures: 6, lockedAt: 7 });
    expect(pending(db)).toBe(0);
    expect(await locks.reserve(1, 'login', 6, 8, 0)).toBe(false);
  });

  test('when a right entry settles after the secret was locked all the same, then it is not accepted', async () => {
    const { db, storage } = await freshDb();
    const locks = new CredentialLocksRepository(storage);
    expect(await locks.reserve(1, 'login', 6, 1, 0)).toBe(true);
    db.prepare("UPDATE credential_locks SET locked_at = 2 WHERE user_id = 1").run();
    expect(await locks.recordSuccess(1, 'login', true)).toBe(false);
    expect(pending(db)).toBe(0);
  });

  test('when reservations are older than the lease (their process died mid-compare), then they count as none', async () => {
    const { db, storage } = await freshDb();
    const locks = new CredentialLocksRepository(storage);
    for (let i = 0; i < 6; i += 1) await locks.reserve(1, 'login', 6, 1_000, 0);
    expect(await locks.reserve(1, 'login', 6, 1_500, 500)).toBe(false);
    expect(await locks.reserve(1, 'login', 6, 2_000, 1_001)).toBe(true);
    expect(pending(db)).toBe(1);
  });

  test('when a reservation is given back without an outcome, then the count is unchanged', async () => {
    const { db, storage } = await freshDb();
    const locks = new CredentialLocksRepository(storage);
    await locks.recordFailure(1, 'login', 6, 1);
    await locks.reserve(1, 'login', 6, 2, 0);
    await locks.release(1, 'login');
    expect(pending(db)).toBe(0);
    expect(await locks.get(1, 'login')).toEqual({ failures: 1, lockedAt: null });
  });
});

describe('companies', () => {
  test('when a debit exceeds the balance, then nothing changes', async () => {
    const { companies, company } = await freshDb();
    expect(await companies.debit(company.id, 1001)).toBe(false);
    expect(await companies.debit(company.id, 1000)).toBe(true);
    expect((await companies.find(company.id))!.balance).toBe(0);
  });

  test('when contracts are opened, then each gets the next seven-digit account number', async () => {
    const { companies, company } = await freshDb();
    const next = await companies.insert({ name: '乙', balance: 0, createdAt: 0 });
    expect(company.accountNumber).toMatch(/^\d{7}$/);
    expect(Number(next.accountNumber)).toBe(Number(company.accountNumber) + 1);
  });
});

describe('振込限度額: the day\'s sums (issue 13)', () => {
  test('when the company\'s users complete transfers, then the company\'s sum counts all of the range and the user\'s only the user\'s own', async () => {
    const { db, storage, company } = await freshDb();
    db.prepare(`INSERT INTO users (id, company_id, login_id, name, role, password_hash, transfer_password_hash, can_transfer, created_at)
      VALUES (2, ?, 'u2', 'V', 'user', 'x', 'y', 1, 0)`).run(company.id);
    const transfer = db.prepare(`INSERT INTO transfers (company_id, user_id, bank_code, branch_code, account_type, account_number,
        payee_name, amount, status, receipt_number, created_at, expires_at, completed_at)
      VALUES (?, @user, '0001', '001', 'ordinary', '1234567', 'ﾔﾏﾀﾞ', @amount, @status, @receipt, 0, 9e12, @at)`);
    const completed = (user: number, amount: number, at: number) =>
      transfer.run(company.id, { user, amount, status: 'completed', receipt: `r${user}-${amount}-${at}`, at });
    completed(1, 1_000, 100); // the user's, in the range
    completed(2, 20_000, 150); // another user's, in the range
    completed(1, 300_000, 99); // the user's, before the range
    completed(1, 4_000_000, 200); // the user's, at its end (excluded)
    transfer.run(company.id, { user: 1, amount: 50_000, status: 'draft', receipt: null, at: null }); // not completed

    const day = await new LimitsRepository(storage).day(1, 100, 200);
    expect(day!.used).toEqual({ company: 21_000, user: 1_000 });
  });
});

describe('audit log (R11)', () => {
  test('when a row is updated or deleted, then the database refuses', async () => {
    const { db, storage, company } = await freshDb();
    const audit = new AuditRepository(storage);
    await audit.append({ occurredAt: 1, companyId: company.id, actorType: 'system', actor: 't', event: 'e', subject: null, clientIp: null, outcome: 'success', detail: null });
    expect(() => db.prepare("UPDATE audit_log SET outcome = 'failure'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect((await audit.listForCompany(company.id, 10, 0)).total).toBe(1);
  });
});

describe('session store', () => {
  const data = { cookie: { originalMaxAge: 1000 }, userId: 1 } as unknown as SessionData;
  const read = (store: SessionStore, sid: string) =>
    new Promise<SessionData | null | undefined>((resolve) => store.get(sid, (_e: unknown, s?: SessionData | null) => resolve(s)));
  const save = (store: SessionStore, sid: string, s: SessionData = data) =>
    new Promise<void>((resolve, reject) => store.set(sid, s, (err?: unknown) => (err ? reject(err) : resolve())));
  const destroy = (store: SessionStore, sid: string) =>
    new Promise<void>((resolve, reject) => store.destroy(sid, (err?: unknown) => (err ? reject(err) : resolve())));
  const touch = (store: SessionStore, sid: string) =>
    new Promise<void>((resolve, reject) => store.touch(sid, data, (err?: unknown) => (err ? reject(err) : resolve())));
  const expiresAt = (db: Db, sid: string) => db.prepare('SELECT expires_at FROM sessions WHERE sid = ?').pluck().get(sid);

  async function freshStore(realm: 'customer' | 'staff' = 'customer') {
    const { db, storage } = await freshDb();
    const clock = new FakeClock();
    return { db, storage, clock, commits: storage.commits, store: new SessionStore(storage, realm, clock, 60 * 60_000) };
  }

  test('when the sessions of one user are deleted, then the sessions of others stay', async () => {
    const { storage, store } = await freshStore();
    await save(store, 'mine', { cookie: {}, userId: 1 } as unknown as SessionData);
    await save(store, 'other', { cookie: {}, userId: 2 } as unknown as SessionData);
    expect(await new SessionsRepository(storage).deleteForUser(1)).toBe(1);
    expect(await read(store, 'other')).not.toBeNull();
  });

  test('when a session is read from the other realm, then it does not exist there', async () => {
    const { storage, clock, store: customer } = await freshStore();
    const staff = new SessionStore(storage, 'staff', clock, 60_000);
    await save(customer, 'abc');
    expect(await read(customer, 'abc')).toMatchObject({ userId: 1 });
    expect(await read(staff, 'abc')).toBeNull();
    await save(staff, 'abc'); // must not take over the customer's row
    expect(await read(staff, 'abc')).toBeNull();
  });

  test('when the idle time passes, then the session is gone and prune deletes it', async () => {
    const { storage, clock, store } = await freshStore();
    await save(store, 'abc');
    clock.advance(60 * 60_000 + 1);
    expect(await read(store, 'abc')).toBeNull();
    expect(await new SessionsRepository(storage).prune(clock.now())).toBe(1);
  });

  test('when sessions are saved and destroyed together, then they share one commit and each is answered after it', async () => {
    const { db, commits, store } = await freshStore();
    await save(store, 'old');
    const answered: string[] = [];
    const done = Promise.all([
      save(store, 'a').then(() => answered.push('a')),
      save(store, 'b').then(() => answered.push('b')),
      destroy(store, 'old').then(() => answered.push('old')),
    ]);
    // Nothing is written, nor anybody answered, before the group commit.
    expect(answered).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    await done;
    expect(commits.stats).toMatchObject({ batches: 2, jobs: 4 });
    expect(db.prepare('SELECT sid FROM sessions ORDER BY sid').pluck().all()).toEqual(['a', 'b']);
  });

  // express-session sends a redirect's status and Location before its save has called back: the browser's
  // next request can arrive before the group commit has run, and must read what the last one wrote (issue 15).
  test('when a session is read before its write is committed, then the read sees the write', async () => {
    const { db, store } = await freshStore();
    await save(store, 'old');
    const saving = save(store, 'new', { ...data, flash: '受付完了' } as SessionData);
    const destroying = destroy(store, 'old');
    expect(db.prepare('SELECT sid FROM sessions').pluck().all()).toEqual(['old']);

    expect(await read(store, 'new')).toMatchObject({ flash: '受付完了' });
    expect(await read(store, 'old')).toBeNull();
    await Promise.all([saving, destroying]);
    expect(await read(store, 'new')).toMatchObject({ flash: '受付完了' });
    expect(db.prepare('SELECT sid FROM sessions').pluck().all()).toEqual(['new']);
  });

  // The error is matched by its message: SqliteError comes from the native module's first realm, which
  // in a shared jest worker may not be this file's, so toThrow would not recognise it as an Error.
  test('when the write fails, then set and destroy call back with the error and nothing is stored', async () => {
    const { db, store } = await freshStore();
    db.exec("CREATE TRIGGER full BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    db.exec("CREATE TRIGGER stuck BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    await expect(save(store, 'abc')).rejects.toHaveProperty('message', 'disk full');
    expect(await read(store, 'abc')).toBeNull();
    db.exec('DROP TRIGGER full');
    await save(store, 'abc');
    await expect(destroy(store, 'abc')).rejects.toHaveProperty('message', 'disk full');
    expect(await read(store, 'abc')).not.toBeNull();
  });

  test('when a session is touched within a minute of its last write, then its expiry is not rewritten', async () => {
    const { db, clock, commits, store } = await freshStore();
    await save(store, 'abc');
    const saved = expiresAt(db, 'abc');
    clock.advance(SESSION_REFRESH_STEP_MS - 1);
    await touch(store, 'abc');
    expect(expiresAt(db, 'abc')).toBe(saved);
    expect(commits.stats.jobs).toBe(1); // the touch did not even wait for a commit
  });

  test('when a signed-in session is touched, then the store neither reads nor writes: its saves move the expiry', async () => {
    const { db, clock, commits, store } = await freshStore();
    const signedIn = { ...data, lastSeenAt: clock.now() } as SessionData;
    await save(store, 'abc', signedIn);
    const saved = expiresAt(db, 'abc');
    clock.advance(5 * SESSION_REFRESH_STEP_MS);
    db.exec('DROP TABLE sessions'); // any read or write would now fail
    await new Promise<void>((resolve, reject) => store.touch('abc', signedIn, (err?: unknown) => (err ? reject(err) : resolve())));
    expect(commits.stats.jobs).toBe(1);
    expect(saved).toBeGreaterThan(0);
  });

  test('when a session is touched a minute or more after its last write, then its expiry moves', async () => {
    const { db, clock, store } = await freshStore();
    await save(store, 'abc');
    clock.advance(SESSION_REFRESH_STEP_MS);
    await touch(store, 'abc');
    expect(expiresAt(db, 'abc')).toBe(clock.now() + 60 * 60_000);
  });
});
