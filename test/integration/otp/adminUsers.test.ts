import { createTestContext, type TestContext } from '../../helpers/app';
import type { FormClient } from '../../helpers/client';
import { APPROVAL_PASSWORD, auditEvents, givenContract, givenSignedInAdmin, givenUser } from '../../helpers/fixtures';
import { givenRegistered, givenToken, nextStep, type TestToken } from '../../helpers/otp';
import { readPage } from '../../helpers/page';
import { maskCredentialId } from '../../../src/domain/token';
import type { User } from '../../../src/repositories/users';

const BRANCH_ONLY = '管理者のトークンの登録解除は、お取引店の窓口で書面によるお手続きが必要です。お越しの際は代表口座のお届け印をご持参ください。';
const USERS_TABLE = '利用者ごとのワンタイムパスワード認証情報';
/** What is read with the field labelled `label` besides the label: its hint and, once it is wrong, the message. */
const besideField = (html: string, label: string): string[] | undefined => readPage(html).field(label)?.description;
/** The messages of the error summary at the top of the form. */
const summary = (html: string): string[] => readPage(html).errors().map((e) => e.message);

describe('利用者のトークン登録・登録解除 (manual §3(3), Q1, R5, R8)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  /** A company in A whose administrator's token is registered, with two transfer users. */
  async function contractInA(opts: { adminRegistered?: boolean } = {}) {
    const signedIn = await givenSignedInAdmin(ctx);
    const { company, admin } = signedIn;
    const user1 = await givenUser(ctx.deps, company.id);
    const user2 = await givenUser(ctx.deps, company.id);
    const adminToken = await givenToken(ctx);
    if (opts.adminRegistered ?? true) await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: adminToken }]);
    else await ctx.deps.repos.registrations.setUsageMode(company.id, 'individual');
    return { ...signedIn, user1, user2, adminToken };
  }

  const select = (client: FormClient, users: User[]) =>
    client.submit('/admin/otp', '/admin/otp/selection', { userIds: users.map((u) => String(u.id)) });
  const registerFor = (client: FormClient, user: User, token: TestToken, approvalPassword = APPROVAL_PASSWORD) =>
    client.submit(`/admin/otp/users/${user.id}`, `/admin/otp/users/${user.id}`, {
      operation: 'register', credentialId: token.credentialId, otp: token.code(), approvalPassword,
    });
  // Once OTP has started, the administrator's code too (issue 13, item 2).
  const unregisterFor = (client: FormClient, user: User, approvalPassword = APPROVAL_PASSWORD, otp = '') =>
    client.submit(`/admin/otp/users/${user.id}`, `/admin/otp/users/${user.id}`, { operation: 'unregister', approvalPassword, otp });
  const registrationOf = async (user: User) => await ctx.deps.repos.registrations.forUser(user.companyId, user.id, 'individual');

  test('when nobody is ticked, then the overview says 利用者を選択してください。 with 400', async () => {
    const { client } = await contractInA();

    const res = await client.submit('/admin/otp', '/admin/otp/selection', {});

    const page = readPage(res.text);
    expect(res.status).toBe(400);
    expect(page.heading()).toBe('ワンタイムパスワード認証情報');
    expect(page.errors()).toEqual([{ message: '利用者を選択してください。', field: USERS_TABLE }]);
    expect(page.table(USERS_TABLE)?.description).toEqual(['利用者を選択してください。']);
  });

  test('when two users are selected and registered one after the other, then ⑤ leads to the next user and ends after the last', async () => {
    const { client, user1, user2 } = await contractInA();
    const token1 = await givenToken(ctx);
    const token2 = await givenToken(ctx);

    const selected = await select(client, [user2, user1]);
    expect(selected.status).toBe(303);
    expect(selected.headers.location).toBe(`/admin/otp/users/${user1.id}`);
    const page = readPage((await client.get(`/admin/otp/users/${user1.id}`)).text);
    expect(page.heading()).toBe('利用者のトークン登録・登録解除');
    expect(page.term('ログインID')).toBe(user1.loginId);
    expect(page.section('トークン登録')?.button('確定')?.form).toMatchObject({ action: `/admin/otp/users/${user1.id}`, hidden: { operation: 'register' } });

    const first = await registerFor(client, user1, token1);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/admin/otp/complete');
    const done1 = readPage((await client.get('/admin/otp/complete')).text);
    expect(done1.term('対象')).toBe(`${user1.loginId}（${user1.name}）`);
    expect(done1.term('トークンID')).toBe(maskCredentialId(token1.credentialId));
    expect(done1.link('次の利用者へ')).toBe(`/admin/otp/users/${user2.id}`);

    const second = await registerFor(client, user2, token2);
    expect(second.status).toBe(303);
    const done2 = readPage((await client.get('/admin/otp/complete')).text);
    expect(done2.term('対象')).toBe(`${user2.loginId}（${user2.name}）`);
    expect(done2.text()).not.toContain('次の利用者へ');
    expect((await registrationOf(user1))?.credentialId).toBe(token1.credentialId);
    expect((await registrationOf(user2))?.credentialId).toBe(token2.credentialId);
    expect((await auditEvents(ctx.deps, 'otp.register')).map((e) => [e.outcome, e.subject])).toEqual([['success', user2.loginId], ['success', user1.loginId]]);
  });

  test('when the administrator without a token is selected in A, then ④-1 comes first and ⑤ leads on to the selected user', async () => {
    const { client, admin, user1, adminToken } = await contractInA({ adminRegistered: false });

    const selected = await select(client, [user1, admin]);
    const primary = await client.submit('/admin/otp/register', '/admin/otp/register', {
      credentialId: adminToken.credentialId, otp: adminToken.code(), approvalPassword: APPROVAL_PASSWORD,
    });

    expect(selected.headers.location).toBe('/admin/otp/register');
    expect(primary.status).toBe(303);
    expect(readPage((await client.get('/admin/otp/complete')).text).link('次の利用者へ')).toBe(`/admin/otp/users/${user1.id}`);
  });

  test('when the selection starts with the administrator whose token is registered, then that page explains the branch and leads to the next user', async () => {
    const { client, admin, user1 } = await contractInA();

    const res = await select(client, [user1, admin]);
    const page = readPage((await client.get(res.headers.location as string)).text);

    expect(res.headers.location).toBe(`/admin/otp/users/${admin.id}`);
    expect(page.text()).toContain(BRANCH_ONLY);
    expect(page.link('次の利用者へ')).toBe(`/admin/otp/users/${user1.id}`);
  });

  test("when a user's token is registered before the administrator's, then it is refused with 先に管理者のトークンを登録してください。", async () => {
    const { client, admin, user1 } = await contractInA({ adminRegistered: false });
    const token = await givenToken(ctx);
    const page = readPage((await client.get(`/admin/otp/users/${user1.id}`)).text);

    const res = await registerFor(client, user1, token);

    expect(page.text()).toContain('先に管理者のトークンを登録してください。トークン登録へ進む');
    expect(page.link('トークン登録へ進む')).toBe('/admin/otp/register');
    expect(page.field('トークンID')).toBeUndefined();
    expect(res.status).toBe(400);
    expect(summary(res.text)).toEqual(['先に管理者のトークンを登録してください。']);
    expect(await registrationOf(user1)).toBeUndefined();
    expect((await ctx.deps.repos.tokens.find(token.credentialId))?.lastStep).toBeNull();
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(0);
  });

  test("when a token registered to one user is entered for another user of the company, then it is refused as not registrable (R5)", async () => {
    const { client, company, user1, user2 } = await contractInA();
    const token = await givenToken(ctx);
    await registerFor(client, user1, token);
    nextStep(ctx);

    const res = await registerFor(client, user2, token);

    expect(res.status).toBe(400);
    expect(besideField(res.text, 'トークンID')).toContain('このトークンIDは登録できません。別のソフトウェアトークンをご利用ください。');
    expect(readPage(res.text).field('トークンID')?.value).toBe(token.credentialId);
    expect(await registrationOf(user2)).toBeUndefined();
    expect((await auditEvents(ctx.deps, 'otp.register'))[0]).toMatchObject({ outcome: 'failure', companyId: company.id, subject: user2.loginId, detail: 'taken' });
  });

  test("when the administrator's own token is entered for a user, then it is refused as not registrable", async () => {
    const { client, user1, adminToken } = await contractInA();
    nextStep(ctx);

    const res = await registerFor(client, user1, adminToken);

    expect(res.status).toBe(400);
    expect(besideField(res.text, 'トークンID')).toContain('このトークンIDは登録できません。別のソフトウェアトークンをご利用ください。');
    expect(await registrationOf(user1)).toBeUndefined();
  });

  test('when a wrong code is typed for a user, then the administrator\'s OTP counter counts it (R9) and nothing is registered', async () => {
    const { client, admin, user1 } = await contractInA();
    const token = await givenToken(ctx);

    const res = await client.submit(`/admin/otp/users/${user1.id}`, `/admin/otp/users/${user1.id}`, {
      operation: 'register', credentialId: token.credentialId, otp: token.codeAtOffset(30), approvalPassword: APPROVAL_PASSWORD,
    });

    expect(res.status).toBe(400);
    expect(besideField(res.text, 'ワンタイムパスワード')).toContain('トークンIDまたはワンタイムパスワードが正しくありません。あと 5 回誤るとロックされます。');
    expect((await ctx.deps.repos.locks.get(admin.id, 'otp')).failures).toBe(1);
    expect((await ctx.deps.repos.locks.get(user1.id, 'otp')).failures).toBe(0);
    expect(await registrationOf(user1)).toBeUndefined();
  });

  test("when the administrator unregisters a user's token with the 承認用パスワード, then it is removed, ⑤ says 登録解除完了 and it is audited", async () => {
    const { client, admin, user1, adminToken } = await contractInA();
    const token = await givenToken(ctx);
    await registerFor(client, user1, token);
    const page = readPage((await client.get(`/admin/otp/users/${user1.id}`)).text);
    expect(page.section('トークン登録解除')?.button('確定')?.form).toMatchObject({ action: `/admin/otp/users/${user1.id}`, hidden: { operation: 'unregister' } });
    expect(page.field('トークンID')).toBeUndefined();

    const res = await unregisterFor(client, user1, APPROVAL_PASSWORD, adminToken.code());

    expect(res.status).toBe(303);
    expect(await registrationOf(user1)).toBeUndefined();
    const done = readPage((await client.get('/admin/otp/complete')).text);
    expect(done.heading()).toBe('登録解除完了');
    expect(done.term('トークンID')).toBe(maskCredentialId(token.credentialId));
    expect((await auditEvents(ctx.deps, 'otp.unregister'))[0]).toMatchObject({
      outcome: 'success', actor: admin.loginId, subject: user1.loginId, detail: maskCredentialId(token.credentialId),
    });
    expect(readPage((await client.get('/admin/otp')).text).section('次に行うこと')?.listItems()).toContain(`${user1.loginId}（${user1.name}）`);
  });

  test('when the 承認用パスワード of an unregistration is wrong, then 400 says so and the token stays', async () => {
    const { client, admin, user1, adminToken } = await contractInA();
    await registerFor(client, user1, await givenToken(ctx));

    const res = await unregisterFor(client, user1, 'Wrong-Pass-9', adminToken.code());

    expect(res.status).toBe(400);
    expect(besideField(res.text, '承認用パスワード')).toContain('承認用パスワードが正しくありません。あと 5 回誤るとロックされます。');
    expect(res.text).not.toContain('Wrong-Pass-9');
    expect(await registrationOf(user1)).toBeDefined();
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(1);
    expect(await auditEvents(ctx.deps, 'otp.unregister')).toHaveLength(0);
  });

  test("when the administrator's own token is to be unregistered on the customer side in A, then the page and a post both send to the branch (R8, Q1)", async () => {
    const { client, admin } = await contractInA();

    const page = readPage((await client.get(`/admin/otp/users/${admin.id}`)).text);
    const res = await unregisterFor(client, admin);

    expect(page.text()).toContain(BRANCH_ONLY);
    expect(page.field('承認用パスワード')).toBeUndefined();
    expect(res.status).toBe(400);
    expect(summary(res.text)).toEqual([BRANCH_ONLY]);
    expect(await registrationOf(admin)).toBeDefined();
    expect((await auditEvents(ctx.deps, 'otp.unregister'))[0]).toMatchObject({ outcome: 'failure', subject: admin.loginId, detail: 'branchOnly' });
  });

  test('when the shared token is to be unregistered in B, for the administrator or a user, then it is refused with the branch message (R8)', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);
    await givenRegistered(ctx.deps, company.id, 'shared', [{ userId: null, token: await givenToken(ctx) }]);

    const page = readPage((await client.get(`/admin/otp/users/${user.id}`)).text);
    const byUser = await unregisterFor(client, user);
    const byAdmin = await unregisterFor(client, admin);

    expect(page.text()).toContain('この利用者は管理者と同じ共用トークンを利用します。');
    expect(page.text()).toContain(BRANCH_ONLY);
    for (const res of [byUser, byAdmin]) {
      expect(res.status).toBe(400);
      expect(summary(res.text)).toEqual([BRANCH_ONLY]);
    }
    expect(await ctx.deps.repos.registrations.listForCompany(company.id)).toHaveLength(1);
    expect((await auditEvents(ctx.deps, 'otp.unregister')).map((e) => e.detail)).toEqual(['branchOnly', 'branchOnly']);
  });

  test("when another company's user id is used, then GET, POST and 選択 answer 404 and nothing changes", async () => {
    const { client } = await contractInA();
    const other = await givenContract(ctx.deps);
    const stranger = await givenUser(ctx.deps, other.company.id);

    const get = await client.get(`/admin/otp/users/${stranger.id}`);
    const post = await registerFor(client, stranger, await givenToken(ctx));
    const selection = await select(client, [stranger]);
    const garbage = await client.get('/admin/otp/users/abc');

    expect([get.status, post.status, selection.status, garbage.status]).toEqual([404, 404, 404, 404]);
    expect(await ctx.deps.repos.registrations.listForCompany(other.company.id)).toEqual([]);
  });

  test('when a page shown before the token changed is posted, then the other operation is refused with 400 and nothing changes', async () => {
    const { client, admin, user1 } = await contractInA();
    const token = await givenToken(ctx);
    await client.get(`/admin/otp/users/${user1.id}`); // shows the register form
    await registerFor(client, user1, token); // meanwhile, another tab registers

    nextStep(ctx);
    const stale = await client.post(`/admin/otp/users/${user1.id}`, {
      operation: 'register', credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD,
    });

    expect(stale.status).toBe(400);
    expect(summary(stale.text)[0]).toContain('画面を表示した後に変わっています。');
    expect((await registrationOf(user1))?.credentialId).toBe(token.credentialId);
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(0);
    expect(await auditEvents(ctx.deps, 'otp.register')).toHaveLength(1);
  });

  test('when the CSRF token is missing, then an unregistration is refused with 403 and the token stays', async () => {
    const { client, user1 } = await contractInA();
    await registerFor(client, user1, await givenToken(ctx));

    const res = await client.agent.post(`/admin/otp/users/${user1.id}`).type('form').send({ operation: 'unregister', approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(403);
    expect(await registrationOf(user1)).toBeDefined();
    expect(await auditEvents(ctx.deps, 'otp.unregister')).toHaveLength(0);
  });
});
