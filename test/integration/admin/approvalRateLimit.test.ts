import { createTestContext, type TestContext } from '../../helpers/app';
import { givenSignedInAdmin, givenUser } from '../../helpers/fixtures';

describe('承認用パスワード entries are rate-limited per administrator (issue 10)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext({ APPROVAL_RATE_LIMIT: '3' });
  });

  test('when the limit is spent across 利用者追加 and ロック解除, then the next entry is refused with 429 and nothing is checked', async () => {
    const { admin, company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);
    await ctx.deps.repos.locks.recordFailure(user.id, 'login', 1, ctx.clock.now()); // locked, so ロック解除 asks for the approval
    const addUser = { loginId: 'taro01', name: '山田太郎', password: 'Taro-Pass-1', transferPassword: 'Taro-Send-1', canTransfer: '1', approvalPassword: 'Wrong-Pass-9' };
    await client.submit('/admin/users', '/admin/users', addUser);
    await client.submit('/admin/users', '/admin/users', addUser);
    await client.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/unlock`, { approvalPassword: 'Wrong-Pass-9' });

    const res = await client.submit('/admin/users', '/admin/users', addUser);

    expect(res.status).toBe(429);
    expect(res.text).toContain('承認用パスワードの入力が多すぎます。しばらくしてから再度お試しください。');
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(3);
  });

  test('when administrator forms without the 承認用パスワード are posted, then they do not spend the limit', async () => {
    const { client } = await givenSignedInAdmin(ctx);
    for (let i = 0; i < 5; i += 1) await client.submit('/admin/otp/mode', '/admin/otp/mode', { mode: 'individual' });

    const res = await client.submit('/admin/users', '/admin/users', {
      loginId: 'taro01', name: '山田太郎', password: 'Taro-Pass-1', transferPassword: 'Taro-Send-1', canTransfer: '1', approvalPassword: 'Wrong-Pass-9',
    });

    expect(res.status).toBe(400);
  });
});
