import { FakeClock } from '../../src/clock';
import { openDatabase } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { CredentialLocksRepository } from '../../src/repositories/credentialLocks';
import { CompaniesRepository } from '../../src/repositories/companies';
import { AuditRepository } from '../../src/repositories/audit';
import { SessionsRepository, SqliteSessionStore } from '../../src/repositories/sessions';
import type { SessionData } from 'express-session';

function freshDb() {
  const db = openDatabase(':memory:');
  migrate(db);
  const companies = new CompaniesRepository(db);
  const company = companies.insert({ name: '甲', balance: 1000, createdAt: 0 });
  db.prepare(`INSERT INTO users (id, company_id, login_id, name, role, password_hash, transfer_password_hash, can_transfer, created_at)
    VALUES (1, ?, 'u1', 'U', 'user', 'x', 'y', 1, 0)`).run(company.id);
  return { db, companies, company };
}

describe('migrations', () => {
  test('when migrate runs twice, then the second run applies nothing', () => {
    const db = openDatabase(':memory:');
    expect(migrate(db)).toContain('0001_foundation.sql');
    expect(migrate(db)).toEqual([]);
  });
});

describe('credential locks (R9)', () => {
  test('when the sixth consecutive failure is recorded, then the kind is locked and others are not', () => {
    const { db } = freshDb();
    const locks = new CredentialLocksRepository(db);
    for (let i = 1; i <= 5; i += 1) expect(locks.recordFailure(1, 'login', 6, i).lockedAt).toBeNull();
    expect(locks.recordFailure(1, 'login', 6, 99)).toEqual({ failures: 6, lockedAt: 99 });
    expect(locks.isLocked(1, 'login')).toBe(true);
    expect(locks.isLocked(1, 'transferPassword')).toBe(false);
  });

  test('when a correct entry follows failures, then the count resets but a lock is never lifted by it', () => {
    const { db } = freshDb();
    const locks = new CredentialLocksRepository(db);
    locks.recordFailure(1, 'approvalPassword', 6, 1);
    locks.recordSuccess(1, 'approvalPassword');
    expect(locks.get(1, 'approvalPassword').failures).toBe(0);
    for (let i = 0; i < 6; i += 1) locks.recordFailure(1, 'otp', 6, 5);
    locks.recordSuccess(1, 'otp');
    expect(locks.isLocked(1, 'otp')).toBe(true);
    expect(locks.unlockAll(1)).toBe(1);
    expect(locks.get(1, 'otp')).toEqual({ failures: 0, lockedAt: null });
  });
});

describe('companies', () => {
  test('when a debit exceeds the balance, then nothing changes', () => {
    const { companies, company } = freshDb();
    expect(companies.debit(company.id, 1001)).toBe(false);
    expect(companies.debit(company.id, 1000)).toBe(true);
    expect(companies.find(company.id)!.balance).toBe(0);
  });

  test('when contracts are opened, then each gets the next seven-digit account number', () => {
    const { companies, company } = freshDb();
    const next = companies.insert({ name: '乙', balance: 0, createdAt: 0 });
    expect(company.accountNumber).toMatch(/^\d{7}$/);
    expect(Number(next.accountNumber)).toBe(Number(company.accountNumber) + 1);
  });
});

describe('audit log (R11)', () => {
  test('when a row is updated or deleted, then the database refuses', () => {
    const { db, company } = freshDb();
    const audit = new AuditRepository(db);
    audit.append({ occurredAt: 1, companyId: company.id, actorType: 'system', actor: 't', event: 'e', subject: null, clientIp: null, outcome: 'success', detail: null });
    expect(() => db.prepare("UPDATE audit_log SET outcome = 'failure'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(audit.listForCompany(company.id, 10, 0).total).toBe(1);
  });
});

describe('session store', () => {
  test('when the sessions of one user are deleted, then the sessions of others stay', async () => {
    const { db } = freshDb();
    const clock = new FakeClock();
    const store = new SqliteSessionStore(db, 'customer', clock, 60_000);
    store.set('mine', { cookie: {}, userId: 1 } as unknown as SessionData);
    store.set('other', { cookie: {}, userId: 2 } as unknown as SessionData);
    expect(new SessionsRepository(db).deleteForUser(1)).toBe(1);
    expect(await read(store, 'other')).not.toBeNull();
  });

  const data = { cookie: { originalMaxAge: 1000 }, userId: 1 } as unknown as SessionData;
  const read = (store: SqliteSessionStore, sid: string) =>
    new Promise<SessionData | null | undefined>((resolve) => store.get(sid, (_e, s) => resolve(s)));

  test('when a session is read from the other realm, then it does not exist there', async () => {
    const { db } = freshDb();
    const clock = new FakeClock();
    const customer = new SqliteSessionStore(db, 'customer', clock, 60_000);
    const staff = new SqliteSessionStore(db, 'staff', clock, 60_000);
    customer.set('abc', data);
    expect(await read(customer, 'abc')).toMatchObject({ userId: 1 });
    expect(await read(staff, 'abc')).toBeNull();
    staff.set('abc', data); // must not take over the customer's row
    expect(await read(staff, 'abc')).toBeNull();
  });

  test('when the idle time passes, then the session is gone and prune deletes it', async () => {
    const { db } = freshDb();
    const clock = new FakeClock();
    const store = new SqliteSessionStore(db, 'customer', clock, 60_000);
    store.set('abc', data);
    clock.advance(60_001);
    expect(await read(store, 'abc')).toBeNull();
    expect(new SessionsRepository(db).prune(clock.now())).toBe(1);
  });
});
