import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { givenContract, givenStaff, STAFF_PASSWORD } from '../../helpers/fixtures';
import { readPage } from '../../helpers/page';

describe('操作履歴 and the separate branch listener', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  async function loggedInStaff(): Promise<FormClient> {
    const client = new FormClient(ctx.staffApp);
    await client.staffLogin(await givenStaff(ctx.deps), STAFF_PASSWORD);
    return client;
  }

  const auditRows = (html: string): Record<string, string>[] => readPage(html).table('操作履歴')?.rows ?? [];

  test('when staff open 操作履歴, then entries of every company are listed newest first with the company column', async () => {
    const a = await givenContract(ctx.deps, { name: '東町商店' });
    ctx.clock.advance(60_000);
    const b = await givenContract(ctx.deps, { name: '西町工業' });
    await new FormClient(ctx.app).login(b.admin.loginId, 'wrong-pass-1');
    const staff = await loggedInStaff();

    const res = await staff.get('/staff/audit');

    expect(res.status).toBe(200);
    expect(readPage(res.text).heading()).toBe('操作履歴');
    const rows = auditRows(res.text);
    expect(rows[0]).toMatchObject({ 契約先: '—', 操作: '行員ログイン', 結果: '成功' });
    const rowOf = (company: string, operation: string): number => rows.findIndex((r) => r['契約先'] === company && r['操作'] === operation);
    expect(rows[rowOf('西町工業', 'ログイン')]).toMatchObject({ 操作者: b.admin.loginId, 結果: '失敗', 詳細: 'ログインパスワードが正しくありません（1回目の誤り）。' });
    expect(rowOf('西町工業', 'ログイン')).toBeLessThan(rowOf('東町商店', '契約登録'));
    expect(rows[rowOf('東町商店', '契約登録')]).toMatchObject({ 対象: a.admin.loginId, 詳細: expect.stringMatching(/^代表口座 普通 \d{7}、開設残高 1,000,000円。$/) });
  });

  test('when staff act, then the console names them as 行員 with their address, and tools and unknown IDs in words', async () => {
    const staffId = await givenStaff(ctx.deps);
    const staff = new FormClient(ctx.staffApp);
    await staff.staffLogin('no-such-staff', STAFF_PASSWORD);
    await staff.staffLogin(staffId, STAFF_PASSWORD);

    const rows = auditRows((await staff.get('/staff/audit')).text);

    expect(rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ 操作者: `行員 ${staffId}`, 操作: '行員ログイン', 結果: '成功', 接続元: expect.stringMatching(/\S/) }),
      expect.objectContaining({ 操作者: 'no-such-staff（未登録のID）', 操作: '行員ログイン', 結果: '失敗', 詳細: '登録されていないIDです。' }),
      expect.objectContaining({ 操作者: 'システム（管理コマンド）', 操作: '行員登録', 対象: staffId }),
    ]));
  });

  test('when staff filter by operation and dates, then only those entries are listed, the bank-only group is offered and the pager carries the filter', async () => {
    for (let i = 0; i < 25; i += 1) await givenContract(ctx.deps);
    const staff = await loggedInStaff();

    const res = await staff.get('/staff/audit?operation=contract&from=2026-11-26&to=2026-11-26');
    const bankOnly = await staff.get('/staff/audit?operation=bank');

    const page = readPage(res.text);
    expect(auditRows(res.text)).toHaveLength(20);
    expect(auditRows(res.text).every((r) => r['操作'] === '契約登録')).toBe(true);
    expect(page.text()).toContain('1 / 2 ページ（全25件）');
    expect(page.link('次へ')).toBe('?from=2026-11-26&to=2026-11-26&operation=contract&page=2');
    expect(bankOnly.status).toBe(200);
    expect(auditRows(bankOnly.text).map((r) => r['操作'])).toEqual(['行員登録']);
  });

  test('when 終了日 is before 開始日, then the console says so with 400 and lists nothing', async () => {
    const staff = await loggedInStaff();

    const res = await staff.get('/staff/audit?from=2026-11-27&to=2026-11-26');

    expect(res.status).toBe(400);
    const page = readPage(res.text);
    expect(page.errors()).toEqual([{ message: '終了日は開始日と同じ日か、それより後の日付を入力してください。', field: '終了日' }]);
    expect(page.table('操作履歴')).toBeUndefined();
  });

  test('when there are more entries than a page holds, then 操作履歴 is paged', async () => {
    // Each contract writes two entries: 契約登録 and the bank's 振込限度額 (issue 13).
    for (let i = 0; i < 12; i += 1) await givenContract(ctx.deps);
    const staff = await loggedInStaff();
    const first = await staff.get('/staff/audit');
    expect(readPage(first.text).text()).toContain('1 / 2 ページ（全26件）');
    const second = await staff.get('/staff/audit?page=2');
    expect(readPage(second.text).text()).toContain('2 / 2 ページ（全26件）');
    expect(auditRows(second.text)).toHaveLength(6);
  });

  test.each(['/login', '/', '/transfers/new', '/admin'])('when %s is asked of the branch listener, then it does not exist', async (path) => {
    const res = await new FormClient(ctx.staffApp).get(path);
    expect(res.status).toBe(404);
  });

  test.each(['/staff/login', '/staff/companies', '/staff/audit'])('when %s is asked of the customer site, then it does not exist', async (path) => {
    const res = await new FormClient(ctx.app).get(path);
    expect(res.status).toBe(404);
  });

  test('when a customer session cookie is sent to the branch listener, then it opens nothing', async () => {
    const { admin } = await givenContract(ctx.deps);
    const customer = new FormClient(ctx.app);
    const login = await customer.login(admin.loginId, 'Admin-Pass-1');
    const cookie = ((login.headers['set-cookie'] as unknown as string[]) ?? [])[0]!.split(';')[0]!;
    const res = await new FormClient(ctx.staffApp).agent.get('/staff/companies').set('Cookie', cookie.replace('webfb.sid', 'webfb.staff.sid'));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/login');
  });

  test('when a console page is served, then it carries the security headers and is not cached', async () => {
    const staff = await loggedInStaff();
    const res = await staff.get('/staff/companies');
    expect(res.headers['content-security-policy']).toContain("script-src 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBeDefined();
  });
});
