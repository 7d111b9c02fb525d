import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { auditEvents, givenStaff, STAFF_PASSWORD } from '../../helpers/fixtures';

const staffCookie = (res: { headers: Record<string, unknown> }): string | undefined =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('webfb.staff.sid='))?.split(';')[0];

const failureMessage = (html: string): string | undefined => /<li>(行員IDまたは[^<]+)<\/li>/.exec(html)?.[1];

describe('staff login (行員ログイン)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when a staff member logs in with the right password, then the contract search opens', async () => {
    const staffId = await givenStaff(ctx.deps);
    const client = new FormClient(ctx.staffApp);
    const page = await client.get('/staff/login');
    expect(page.text).toContain('name="staffId"');
    expect(page.text).toContain('>ログイン</button>');
    const res = await client.staffLogin(staffId, STAFF_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/companies');
    const search = await client.get('/staff/companies');
    expect(search.status).toBe(200);
    expect(search.text).toContain('<h1>契約先検索</h1>');
    expect(search.text).toContain(`（${staffId}）`);
    expect((await auditEvents(ctx.deps, 'staff.login'))[0]).toMatchObject({ outcome: 'success', actorType: 'staff', actor: staffId });
  });

  test('when a staff member logs in, then the session id changes and the old one opens nothing', async () => {
    const staffId = await givenStaff(ctx.deps);
    const client = new FormClient(ctx.staffApp);
    const before = staffCookie(await client.get('/staff/login'));
    expect(before).toBeDefined();
    const res = await client.post('/staff/login', { staffId, password: STAFF_PASSWORD });
    const after = staffCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const replay = await new FormClient(ctx.staffApp).agent.get('/staff/companies').set('Cookie', before!);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/staff/login');
  });

  test('when the ID is unknown or the password wrong, then the same message is shown and the ID is kept', async () => {
    const staffId = await givenStaff(ctx.deps);
    const client = new FormClient(ctx.staffApp);
    const wrong = await client.submit('/staff/login', '/staff/login', { staffId, password: 'wrong-pass-9' });
    const unknown = await client.submit('/staff/login', '/staff/login', { staffId: 'nobody', password: 'wrong-pass-9' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(failureMessage(wrong.text)).toBeDefined();
    expect(failureMessage(wrong.text)).toBe(failureMessage(unknown.text));
    expect(unknown.text).toContain('value="nobody"');
    expect(wrong.text).not.toContain('wrong-pass-9');
    const failures = await auditEvents(ctx.deps, 'staff.login');
    expect(failures.map((r) => [r.actorType, r.outcome])).toEqual([
      ['anonymous', 'failure'],
      ['staff', 'failure'],
    ]);
  });

  test('when the form is empty, then it is refused with 400 and a message beside each field', async () => {
    const client = new FormClient(ctx.staffApp);
    const res = await client.submit('/staff/login', '/staff/login', { staffId: '', password: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('行員IDを入力してください。');
    expect(res.text).toContain('パスワードを入力してください。');
    expect(await auditEvents(ctx.deps, 'staff.login')).toHaveLength(0);
  });

  test('when the password is wrong six times, then the account is locked and the right password is refused', async () => {
    const staffId = await givenStaff(ctx.deps);
    const client = new FormClient(ctx.staffApp);
    for (let i = 0; i < 6; i += 1) {
      expect((await client.submit('/staff/login', '/staff/login', { staffId, password: 'wrong-pass-9' })).status).toBe(401);
    }
    const res = await client.submit('/staff/login', '/staff/login', { staffId, password: STAFF_PASSWORD });
    expect(res.status).toBe(401);
    expect(failureMessage(res.text)).toBeDefined();
    expect((await ctx.deps.repos.staff.findByStaffId(staffId))!.lockedAt).toBe(ctx.clock.now());
    expect(await auditEvents(ctx.deps, 'lock')).toEqual([
      expect.objectContaining({ actorType: 'staff', actor: staffId, subject: staffId, detail: 'staff' }),
    ]);
    expect((await auditEvents(ctx.deps, 'staff.login'))[0]).toMatchObject({ outcome: 'failure', detail: 'locked' });
  });

  test('when five wrong passwords are followed by the right one, then the count starts again', async () => {
    const staffId = await givenStaff(ctx.deps);
    const client = new FormClient(ctx.staffApp);
    for (let i = 0; i < 5; i += 1) await client.submit('/staff/login', '/staff/login', { staffId, password: 'wrong-pass-9' });
    expect((await client.staffLogin(staffId, STAFF_PASSWORD)).status).toBe(303);
    expect(await ctx.deps.repos.staff.findByStaffId(staffId)).toMatchObject({ failures: 0, lockedAt: null });
  });

  test('when logins come faster than the rate limit allows, then further attempts are refused with 429', async () => {
    const limited = await createTestContext({ LOGIN_RATE_LIMIT: '2' });
    const staffId = await givenStaff(limited.deps);
    const client = new FormClient(limited.staffApp);
    for (let i = 0; i < 2; i += 1) await client.submit('/staff/login', '/staff/login', { staffId, password: 'wrong-pass-9' });
    const res = await client.submit('/staff/login', '/staff/login', { staffId, password: STAFF_PASSWORD });
    expect(res.status).toBe(429);
    expect(res.text).toContain('ログインの試行が多すぎます。');
    expect((await limited.deps.repos.staff.findByStaffId(staffId))!.failures).toBe(2);
  });

  test('when the staff member logs out, then the console needs a new login', async () => {
    const staffId = await givenStaff(ctx.deps);
    const client = new FormClient(ctx.staffApp);
    await client.staffLogin(staffId, STAFF_PASSWORD);
    await client.get('/staff/companies');
    const out = await client.post('/staff/logout', {});
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/staff/login');
    expect((await client.get('/staff/companies')).headers.location).toBe('/staff/login');
    expect(await auditEvents(ctx.deps, 'staff.logout')).toEqual([expect.objectContaining({ actorType: 'staff', actor: staffId })]);
  });

  test('when the session is idle for longer than 15 minutes, then the staff member is logged out', async () => {
    const staffId = await givenStaff(ctx.deps);
    const client = new FormClient(ctx.staffApp);
    await client.staffLogin(staffId, STAFF_PASSWORD);
    ctx.clock.advance(14 * 60_000);
    expect((await client.get('/staff/companies')).status).toBe(200);
    ctx.clock.advance(15 * 60_000 + 1);
    const res = await client.get('/staff/companies');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/staff\/login/);
  });

  test.each(['/staff/companies', '/staff/companies/new', '/staff/companies/1', '/staff/audit'])(
    'when %s is opened without login, then it redirects to 行員ログイン',
    async (path) => {
      const res = await new FormClient(ctx.staffApp).get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/staff/login');
    },
  );

  test('when /staff is opened, then it leads to the contract search', async () => {
    const res = await new FormClient(ctx.staffApp).get('/staff');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/companies');
  });
});
