import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, givenContract, givenSignedInStaff, givenUser, USER_PASSWORD } from '../../helpers/fixtures';
import { readPage } from '../../helpers/page';

/** ログイン履歴 (issue 13, item 5). */
describe('ログイン履歴 and 前回ログイン日時', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when a user logs in again after a failed attempt, then the メニュー shows the previous login in JST and /login-history lists the attempts', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const first = new FormClient(ctx.app);
    await first.login(user.loginId, USER_PASSWORD);
    expect(readPage((await first.get('/')).text).text()).toContain('前回ログイン日時 なし（初めてのログイン）');
    ctx.clock.advance(3_600_000);
    await new FormClient(ctx.app).login(user.loginId, 'wrong-pass-1');
    ctx.clock.advance(60_000);
    const second = new FormClient(ctx.app);
    await second.login(user.loginId, USER_PASSWORD);

    const menu = readPage((await second.get('/')).text);
    const history = readPage((await second.get('/login-history')).text);

    // The fake clock starts at 2026-11-26 01:00 UTC = 10:00 JST.
    expect(menu.text()).toContain('前回ログイン日時 2026/11/26 10:00:00');
    expect(menu.link('ログイン履歴')).toBe('/login-history');
    expect(history.table('あなたのログイン履歴')?.rows).toEqual([
      { 日時: '2026/11/26 11:01:00', 結果: '成功', IPアドレス: expect.any(String) },
      { 日時: '2026/11/26 11:00:00', 結果: '失敗（パスワード誤り）', IPアドレス: expect.any(String) },
      { 日時: '2026/11/26 10:00:00', 結果: '成功', IPアドレス: expect.any(String) },
    ]);
    expect(history.section('契約先全体のログイン履歴')).toBeUndefined();
  });

  /** A user who logged in at 10:00 JST (the fake clock's start) and again a minute later: the second login's browser. */
  async function givenSecondLogin(): Promise<FormClient> {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    await new FormClient(ctx.app).login(user.loginId, USER_PASSWORD);
    ctx.clock.advance(60_000);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
    return client;
  }

  test('when a user logs in, then the session keeps 前回ログイン日時 and the メニュー shows it without reading the audit log', async () => {
    const client = await givenSecondLogin();
    const reads = jest.spyOn(ctx.deps.repos.loginHistory, 'successBefore');

    const menu = readPage((await client.get('/')).text);

    expect(menu.text()).toContain('前回ログイン日時 2026/11/26 10:00:00');
    expect(reads).not.toHaveBeenCalled();
    const rows = await ctx.storage.all<{ data: string }>("SELECT data FROM sessions WHERE realm = 'customer'", []);
    expect(rows.map((row) => (JSON.parse(row.data) as { previousLoginAt?: number | null }).previousLoginAt)).toEqual(
      expect.arrayContaining([null, Date.parse('2026-11-26T01:00:00Z')]),
    );
  });

  test('when a session opened before 前回ログイン日時 was kept in it shows the メニュー, then the audit log gives it', async () => {
    const client = await givenSecondLogin();
    for (const row of await ctx.storage.all<{ sid: string; data: string }>("SELECT sid, data FROM sessions WHERE realm = 'customer'", [])) {
      const { previousLoginAt: _kept, ...older } = JSON.parse(row.data) as Record<string, unknown>;
      await ctx.storage.run('UPDATE sessions SET data = ? WHERE sid = ?', [JSON.stringify(older), row.sid]);
    }
    const reads = jest.spyOn(ctx.deps.repos.loginHistory, 'successBefore');

    expect(readPage((await client.get('/')).text).text()).toContain('前回ログイン日時 2026/11/26 10:00:00');
    expect(reads).toHaveBeenCalledTimes(1);
  });

  test('when there are more than 20 attempts, then the 20 newest are listed; the administrator also sees the company\'s, not another company\'s', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const stranger = await givenUser(ctx.deps, (await givenContract(ctx.deps)).company.id);
    for (let i = 0; i < 22; i += 1) {
      ctx.clock.advance(1000);
      await new FormClient(ctx.app).login(user.loginId, USER_PASSWORD);
    }
    await new FormClient(ctx.app).login(stranger.loginId, USER_PASSWORD);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);

    const history = readPage((await client.get('/login-history')).text);

    expect(history.table('あなたのログイン履歴')?.rows).toHaveLength(1);
    const companyRows = history.table('契約先全体のログイン履歴')!.rows;
    expect(companyRows).toHaveLength(20);
    expect(companyRows[0]).toMatchObject({ ログインID: admin.loginId, 結果: '成功' });
    expect(companyRows.some((r) => r['ログインID'] === stranger.loginId)).toBe(false);
  });

  test('when branch staff open 契約先詳細, then the company\'s recent logins are listed', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    await new FormClient(ctx.app).login(admin.loginId, 'wrong-pass-1');
    const { staff } = await givenSignedInStaff(ctx);

    const page = readPage((await staff.get(`/staff/companies/${company.id}`)).text);

    expect(page.table('最近のログイン')?.rows).toEqual([
      { 日時: '2026/11/26 10:00:00', ログインID: admin.loginId, 結果: '失敗（パスワード誤り）', IPアドレス: expect.any(String) },
    ]);
  });
});
