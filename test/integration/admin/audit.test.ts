import type { Response } from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, givenContract, givenSignedInStaff, TRANSFER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { readPage } from '../../helpers/page';

/** The 操作履歴 table as a person reads it: one record per row, cells by column name. */
const auditRows = (res: Response): Record<string, string>[] => readPage(res.text).table('操作履歴')?.rows ?? [];

/** 2026-11-27 00:00 in Japan is 2026-11-26 15:00 UTC. */
const JST_MIDNIGHT_27 = Date.UTC(2026, 10, 26, 15, 0, 0);

describe('操作履歴 (the company\'s audit log)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  async function signedInAdmin(name?: string) {
    const contract = await givenContract(ctx.deps, { name });
    const client = new FormClient(ctx.app);
    await client.login(contract.admin.loginId, ADMIN_PASSWORD);
    return { ...contract, client };
  }

  const record = async (companyId: number, event: string, detail: string | null = null, subject: string | null = null) =>
    await ctx.deps.audit.record({ type: 'user', id: 'someone', companyId, clientIp: '192.0.2.1' }, { event, outcome: 'success', subject, detail });

  test('when the administrator opens 操作履歴, then only the own company\'s rows are shown', async () => {
    const other = await givenContract(ctx.deps);
    await new FormClient(ctx.app).login(other.admin.loginId, ADMIN_PASSWORD);
    const { admin, client } = await signedInAdmin();

    const res = await client.get('/admin/audit');

    expect(res.status).toBe(200);
    expect(readPage(res.text).heading()).toBe('操作履歴');
    const rows = auditRows(res);
    expect(rows[0]).toMatchObject({ 操作者: admin.loginId, 操作: 'ログイン', 結果: '成功' });
    expect(rows.map((r) => r['操作者'])).not.toContain(other.admin.loginId);
    expect(readPage(res.text).text()).not.toContain(other.admin.loginId);
  });

  test('when a login, the 利用形態 and a transfer are refused or done, then 操作履歴 says so in Japanese words and shows no raw code', async () => {
    const { admin, client } = await signedInAdmin();
    await new FormClient(ctx.app).login(admin.loginId, 'wrong-pass-1');
    await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode: 'individual' });
    const drafted = await client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, amount: '30000' });
    const confirm = drafted.headers.location as string;
    await client.submit(confirm, confirm, { transferPassword: `${TRANSFER_PASSWORD}x` });

    const res = await client.get('/admin/audit');

    expect(auditRows(res)).toEqual(expect.arrayContaining([
      expect.objectContaining({ 操作: 'ログイン', 結果: '失敗', 詳細: 'ログインパスワードが正しくありません（1回目の誤り）。' }),
      expect.objectContaining({ 操作: '利用形態設定', 結果: '成功', 詳細: '利用形態を「A：管理者、利用者が異なるトークンを利用する。」に設定しました。' }),
      expect.objectContaining({ 操作: '送信確認パスワード照合', 詳細: '送信確認パスワードが正しくありません（1回目の誤り）。' }),
      expect.objectContaining({ 操作: '都度振込確定', 結果: '失敗', 詳細: '送信確認パスワードまたはワンタイムパスワードが正しくありませんでした（振込金額 30,000円）。' }),
      expect.objectContaining({ 操作: '契約登録', 詳細: expect.stringMatching(/^代表口座 普通 \d{7}、開設残高 1,000,000円。$/) }),
    ]));
    const text = readPage(res.text).text();
    for (const raw of ['failures=', 'reason=', 'amount=', 'individual', '開設残高 1000000']) expect(text).not.toContain(raw);
  });

  test('when branch staff unlock the administrator, then the customer sees 当金庫（営業店）, not the employee\'s ID or address', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    for (let i = 0; i < ctx.deps.config.lockoutThreshold; i += 1) await new FormClient(ctx.app).login(admin.loginId, 'wrong-pass-1');
    const { staffId, staff } = await givenSignedInStaff(ctx);
    await staff.submit(`/staff/companies/${company.id}`, `/staff/companies/${company.id}/users/${admin.id}/unlock`, {});
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);

    const res = await client.get('/admin/audit');

    expect(auditRows(res)).toEqual(expect.arrayContaining([
      expect.objectContaining({ 操作者: '当金庫（営業店）', 操作: 'ロック解除', 接続元: '', 詳細: 'ログインパスワードのロックを解除しました。' }),
      expect.objectContaining({ 操作: 'ロック', 詳細: 'ログインパスワードの誤りが続いたため、ロックしました。' }),
      expect.objectContaining({ 操作: 'ログイン', 結果: '失敗', 詳細: 'ログインパスワードが正しくありません（6回目の誤り）。' }),
    ]));
    expect(readPage(res.text).text()).not.toContain(staffId);
  });

  test('when a detail is in no known shape, then it is shown as written, escaped, with a full トークンID masked', async () => {
    const { company, client } = await signedInAdmin();
    await record(company.id, 'future.event', '<script>alert(1)</script> SYMC12345678');

    const res = await client.get('/admin/audit');

    expect(auditRows(res)[0]).toMatchObject({ 操作: 'future.event', 詳細: '<script>alert(1)</script> SYMC **** 5678' });
    expect(res.text).not.toContain('<script>alert(1)');
  });

  test('when 開始日 and 終了日 are one day, then entries of that JST day only are listed, both ends included', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    for (const [at, subject] of [[-1000, 'day-before'], [0, 'first-moment'], [86_399_000, 'last-second'], [86_400_000, 'day-after']] as const) {
      ctx.clock.set(JST_MIDNIGHT_27 + at);
      await record(company.id, 'user.add', '都度振込権限あり', subject);
    }
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);

    const res = await client.get('/admin/audit?from=2026-11-27&to=2026-11-27');

    expect(res.status).toBe(200);
    expect(auditRows(res).map((r) => [r['日時'], r['対象']])).toEqual([
      ['2026/11/27 23:59:59', 'last-second'],
      ['2026/11/27 00:00:00', 'first-moment'],
    ]);
    const page = readPage(res.text);
    expect(page.text()).toContain('絞り込み結果：2件');
    expect(page.field('開始日')).toMatchObject({ name: 'from', type: 'date', value: '2026-11-27' });
    expect(page.field('終了日')).toMatchObject({ name: 'to', type: 'date', value: '2026-11-27' });
    expect(page.button('絞り込む')?.form).toMatchObject({ action: '/admin/audit', method: 'get' });
  });

  test('when an operation is chosen, then only its events are listed and the choice stays selected', async () => {
    const { company, client } = await signedInAdmin();
    await record(company.id, 'lock', 'otp', 'user9');
    await record(company.id, 'user.add', '都度振込権限なし', 'user9');

    const res = await client.get('/admin/audit?operation=lock');

    expect(auditRows(res)).toEqual([expect.objectContaining({ 操作: 'ロック', 詳細: 'ワンタイムパスワードの誤りが続いたため、ロックしました。' })]);
    expect(readPage(res.text).field('操作')).toMatchObject({ name: 'operation', type: 'select', value: 'lock' });
  });

  test('when the date is not a real day, then the page says so with 400, keeps the operation and lists nothing', async () => {
    const { company, client } = await signedInAdmin();
    await record(company.id, 'lock', 'otp', 'user9');

    const res = await client.get('/admin/audit?from=2026-02-30&operation=lock');

    expect(res.status).toBe(400);
    const page = readPage(res.text);
    expect(page.errors()).toEqual([{ message: '開始日は「2026/04/01」のように、実在する日付を西暦で入力してください。', field: '開始日' }]);
    expect(page.field('開始日')).toMatchObject({ invalid: true });
    expect(page.field('操作')?.value).toBe('lock');
    expect(page.table('操作履歴')).toBeUndefined();
  });

  test('when a filter or an extra parameter names another company or a bank-only group, then it never widens the own company\'s log', async () => {
    const other = await givenContract(ctx.deps, { name: '他社商事' });
    await record(other.company.id, 'user.add', '都度振込権限あり', 'other-user');
    await ctx.deps.audit.record({ type: 'system', id: 'cli', companyId: null, clientIp: null }, { event: 'staff.add', outcome: 'success', subject: 'staff-x' });
    const { client } = await signedInAdmin();

    const everyDay = await client.get(`/admin/audit?from=2000-01-01&to=2099-12-31&operation=users&companyId=${other.company.id}&company_id=${other.company.id}`);
    const bankOnly = await client.get('/admin/audit?operation=bank');

    expect(everyDay.status).toBe(200);
    expect(readPage(everyDay.text).text()).not.toContain('other-user');
    expect(auditRows(everyDay)).toEqual([]);
    expect(bankOnly.status).toBe(400);
    expect(readPage(bankOnly.text).text()).not.toContain('staff-x');
  });

  test('when there are more than 20 rows, then they are paged newest first, the pager carries the filter and an odd page number is clamped', async () => {
    const { company, client } = await signedInAdmin();
    for (let i = 1; i <= 23; i += 1) {
      ctx.clock.advance(1000);
      await record(company.id, 'user.add', null, `row-${String(i).padStart(2, '0')}`);
    }

    const first = await client.get('/admin/audit?operation=users&from=2026-11-26');
    const second = await client.get('/admin/audit?operation=users&from=2026-11-26&page=2');
    const beyond = await client.get('/admin/audit?page=99');
    const odd = await client.get('/admin/audit?page=abc');

    expect(auditRows(first)).toHaveLength(20);
    expect(auditRows(first)[0]!['対象']).toBe('row-23');
    expect(readPage(first.text).text()).toContain('1 / 2 ページ（全23件）');
    expect(readPage(first.text).link('次へ')).toBe('?from=2026-11-26&operation=users&page=2');
    expect(auditRows(second).map((r) => r['対象'])).toEqual(['row-03', 'row-02', 'row-01']);
    expect(readPage(second.text).link('前へ')).toBe('?from=2026-11-26&operation=users&page=1');
    // Unfiltered: the 23 rows, contract.open, the bank's limits.bank (issue 13) and the login.
    expect(readPage(beyond.text).text()).toContain('2 / 2 ページ（全26件）');
    expect(auditRows(beyond)).toHaveLength(6);
    expect(readPage(odd.text).text()).toContain('1 / 2 ページ');
  });
});
