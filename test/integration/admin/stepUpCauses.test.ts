import { createTestContext, type TestContext } from '../../helpers/app';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, givenSignedInAdmin } from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';
import { readPage } from '../../helpers/page';

/** The administrator's code on an administrator action (issue 13, item 2) says what 振込内容確認 says about a drifted or expired token. */
describe('a step-up code of a drifted or expired administrator token is told as such', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  async function started() {
    const signedIn = await givenSignedInAdmin(ctx, { balance: 1_000_000 });
    const adminToken = await givenToken(ctx);
    await givenRegistered(ctx.deps, signedIn.company.id, 'individual', [{ userId: signedIn.admin.id, token: adminToken }]);
    return { ...signedIn, adminToken };
  }

  const addUser = { loginId: 'step-up-cause', name: '追加 太郎', password: 'New-Pass-1', transferPassword: 'New-Send-1', canTransfer: '1', approvalPassword: APPROVAL_PASSWORD };
  const fieldMessage = (html: string) => readPage(html).errors().map((e) => e.message).join('\n');

  test('when the administrator types a code five steps ahead, then the form says the clock seems off and names 同期ズレ補正, counted, nothing added', async () => {
    const s = await started();
    const res = await s.client.submit('/admin/users', '/admin/users', { ...addUser, otp: s.adminToken.codeAtOffset(5) });
    expect(res.status).toBe(400);
    expect(fieldMessage(res.text)).toContain('時刻がずれている可能性があります');
    expect(fieldMessage(res.text)).toContain('同期ズレ補正');
    expect(fieldMessage(res.text)).toContain('あと 5 回誤るとロックされます。');
    expect(await ctx.deps.repos.users.findByLoginId('step-up-cause')).toBeUndefined();
  });

  test('when the administrator\'s token is past its 有効期限, then the form says it expired and that the branch registers the new one', async () => {
    const s = await started();
    ctx.clock.advance(4 * 366 * 24 * 3_600_000); // past the default 有効期限 (made + 3 years)
    await s.client.login(s.admin.loginId, ADMIN_PASSWORD); // the old session ended long ago
    const res = await s.client.submit('/admin/users', '/admin/users', { ...addUser, otp: s.adminToken.code() });
    expect(res.status).toBe(400);
    expect(fieldMessage(res.text)).toContain('有効期限が切れている');
    expect(fieldMessage(res.text)).toContain('お取引店');
    expect(await ctx.deps.repos.users.findByLoginId('step-up-cause')).toBeUndefined();
  });
});
