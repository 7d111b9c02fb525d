import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, givenContract, givenUser, USER_PASSWORD } from '../../helpers/fixtures';

describe('管理機能 menu and who may use it', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when the administrator opens 管理機能, then it links 利用者管理 and 操作履歴 and no page that does not exist', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);

    const res = await client.get('/admin');

    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>管理機能</h1>');
    expect(res.text).toContain('<a href="/admin/users">利用者管理</a>');
    expect(res.text).toContain('<a href="/admin/audit">操作履歴</a>');
    expect(res.text).toContain('<a href="/admin/otp">ワンタイムパスワード認証情報管理</a>');
  });

  test.each(['/admin', '/admin/users', '/admin/audit'])(
    'when a 利用者 (not the administrator) opens %s, then it is refused with 403',
    async (path) => {
      const { company } = await givenContract(ctx.deps);
      const user = await givenUser(ctx.deps, company.id);
      const client = new FormClient(ctx.app);
      await client.login(user.loginId, USER_PASSWORD);

      const res = await client.get(path);

      expect(res.status).toBe(403);
      expect(res.text).toContain('この操作を行う権限がありません。');
    },
  );

  test('when a 利用者 posts the 利用者追加 form, then it is refused with 403 and no user is written', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);

    const res = await client.submit('/', '/admin/users', {
      loginId: 'intruder',
      name: '侵入者',
      password: 'Intrude-1',
      transferPassword: 'Intrude-2',
      approvalPassword: APPROVAL_PASSWORD,
    });

    expect(res.status).toBe(403);
    expect(await ctx.deps.repos.users.findByLoginId('intruder')).toBeUndefined();
  });

  test('when nobody is logged in, then /admin leads to the login page', async () => {
    const res = await new FormClient(ctx.app).get('/admin/users');

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
  });
});
