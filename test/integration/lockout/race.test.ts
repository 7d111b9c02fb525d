import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestContext, secondNode, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { FormClient } from '../../helpers/client';
import {
  APPROVAL_PASSWORD, auditEvents, givenContract, givenSignedInAdmin, givenStaff, givenUser,
  STAFF_PASSWORD, TRANSFER_PASSWORD, USER_PASSWORD, VALID_TRANSFER_FORM,
} from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';
import { fire, holdCompares } from '../../helpers/race';
import type { Response } from 'supertest';

/**
 * R9 under concurrency (issue 10, R15): however many wrong entries arrive at
 * once — from one session or many, on one node or two — at most the
 * threshold's number are compared, the secret locks, and the right one
 * posted behind them is refused like a wrong one: nothing signs in, nothing
 * executes, nothing is created. Compares are held at a gate so that every
 * attempt lands inside one bcrypt delay, which is the attack as reproduced.
 */
describe('lockout under concurrent attempts (R9, R15)', () => {
  const THRESHOLD = 6;
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  /** The audit of a raced secret: one row per attempt, exactly THRESHOLD of them compared and counted, one lock. */
  async function expectAudited(c: TestContext, event: string, attempts: number): Promise<void> {
    const rows = await auditEvents(c.deps, event);
    expect(rows.filter((r) => r.outcome === 'success')).toHaveLength(0);
    expect(rows).toHaveLength(attempts);
    const counted = rows.map((r) => /failures=(\d+)/.exec(r.detail ?? '')?.[1]).filter(Boolean).map(Number);
    expect(counted.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await auditEvents(c.deps, 'lock')).toHaveLength(1);
  }

  /** Fires the wrong attempts, waits until all are held inside the compare, then fires the right one and lets them all go. */
  async function race(gate: ReturnType<typeof holdCompares>, wrong: (() => PromiseLike<Response>)[], right: () => PromiseLike<Response>) {
    const wrongs = wrong.map((send) => fire(send()));
    await gate.reached(wrong.length);
    const rightOne = fire(right());
    await gate.reached(wrong.length + 1);
    gate.release();
    const answers = { wrong: await Promise.all(wrongs), right: await rightOne };
    expect(gate.compared).toBe(THRESHOLD);
    return answers;
  }

  test('when 19 wrong login passwords arrive at once from 19 browsers and the right one behind them, then it is refused and the ID locked at 6', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const browsers = Array.from({ length: 20 }, () => new FormClient(ctx.app));
    for (const b of browsers) await b.get('/login');
    const gate = holdCompares(ctx.deps);

    const { wrong, right } = await race(
      gate,
      browsers.slice(0, 19).map((b) => () => b.post('/login', { loginId: user.loginId, password: 'Wrong-Pass-9' })),
      () => browsers[19]!.post('/login', { loginId: user.loginId, password: USER_PASSWORD }),
    );

    expect(wrong.every((r) => r.status === 401)).toBe(true);
    expect(right.status).toBe(401);
    expect(right.headers.location).toBeUndefined();
    expect(await ctx.deps.repos.locks.get(user.id, 'login')).toMatchObject({ failures: THRESHOLD, lockedAt: expect.any(Number) });
    await expectAudited(ctx, 'login', 20);
  });

  test('when 19 wrong 送信確認パスワード are posted at once on one draft and the right one behind them, then the transfer is not executed', async () => {
    const { company } = await givenContract(ctx.deps, { balance: 1_000_000 });
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
    const drafted = await client.submit('/transfers/new', '/transfers', VALID_TRANSFER_FORM);
    const confirmPath = drafted.headers.location as string;
    await client.get(confirmPath);
    const gate = holdCompares(ctx.deps);

    const { right } = await race(
      gate,
      Array.from({ length: 19 }, () => () => client.post(confirmPath, { transferPassword: 'Wrong-Pass-9' })),
      () => client.post(confirmPath, { transferPassword: TRANSFER_PASSWORD }),
    );

    expect(right.status).not.toBe(303);
    expect(await scalar(ctx.storage, "SELECT count(*) FROM transfers WHERE status = 'completed'")).toBe(0);
    expect((await ctx.deps.repos.companies.find(company.id))!.balance).toBe(1_000_000);
    expect(await ctx.deps.repos.locks.get(user.id, 'transferPassword')).toMatchObject({ failures: THRESHOLD, lockedAt: expect.any(Number) });
    await expectAudited(ctx, 'transfer_password.verify', 20);
  });

  test('when 29 wrong 承認用パスワード are posted at once on 利用者追加 and the right one behind them, then no user is created', async () => {
    const { admin, company, client } = await givenSignedInAdmin(ctx);
    await client.get('/admin/users');
    const form = (n: number, approvalPassword: string) => ({
      loginId: `intruder${n}`, name: '侵入者', password: 'Intr-Pass-1', transferPassword: 'Intr-Send-1', canTransfer: '1', approvalPassword,
    });
    const gate = holdCompares(ctx.deps);

    const { right } = await race(
      gate,
      Array.from({ length: 29 }, (_, n) => () => client.post('/admin/users', form(n, 'Wrong-Pass-9'))),
      () => client.post('/admin/users', form(99, APPROVAL_PASSWORD)),
    );

    expect(right.status).not.toBe(303);
    expect((await ctx.deps.repos.users.listByCompany(company.id)).map((u) => u.loginId)).toEqual([admin.loginId]);
    expect(await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).toMatchObject({ failures: THRESHOLD, lockedAt: expect.any(Number) });
    await expectAudited(ctx, 'approval_password.verify', 30);
  });

  test('when 19 wrong staff passwords arrive at once and the right one behind them, then the console refuses it and the account locks at 6', async () => {
    const staffId = await givenStaff(ctx.deps);
    const browsers = Array.from({ length: 20 }, () => new FormClient(ctx.staffApp));
    for (const b of browsers) await b.get('/staff/login');
    const gate = holdCompares(ctx.deps);

    const { wrong, right } = await race(
      gate,
      browsers.slice(0, 19).map((b) => () => b.post('/staff/login', { staffId, password: 'Wrong-Pass-9' })),
      () => browsers[19]!.post('/staff/login', { staffId, password: STAFF_PASSWORD }),
    );

    expect(wrong.every((r) => r.status === 401)).toBe(true);
    expect(right.status).toBe(401);
    expect(await ctx.deps.repos.staff.findByStaffId(staffId)).toMatchObject({ failures: THRESHOLD, lockedAt: expect.any(Number) });
    await expectAudited(ctx, 'staff.login', 20);
  });

  test('when 19 wrong one-time passwords are posted at once on one draft and the right code behind them, then the transfer is not executed', async () => {
    const { company, admin } = await givenContract(ctx.deps, { balance: 1_000_000 });
    const token = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'shared', [{ userId: null, token }]);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, 'Admin-Pass-1');
    const drafted = await client.submit('/transfers/new', '/transfers', VALID_TRANSFER_FORM);
    const confirmPath = drafted.headers.location as string;
    await client.get(confirmPath);
    const wrongCode = token.code() === '000000' ? '111111' : '000000';

    const sent = Array.from({ length: 19 }, () => fire(client.post(confirmPath, { otp: wrongCode })));
    // The right code comes once the wrong ones in flight have locked the code: on PostgreSQL requests
    // run side by side, so only the lock orders them (SQLite's one writer queued them in arrival order).
    while ((await ctx.deps.repos.locks.get(admin.id, 'otp')).lockedAt === null) await new Promise((resolve) => setImmediate(resolve));
    const right = await fire(client.post(confirmPath, { otp: token.code() }));
    await Promise.all(sent);

    expect(right.status).not.toBe(303);
    expect(await scalar(ctx.storage, "SELECT count(*) FROM transfers WHERE status = 'completed'")).toBe(0);
    expect(await ctx.deps.repos.locks.get(admin.id, 'otp')).toMatchObject({ failures: THRESHOLD, lockedAt: expect.any(Number) });
    await expectAudited(ctx, 'otp.verify', 20);
  });

  test('when three wrong passwords and the right one arrive at once below the threshold, then the right one signs in and the count starts again', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const browsers = Array.from({ length: 4 }, () => new FormClient(ctx.app));
    for (const b of browsers) await b.get('/login');
    const gate = holdCompares(ctx.deps);

    const sent = browsers.map((b, i) => fire(b.post('/login', { loginId: user.loginId, password: i === 3 ? USER_PASSWORD : 'Wrong-Pass-9' })));
    await gate.reached(4);
    gate.release();
    const answers = await Promise.all(sent);

    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 303]);
    expect(gate.compared).toBe(4);
    expect((await ctx.deps.repos.locks.get(user.id, 'login')).lockedAt).toBeNull();
    expect(await scalar(ctx.storage, 'SELECT pending FROM credential_locks WHERE user_id = ?', [user.id])).toBe(0);
  });

  describe('on two nodes sharing one database', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-race-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('when wrong login passwords arrive on both nodes at once and the right one behind them, then at most 6 are compared in all and it is refused', async () => {
      const file = path.join(dir, 'shared.db');
      const a = await createTestContext({}, file);
      const b = secondNode(a);
      const { company } = await givenContract(a.deps);
      const user = await givenUser(a.deps, company.id);
      const browsers = Array.from({ length: 20 }, (_, i) => new FormClient(i % 2 === 0 ? a.app : b.app));
      for (const br of browsers) await br.get('/login');
      const gate = holdCompares(a.deps, b.deps);

      const { right } = await race(
        gate,
        browsers.slice(0, 19).map((br) => () => br.post('/login', { loginId: user.loginId, password: 'Wrong-Pass-9' })),
        () => browsers[19]!.post('/login', { loginId: user.loginId, password: USER_PASSWORD }),
      );

      expect(right.status).toBe(401);
      expect(await b.deps.repos.locks.get(user.id, 'login')).toMatchObject({ failures: THRESHOLD, lockedAt: expect.any(Number) });
      await expectAudited(a, 'login', 20);
      await Promise.all([a.storage.close(), b.storage.close()]);
    });
  });
});
