import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { APPROVAL_PASSWORD, auditEvents, givenContract, givenSignedInAdmin, givenUser, USER_PASSWORD } from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';

const INDIVIDUAL = '管理者、利用者が異なるトークンを利用する。';
const SHARED = '管理者、利用者が同じトークンを利用する。';

describe('ワンタイムパスワード認証情報 and 利用形態設定 (manual §3(2)①–③, R5)', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext();
  });

  const modeOf = (companyId: number) => ctx.deps.repos.registrations.state(companyId).usageMode;

  test('when the administrator opens 管理機能, then ワンタイムパスワード認証情報管理 is its first item and leads to the overview', async () => {
    const { client } = await givenSignedInAdmin(ctx);

    const menu = await client.get('/admin');
    const page = await client.get('/admin/otp');

    expect(menu.text).toMatch(/<ul class="menu-list">\s*<li><a href="\/admin\/otp">ワンタイムパスワード認証情報管理<\/a><\/li>/);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>ワンタイムパスワード認証情報</h1>');
    expect(page.text).toMatch(/<li aria-current="step">① ワンタイムパスワード認証情報管理<\/li>/);
    expect(page.text).toMatch(/<dt>利用形態<\/dt><dd>未設定<\/dd>/);
    expect(page.text).toMatch(/<dt>利用開始日時<\/dt><dd>未開始<\/dd>/);
    expect(page.text).toContain('「利用形態設定」ボタンをクリックし、ワンタイムパスワードの利用形態を選択してください。');
    expect(page.text).toMatch(/<form method="get" action="\/admin\/otp\/mode"[^>]*>\s*<button type="submit">利用形態設定<\/button>/);
    expect(page.text).toContain('<button type="submit" class="primary">登録・登録解除</button>');
  });

  test('when the overview lists the users, then each row shows 選択, 利用者ID, 氏名, 区分, 都度振込, the masked token and the OTP lock', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id, { canTransfer: false });
    const token = givenToken(ctx);
    givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token }]);
    for (let i = 0; i < 6; i += 1) ctx.deps.repos.locks.recordFailure(user.id, 'otp', 6, ctx.clock.now());

    const page = (await client.get('/admin/otp')).text;

    const masked = `${token.credentialId.slice(0, 4)} **** ${token.credentialId.slice(8)}`;
    expect(page).toContain(`<dt>利用形態</dt><dd>${INDIVIDUAL}</dd>`);
    expect(page).toMatch(/<dt>利用開始日時<\/dt><dd>\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}<\/dd>/);
    expect(page).toContain(`<input type="checkbox" id="userIds-${admin.id}" name="userIds" value="${admin.id}">`);
    expect(page).toContain(`<label for="userIds-${user.id}" class="visually-hidden">選択（${user.loginId}）</label>`);
    expect(page).toMatch(new RegExp(`<td>${admin.loginId}</td>\\s*<td>${admin.name}</td>\\s*<td>管理者</td>\\s*<td>可</td>\\s*<td>${masked.replace(/\*/g, '\\*')}</td>\\s*<td>なし</td>`));
    expect(page).toMatch(new RegExp(`<td>${user.loginId}</td>\\s*<td>${user.name}</td>\\s*<td>利用者</td>\\s*<td>不可</td>\\s*<td>未登録</td>\\s*<td><strong class="locked">ロック中</strong></td>`));
    expect(page).not.toContain(token.credentialId);
    expect(page).toContain('<span class="hint" id="mode-fixed">トークンが登録されているため、利用形態は変更できません。</span>');
  });

  test('when OTP has started in A and a transfer user has no token, then the overview says who is missing and that they cannot confirm transfers', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);
    const missing = await givenUser(ctx.deps, company.id);
    givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: givenToken(ctx) }]);

    const page = (await client.get('/admin/otp')).text;

    expect(page).toContain('都度振込を行う権限のある全ての利用者にトークンを登録してください。トークンが登録されていない利用者は、都度振込を確定できません。');
    expect(page).toContain(`<li>${missing.loginId}（${missing.name}）</li>`);
  });

  test('when B is registered, then every row shows 共用トークン and the shared token is shown masked', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);
    await givenUser(ctx.deps, company.id);
    const token = givenToken(ctx);
    givenRegistered(ctx.deps, company.id, 'shared', [{ userId: null, token }]);

    const page = (await client.get('/admin/otp')).text;

    expect(page).toContain(`<dt>利用形態</dt><dd>${SHARED}</dd>`);
    expect(page).toContain(`<dt>共用トークン</dt><dd>${token.credentialId.slice(0, 4)} **** ${token.credentialId.slice(8)}</dd>`);
    expect(page.match(/<td>共用トークン<\/td>/g)).toHaveLength(2);
  });

  test('when 利用形態設定 is opened, then both modes are offered with the manual\'s words in a fieldset and ③ is the current step', async () => {
    const { client } = await givenSignedInAdmin(ctx);

    const page = (await client.get('/admin/otp/mode')).text;

    expect(page).toContain('<h1>利用形態設定</h1>');
    expect(page).toMatch(/<li aria-current="step">③ 利用形態の選択<\/li>/);
    expect(page).toMatch(/<fieldset[^>]*>\s*<legend>ワンタイムパスワードの利用形態<\/legend>/);
    expect(page).toContain(`<input type="radio" id="mode" name="mode" value="individual"> ${INDIVIDUAL}</label>`);
    expect(page).toContain(`<input type="radio" id="mode-shared" name="mode" value="shared"> ${SHARED}</label>`);
    expect(page).toContain('<button type="submit" class="primary">次へ</button>');
  });

  test('when no mode is chosen, then 利用形態を選択してください。 is shown with 400 and nothing is written', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/admin/otp/mode', '/admin/otp/mode', {});

    expect(res.status).toBe(400);
    expect(res.text).toContain('<a href="#mode">利用形態を選択してください。</a>');
    expect(res.text).toContain('<p class="field-error" id="mode-error">利用形態を選択してください。</p>');
    expect(modeOf(company.id)).toBeNull();
    expect(auditEvents(ctx.deps, 'otp.mode')).toHaveLength(0);
  });

  test.each([
    ['individual', INDIVIDUAL, 'トークンを管理者に登録', '管理者に登録するトークンID'],
    ['shared', SHARED, 'トークンを全利用者に対して登録', '全利用者に対して登録するトークンID'],
  ] as const)('when mode %s is chosen, then it is saved and audited, 次へ leads to ④, and the mode page pre-selects it', async (mode, label, heading, lead) => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/otp/register');
    expect(modeOf(company.id)).toBe(mode);
    expect(auditEvents(ctx.deps, 'otp.mode')[0]).toMatchObject({ outcome: 'success', actor: admin.loginId, companyId: company.id, detail: mode });
    const register = await client.get('/admin/otp/register');
    expect(register.text).toContain(`<h1>${heading}</h1>`);
    expect(register.text).toContain(lead);
    expect(register.text).toMatch(/<li aria-current="step">④ トークン登録<\/li>/);
    expect((await client.get('/admin/otp/mode')).text).toContain(`value="${mode}" checked> ${label}`);
  });

  test('when a token is registered and the administrator tries the other mode, then it is refused with 400 and the mode stays', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);
    givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: givenToken(ctx) }]);

    const res = await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode: 'shared' });

    expect(res.status).toBe(400);
    expect(res.text).toContain('<p class="field-error" id="mode-error">トークンが登録されているため、利用形態は変更できません。</p>');
    expect(modeOf(company.id)).toBe('individual');
    expect(auditEvents(ctx.deps, 'otp.mode')).toHaveLength(0);
  });

  test('when no token is registered yet, then the mode can still be changed from A to B', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);
    await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode: 'individual' });

    const res = await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode: 'shared' });

    expect(res.status).toBe(303);
    expect(modeOf(company.id)).toBe('shared');
    expect(auditEvents(ctx.deps, 'otp.mode').map((e) => e.detail)).toEqual(['shared', 'individual']);
  });

  test('when the CSRF token is missing, then the mode post is refused with 403 and nothing changes', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);

    const res = await client.agent.post('/admin/otp/mode').type('form').send({ mode: 'shared' });

    expect(res.status).toBe(403);
    expect(modeOf(company.id)).toBeNull();
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
    expect(res.text).toContain('この操作を行う権限がありません。');
    expect(modeOf(company.id)).toBeNull();
  });
});
