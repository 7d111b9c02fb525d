import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import {
  ADMIN_PASSWORD, APPROVAL_PASSWORD, auditEvents, givenContract, givenUser, TRANSFER_PASSWORD, USER_PASSWORD, givenSignedInAdmin,
} from '../../helpers/fixtures';
import type { User } from '../../../src/repositories/users';

describe('利用者管理: a user\'s page, ロック解除 and パスワード再設定', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });


  async function lockedOutByLogins(user: User): Promise<void> {
    const client = new FormClient(ctx.app);
    for (let i = 0; i < 6; i += 1) await client.submit('/login', '/login', { loginId: user.loginId, password: 'wrong-pass-1' });
  }

  test('when a user locked by six wrong logins is unlocked, then the user can log in again and the unlock is audited', async () => {
    const { admin, company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);
    await lockedOutByLogins(user);
    expect((await client.get('/admin/users')).text).toContain('ロック中</strong>（ログインパスワード）');

    const res = await client.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/unlock`, { approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/users/${user.id}`);
    const page = await client.get(`/admin/users/${user.id}`);
    expect(page.text).toContain('ロックを解除しました。');
    expect(page.text).toContain('この利用者はロックされていません。');
    expect(await ctx.deps.repos.locks.isLocked(user.id, 'login')).toBe(false);
    expect((await auditEvents(ctx.deps, 'unlock'))[0]).toMatchObject({
      outcome: 'success', actor: admin.loginId, companyId: company.id, subject: user.loginId, detail: 'login',
    });
    expect((await new FormClient(ctx.app).login(user.loginId, USER_PASSWORD)).status).toBe(303);
  });

  test('when nothing is locked, then the page says so, no unlock is recorded and no approval attempt is spent', async () => {
    const { admin, company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);

    const res = await client.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/unlock`, { approvalPassword: 'Wrong-Pass-9' });

    expect(res.status).toBe(400);
    expect(res.text).toContain('この利用者はロックされていません。');
    expect(await auditEvents(ctx.deps, 'unlock')).toHaveLength(0);
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(0);
  });

  test('when the 承認用パスワード for an unlock is wrong, then the user stays locked and the count goes up', async () => {
    const { admin, company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);
    await lockedOutByLogins(user);

    const res = await client.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/unlock`, { approvalPassword: 'Wrong-Pass-9' });

    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="unlockApprovalPassword-error">承認用パスワードが正しくありません。あと 5 回誤るとロックされます。/);
    expect(res.text).toContain('href="#unlockApprovalPassword"');
    expect(await ctx.deps.repos.locks.isLocked(user.id, 'login')).toBe(true);
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(1);
    expect(await auditEvents(ctx.deps, 'unlock')).toHaveLength(0);
  });

  test('when both passwords are reset, then the user logs in with the new one, not the old, and the reset is audited', async () => {
    const { admin, company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);

    const res = await client.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/password`, {
      password: 'New-Login-1', transferPassword: 'New-Send-1', approvalPassword: APPROVAL_PASSWORD,
    });

    expect(res.status).toBe(303);
    expect((await client.get(`/admin/users/${user.id}`)).text).toContain('パスワードを再設定しました。');
    expect((await new FormClient(ctx.app).login(user.loginId, USER_PASSWORD)).status).toBe(401);
    expect((await new FormClient(ctx.app).login(user.loginId, 'New-Login-1')).status).toBe(303);
    const updated = (await ctx.deps.repos.users.find(user.id))!;
    expect(await ctx.deps.hasher.verify('New-Send-1', updated.transferPasswordHash)).toBe(true);
    expect((await auditEvents(ctx.deps, 'user.password_reset'))[0]).toMatchObject({
      outcome: 'success', actor: admin.loginId, subject: user.loginId, detail: 'password,transferPassword',
    });
  });

  test('when the login password of a user is reset, then the sessions opened with the old one end', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);
    const userClient = new FormClient(ctx.app);
    await userClient.login(user.loginId, USER_PASSWORD);
    expect((await userClient.get('/')).status).toBe(200);

    await client.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/password`, {
      password: 'New-Login-1', approvalPassword: APPROVAL_PASSWORD,
    });

    const after = await userClient.get('/');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login');
    expect((await client.get('/admin')).status).toBe(200);
  });

  test('when only the 送信確認パスワード is given, then only it changes', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);

    const res = await client.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/password`, {
      password: '', transferPassword: 'New-Send-1', approvalPassword: APPROVAL_PASSWORD,
    });

    expect(res.status).toBe(303);
    const updated = (await ctx.deps.repos.users.find(user.id))!;
    expect(updated.passwordHash).toBe(user.passwordHash);
    expect(await ctx.deps.hasher.verify('New-Send-1', updated.transferPasswordHash)).toBe(true);
    expect((await auditEvents(ctx.deps, 'user.password_reset'))[0]?.detail).toBe('transferPassword');
  });

  test.each([
    ['neither new password is given', { password: '', transferPassword: '', approvalPassword: APPROVAL_PASSWORD }, '新しいログインパスワードまたは新しい送信確認パスワードを入力してください。'],
    ['the new password is weak', { password: 'password', transferPassword: '', approvalPassword: APPROVAL_PASSWORD }, '新しいログインパスワードには英字と数字をそれぞれ1文字以上含めてください。'],
    ['the 承認用パスワード is wrong', { password: 'New-Login-1', transferPassword: '', approvalPassword: 'Wrong-Pass-9' }, '承認用パスワードが正しくありません。あと 5 回誤るとロックされます。'],
  ])('when %s, then the reset is refused with a message and nothing changes', async (_case, form, message) => {
    const { company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);

    const res = await client.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/password`, form);

    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
    expect(res.text).not.toContain('New-Login-1');
    expect(await ctx.deps.repos.users.find(user.id)).toEqual(user);
    expect(await auditEvents(ctx.deps, 'user.password_reset')).toHaveLength(0);
  });

  test('when the administrator names another company\'s user, then every page and action answers 404 and nothing changes', async () => {
    const other = await givenContract(ctx.deps);
    const stranger = await givenUser(ctx.deps, other.company.id);
    await lockedOutByLogins(stranger);
    const { admin, client } = await givenSignedInAdmin(ctx);
    const approval = { approvalPassword: APPROVAL_PASSWORD };

    const page = await client.get(`/admin/users/${stranger.id}`);
    const otherAdmin = await client.get(`/admin/users/${other.admin.id}`);
    const unlock = await client.submit('/admin/users', `/admin/users/${stranger.id}/unlock`, approval);
    const reset = await client.submit('/admin/users', `/admin/users/${stranger.id}/password`, { ...approval, password: 'New-Login-1' });
    const odd = await client.get('/admin/users/1e3');

    for (const res of [page, otherAdmin, unlock, reset, odd]) expect(res.status).toBe(404);
    expect(page.text).not.toContain(stranger.loginId);
    expect(await ctx.deps.repos.locks.isLocked(stranger.id, 'login')).toBe(true);
    expect(await ctx.deps.repos.users.find(stranger.id)).toEqual(stranger);
    expect(await auditEvents(ctx.deps, 'unlock')).toHaveLength(0);
    expect(await auditEvents(ctx.deps, 'user.password_reset')).toHaveLength(0);
    expect((await auditEvents(ctx.deps, 'access.denied'))[0]).toMatchObject({ actor: admin.loginId, outcome: 'failure' });
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(0);
  });

  test('when the administrator opens the own row, then there are no forms, and posting for it is refused with 403', async () => {
    const { admin, client } = await givenSignedInAdmin(ctx);
    await ctx.deps.repos.locks.recordFailure(admin.id, 'transferPassword', 1, ctx.clock.now());

    const page = await client.get(`/admin/users/${admin.id}`);
    const unlock = await client.post(`/admin/users/${admin.id}/unlock`, { approvalPassword: APPROVAL_PASSWORD });
    const reset = await client.post(`/admin/users/${admin.id}/password`, { password: 'New-Admin-1', approvalPassword: APPROVAL_PASSWORD });

    expect(page.status).toBe(200);
    expect(page.text).toContain('管理者のロック解除・パスワード再設定はお取引店にお申し出ください。');
    expect(page.text).not.toContain(`action="/admin/users/${admin.id}/`);
    expect(unlock.status).toBe(403);
    expect(reset.status).toBe(403);
    expect(await ctx.deps.repos.locks.isLocked(admin.id, 'transferPassword')).toBe(true);
    expect(await ctx.deps.repos.users.find(admin.id)).toEqual(admin);
    expect(await auditEvents(ctx.deps, 'access.denied')).toHaveLength(2);
  });

  test('when an unlock is posted without a CSRF token or with another session\'s, then it is refused with 403 and the user stays locked', async () => {
    const { admin, company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);
    await lockedOutByLogins(user);
    const otherSession = new FormClient(ctx.app);
    await otherSession.login(admin.loginId, ADMIN_PASSWORD);
    await otherSession.get(`/admin/users/${user.id}`);
    await client.get(`/admin/users/${user.id}`);

    const action = `/admin/users/${user.id}/unlock`;
    const none = await client.agent.post(action).type('form').send({ approvalPassword: APPROVAL_PASSWORD });
    const foreign = await client.agent.post(action).type('form').send({ approvalPassword: APPROVAL_PASSWORD, _csrf: otherSession.csrfToken() });

    expect(none.status).toBe(403);
    expect(foreign.status).toBe(403);
    expect(await ctx.deps.repos.locks.isLocked(user.id, 'login')).toBe(true);
    expect(await auditEvents(ctx.deps, 'unlock')).toHaveLength(0);
  });

  test('when a user\'s 送信確認パスワード is locked, then the user page shows it and unlocking lifts it', async () => {
    const { company, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);
    for (let i = 0; i < 6; i += 1) await ctx.deps.repos.locks.recordFailure(user.id, 'transferPassword', 6, ctx.clock.now());

    const page = await client.get(`/admin/users/${user.id}`);
    await client.post(`/admin/users/${user.id}/unlock`, { approvalPassword: APPROVAL_PASSWORD });

    expect(page.text).toContain('ロック中</strong>（送信確認パスワード）');
    expect(await ctx.deps.repos.locks.isLocked(user.id, 'transferPassword')).toBe(false);
    expect(await ctx.deps.hasher.verify(TRANSFER_PASSWORD, (await ctx.deps.repos.users.find(user.id))!.transferPasswordHash)).toBe(true);
  });
});
