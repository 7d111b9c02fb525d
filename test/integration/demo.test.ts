import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import request from 'supertest';
import Database from 'better-sqlite3';
import { openDatabase, PAGE_SIZE } from '../../src/db/connection';
import { DEMO, seedDemoIfEmpty } from '../../src/demo/seed';
import { createTestContext, type TestContext } from '../helpers/app';
import { FormClient } from '../helpers/client';
import { VALID_TRANSFER_FORM } from '../helpers/fixtures';
import { describeSqliteOnly } from '../helpers/engine';

describe('demo data (DEMO=1) and the README walk-through', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
    expect(await seedDemoIfEmpty(ctx.deps)).toBe(true);
  });

  test('when the database already holds a contract, then the demo is not loaded again', async () => {
    expect(await seedDemoIfEmpty(ctx.deps)).toBe(false);
    expect(await ctx.deps.repos.users.findByLoginId(DEMO.admin.loginId)).toBeDefined();
  });

  test('when demo-user1 follows the README, then the transfer is received and the balance drops', async () => {
    const [user1] = DEMO.users;
    const client = new FormClient(ctx.app);
    expect((await client.login(user1.loginId, user1.password)).status).toBe(303);
    expect((await client.get('/')).text).toContain('10,000,000円');
    const drafted = await client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, payeeName: 'ヤマダ タロウ', amount: '10,000' });
    const confirmPage = drafted.headers.location as string;
    const done = await client.submit(confirmPage, confirmPage, { transferPassword: user1.transferPassword });
    expect(done.status).toBe(303);
    expect((await client.get(done.headers.location as string)).text).toContain('受付番号');
    expect((await client.get('/')).text).toContain('9,990,000円');
  });

  test('when the demo is loaded, then its four VIP Access tokens are in the register and none is registered', async () => {
    const { rows } = await ctx.deps.repos.tokens.list(10, 0);
    expect(rows.map((t) => [t.credentialId, t.platform, t.status, t.companyId, t.lastStep])).toEqual([
      [DEMO.tokens.admin.credentialId, 'mobile', 'active', null, null],
      [DEMO.tokens.user1.credentialId, 'mobile', 'active', null, null],
      [DEMO.tokens.spare.credentialId, 'mobile', 'active', null, null],
      [DEMO.tokens.pc.credentialId, 'desktop', 'active', null, null],
    ]);
    // The demo walks the manual's registration (§3(2)): no 利用形態, nothing registered, OTP not started.
    const company = (await ctx.deps.repos.users.findByLoginId(DEMO.admin.loginId))!.companyId;
    expect(await ctx.deps.repos.registrations.state(company)).toEqual({ usageMode: null, otpStartedAt: null });
    expect(await ctx.deps.repos.registrations.listForCompany(company)).toEqual([]);
  });

  test('when the demo phone is opened, then every demo token shows its Credential ID and Security Code', async () => {
    const res = await request(ctx.app).get('/softtoken');
    expect(res.status).toBe(200);
    for (const grouped of ['SYMC 1000 0001', 'SYMC 1000 0002', 'SYMC 1000 0003', 'SYDC 1000 0004']) expect(res.text).toContain(grouped);
    expect(res.text.match(/<span class="security-code">\d{6}<\/span>/g)).toHaveLength(4);
  });

  test('when demo-user2 (no transfer authority) logs in, then 都度振込 is not offered and is refused', async () => {
    const [, user2] = DEMO.users;
    const client = new FormClient(ctx.app);
    await client.login(user2.loginId, user2.password);
    expect((await client.get('/')).text).not.toContain('href="/transfers/new"');
    expect((await client.get('/transfers/new')).status).toBe(403);
  });

  test('when the demo administrator and staff log in, then 管理機能 and the console open', async () => {
    const admin = new FormClient(ctx.app);
    await admin.login(DEMO.admin.loginId, DEMO.admin.password);
    expect((await admin.get('/admin/users')).text).toContain(DEMO.users[1].loginId);
    const staff = new FormClient(ctx.staffApp);
    expect((await staff.staffLogin(DEMO.staff.staffId, DEMO.staff.password)).headers.location).toBe('/staff/companies');
    expect((await staff.get('/staff/companies')).text).toContain(DEMO.companyName);
  });
});

describeSqliteOnly('database settings', 'the SQLite file\'s pragmas', () => {
  test('when a database file is opened, then WAL, synchronous=FULL, foreign keys and a busy timeout are on', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-'));
    const db = openDatabase(path.join(dir, 'nested', 'x.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when the service creates a database, then its pages are PAGE_SIZE; a database made with 4 KiB pages keeps them and its rows', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-'));
    const created = openDatabase(path.join(dir, 'new.db'));
    created.exec('CREATE TABLE t (a TEXT)');
    expect(created.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    expect(PAGE_SIZE).toBe(2048);
    created.close();

    const olderFile = path.join(dir, 'older.db');
    const older = new Database(olderFile);
    older.pragma('page_size = 4096');
    older.pragma('journal_mode = WAL');
    older.exec("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('kept')");
    older.close();
    const reopened = openDatabase(olderFile);
    expect(reopened.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.prepare('SELECT a FROM t').pluck().get()).toBe('kept');
    reopened.exec("INSERT INTO t VALUES ('added')");
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
