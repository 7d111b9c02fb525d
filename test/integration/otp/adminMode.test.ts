import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { APPROVAL_PASSWORD, auditEvents, givenContract, givenSignedInAdmin, givenUser, USER_PASSWORD } from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';
import { readPage } from '../../helpers/page';
import { maskCredentialId } from '../../../src/domain/token';

const INDIVIDUAL = '管理者、利用者が異なるトークンを利用する。';
const SHARED = '管理者、利用者が同じトークンを利用する。';
const USERS_TABLE = '利用者ごとのワンタイムパスワード認証情報';

describe('ワンタイムパスワード認証情報 and 利用形態設定 (manual §3(2)①–③, R5)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const modeOf = async (companyId: number) => (await ctx.deps.repos.registrations.state(companyId)).usageMode;

  test('when the administrator opens 管理機能, then ワンタイムパスワード認証情報管理 is its first item and leads to the overview', async () => {
    const { client } = await givenSignedInAdmin(ctx);

    const menu = readPage((await client.get('/admin')).text);
    const res = await client.get('/admin/otp');
    const page = readPage(res.text);

    expect(menu.listItems()[0]).toBe('ワンタイムパスワード認証情報管理');
    expect(menu.link('ワンタイムパスワード認証情報管理')).toBe('/admin/otp');
    expect(res.status).toBe(200);
    expect(page.heading()).toBe('ワンタイムパスワード認証情報');
    expect(page.currentStep()).toBe('① ワンタイムパスワード認証情報管理');
    expect(page.term('利用形態')).toBe('未設定');
    expect(page.term('利用開始日時')).toBe('未開始');
    expect(page.text()).toContain('「利用形態設定」ボタンをクリックし、ワンタイムパスワードの利用形態を選択してください。');
    expect(page.button('利用形態設定')).toMatchObject({ type: 'submit', form: { action: '/admin/otp/mode', method: 'get' } });
    expect(page.button('登録・登録解除')).toMatchObject({ type: 'submit', form: { action: '/admin/otp/selection', method: 'post' } });
  });

  test('when the overview lists the users, then each row shows 選択, ログインID, 氏名, 区分, 都度振込, the masked token and the OTP lock', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id, { canTransfer: false });
    const token = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token }]);
    for (let i = 0; i < 6; i += 1) await ctx.deps.repos.locks.recordFailure(user.id, 'otp', 6, ctx.clock.now());

    const html = (await client.get('/admin/otp')).text;
    const page = readPage(html);

    expect(page.term('利用形態')).toBe(INDIVIDUAL);
    expect(page.term('利用開始日時')).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    for (const u of [admin, user]) {
      expect(page.field(`選択（${u.loginId}）`)).toMatchObject({ type: 'checkbox', name: 'userIds', value: String(u.id), checked: false });
    }
    const rows = page.table(USERS_TABLE)?.rows;
    expect(rows).toContainEqual({
      選択: `選択（${admin.loginId}）`, ログインID: admin.loginId, 氏名: admin.name, 区分: '管理者', 都度振込: '可',
      トークンID: maskCredentialId(token.credentialId), 有効期限: `2029年11月26日 トークン切替（${admin.loginId}）`, ワンタイムパスワードのロック: 'なし',
    });
    expect(rows).toContainEqual({
      選択: `選択（${user.loginId}）`, ログインID: user.loginId, 氏名: user.name, 区分: '利用者', 都度振込: '不可',
      トークンID: '未登録', 有効期限: '-', ワンタイムパスワードのロック: 'ロック中',
    });
    expect(html).not.toContain(token.credentialId);
    expect(page.button('利用形態設定')?.description).toEqual(['トークンが登録されているため、利用形態は変更できません。']);
  });

  test('when OTP has started in A and a transfer user has no token, then the overview says who is missing and that they cannot confirm transfers', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);
    const missing = await givenUser(ctx.deps, company.id);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: await givenToken(ctx) }]);

    const next = readPage((await client.get('/admin/otp')).text).section('次に行うこと');

    expect(next?.text()).toContain('都度振込を行う権限のある全ての利用者にトークンを登録してください。トークンが登録されていない利用者は、都度振込を確定できません。');
    expect(next?.listItems()).toEqual([`${missing.loginId}（${missing.name}）`]);
  });

  test('when B is registered, then every row shows 共用トークン and the shared token is shown masked', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);
    await givenUser(ctx.deps, company.id);
    const token = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'shared', [{ userId: null, token }]);

    const page = readPage((await client.get('/admin/otp')).text);

    expect(page.term('利用形態')).toBe(SHARED);
    expect(page.term('共用トークン')).toBe(maskCredentialId(token.credentialId));
    expect(page.table(USERS_TABLE)?.rows.map((row) => row['トークンID'])).toEqual(['共用トークン', '共用トークン']);
  });

  test('when 利用形態設定 is opened, then both modes are offered with the manual\'s words in a fieldset and ③ is the current step', async () => {
    const { client } = await givenSignedInAdmin(ctx);

    const page = readPage((await client.get('/admin/otp/mode')).text);

    expect(page.heading()).toBe('利用形態設定');
    expect(page.currentStep()).toBe('③ 利用形態の選択');
    expect(page.radios('mode')).toMatchObject({
      legend: 'ワンタイムパスワードの利用形態',
      options: [
        { label: INDIVIDUAL, value: 'individual', checked: false },
        { label: SHARED, value: 'shared', checked: false },
      ],
    });
    expect(page.button('次へ')).toMatchObject({ type: 'submit', form: { action: '/admin/otp/mode', method: 'post' } });
  });

  test('when no mode is chosen, then 利用形態を選択してください。 is shown with 400 and nothing is written', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/admin/otp/mode', '/admin/otp/mode', {});

    const page = readPage(res.text);
    expect(res.status).toBe(400);
    expect(page.errors()).toEqual([{ message: '利用形態を選択してください。', field: 'ワンタイムパスワードの利用形態' }]);
    expect(page.radios('mode')?.description).toEqual(['利用形態を選択してください。']);
    expect(await modeOf(company.id)).toBeNull();
    expect(await auditEvents(ctx.deps, 'otp.mode')).toHaveLength(0);
  });

  test.each([
    ['individual', INDIVIDUAL, 'トークンを管理者に登録', '管理者に登録するトークンID'],
    ['shared', SHARED, 'トークンを全利用者に対して登録', '全利用者に対して登録するトークンID'],
  ] as const)('when mode %s is chosen, then it is saved and audited, 次へ leads to ④, and the mode page pre-selects it', async (mode, label, heading, lead) => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/otp/register');
    expect(await modeOf(company.id)).toBe(mode);
    expect((await auditEvents(ctx.deps, 'otp.mode'))[0]).toMatchObject({ outcome: 'success', actor: admin.loginId, companyId: company.id, detail: mode });
    const register = readPage((await client.get('/admin/otp/register')).text);
    expect(register.heading()).toBe(heading);
    expect(register.text()).toContain(lead);
    expect(register.currentStep()).toBe('④ トークン登録');
    const choices = readPage((await client.get('/admin/otp/mode')).text).radios('mode');
    expect(choices?.options.filter((o) => o.checked)).toEqual([{ label, value: mode, checked: true, disabled: false }]);
  });

  test('when a token is registered and the administrator tries the other mode, then it is refused with 400 and the mode stays', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: await givenToken(ctx) }]);

    const res = await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode: 'shared' });

    expect(res.status).toBe(400);
    expect(readPage(res.text).radios('mode')?.description).toEqual(['トークンが登録されているため、利用形態は変更できません。']);
    expect(await modeOf(company.id)).toBe('individual');
    expect(await auditEvents(ctx.deps, 'otp.mode')).toHaveLength(0);
  });

  test('when no token is registered yet, then the mode can still be changed from A to B', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);
    await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode: 'individual' });

    const res = await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode: 'shared' });

    expect(res.status).toBe(303);
    expect(await modeOf(company.id)).toBe('shared');
    expect((await auditEvents(ctx.deps, 'otp.mode')).map((e) => e.detail)).toEqual(['shared', 'individual']);
  });

  test('when the CSRF token is missing, then the mode post is refused with 403 and nothing changes', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);

    const res = await client.agent.post('/admin/otp/mode').type('form').send({ mode: 'shared' });

    expect(res.status).toBe(403);
    expect(await modeOf(company.id)).toBeNull();
  });

  test.each([
    ['GET', '/admin/otp'], ['GET', '/admin/otp/mode'], ['GET', '/admin/otp/register'], ['GET', '/admin/otp/complete'],
    ['GET', '/admin/otp/users/1'], ['POST', '/admin/otp/mode'], ['POST', '/admin/otp/register'], ['POST', '/admin/otp/selection'],
    ['POST', '/admin/otp/users/1'],
  ])('when a 利用者 (not the administrator) sends %s %s, then it is refused with 403 and nothing is written', async (method, path) => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
    await client.get('/');

    const res = method === 'GET' ? await client.get(path) : await client.post(path, { mode: 'shared', userIds: String(user.id), approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(403);
    expect(readPage(res.text).text()).toContain('この操作を行う権限がありません。');
    expect(await modeOf(company.id)).toBeNull();
  });
});
