import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { APPROVAL_PASSWORD, auditEvents, givenSignedInAdmin, givenUser, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken, nextStep, type TestToken } from '../../helpers/otp';
import { readPage } from '../../helpers/page';

/** Codes for administrator actions (issue 13, item 2; the table: src/domain/adminStepUp.ts). */
describe('administrator actions after the OTP start take the administrator\'s one-time password', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const REPLAYED = 'このワンタイムパスワードはすでに使用されています。';

  /** A company in A with OTP started: the administrator's token, a locked user with a token, a user without 都度振込. */
  async function started() {
    const signedIn = await givenSignedInAdmin(ctx, { balance: 1_000_000 });
    const { company, admin } = signedIn;
    const user = await givenUser(ctx.deps, company.id);
    const viewer = await givenUser(ctx.deps, company.id, { canTransfer: false });
    const adminToken = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: adminToken }, { userId: user.id, token: await givenToken(ctx) }]);
    for (let i = 0; i < 6; i += 1) await new FormClient(ctx.app).login(user.loginId, 'wrong-pass-1');
    await ctx.deps.repos.limits.setCompany(company.id, { perTransfer: 100_000, daily: 200_000 });
    return { ...signedIn, user, viewer, adminToken };
  }

  type Setup = Awaited<ReturnType<typeof started>>;
  interface Case { page: (s: Setup) => string; action: (s: Setup) => string; fields: Record<string, string>; done: (s: Setup) => Promise<boolean> }
  const cases: Record<string, Case> = {
    addUser: {
      page: () => '/admin/users', action: () => '/admin/users',
      fields: { loginId: 'step-up-user', name: '追加 太郎', password: 'New-Pass-1', transferPassword: 'New-Send-1', canTransfer: '1' },
      done: async () => await ctx.deps.repos.users.findByLoginId('step-up-user') !== undefined,
    },
    grantTransfer: {
      page: (s) => `/admin/users/${s.viewer.id}`, action: (s) => `/admin/users/${s.viewer.id}/transfer-authority`,
      fields: { canTransfer: '1' },
      done: async (s) => (await ctx.deps.repos.users.find(s.viewer.id))!.canTransfer,
    },
    raiseLimit: {
      page: () => '/admin/limits', action: () => '/admin/limits',
      fields: { perTransferLimit: '200,000', dailyLimit: '300,000' },
      done: async (s) => (await ctx.deps.repos.limits.company(s.company.id))!.own.perTransfer === 200_000,
    },
    resetPassword: {
      page: (s) => `/admin/users/${s.user.id}`, action: (s) => `/admin/users/${s.user.id}/password`,
      fields: { password: 'New-Login-1' },
      done: async (s) => (await ctx.deps.repos.users.find(s.user.id))!.passwordHash !== s.user.passwordHash,
    },
    unlockUser: {
      page: (s) => `/admin/users/${s.user.id}`, action: (s) => `/admin/users/${s.user.id}/unlock`,
      fields: {},
      done: async (s) => !await ctx.deps.repos.locks.isLocked(s.user.id, 'login'),
    },
    unregisterUserToken: {
      page: (s) => `/admin/otp/users/${s.user.id}`, action: (s) => `/admin/otp/users/${s.user.id}`,
      fields: { operation: 'unregister' },
      done: async (s) => await ctx.deps.repos.registrations.forUser(s.company.id, s.user.id, 'individual') === undefined,
    },
  };

  const post = (s: Setup, c: Case, extra: Record<string, string>) =>
    s.client.submit(c.page(s), c.action(s), { ...c.fields, approvalPassword: APPROVAL_PASSWORD, ...extra });
  const messages = (html: string) => readPage(html).errors().map((e) => e.message);
  const wrongCode = (token: TestToken) => (token.code() === '000000' ? '111111' : '000000');

  test.each(Object.keys(cases))('when %s is posted without the code, then it is refused beside the field, nothing changes and no secret is checked', async (name) => {
    const c = cases[name]!;
    const s = await started();
    expect(readPage((await s.client.get(c.page(s))).text).forms().length).toBeGreaterThan(0);

    const res = await post(s, c, {});

    expect(res.status).toBe(400);
    expect(messages(res.text)).toContain('管理者のワンタイムパスワードを入力してください。');
    expect(await c.done(s)).toBe(false);
    expect((await ctx.deps.repos.locks.get(s.admin.id, 'approvalPassword')).failures).toBe(0);
  });

  test.each(Object.keys(cases))('when %s is posted with a wrong code, then it is refused, nothing changes and the administrator\'s OTP count goes up (R9)', async (name) => {
    const c = cases[name]!;
    const s = await started();

    const res = await post(s, c, { otp: wrongCode(s.adminToken) });

    expect(res.status).toBe(400);
    expect(messages(res.text)).toContain('ワンタイムパスワードが正しくありません。あと 5 回誤るとロックされます。');
    expect(res.text).not.toContain(wrongCode(s.adminToken));
    expect(await c.done(s)).toBe(false);
    expect((await ctx.deps.repos.locks.get(s.admin.id, 'otp')).failures).toBe(1);
    expect((await auditEvents(ctx.deps, 'otp.verify'))[0]).toMatchObject({ outcome: 'failure', actor: s.admin.loginId });
  });

  test.each(Object.keys(cases))('when %s is posted with the right code, then it is done, and the same code cannot confirm a transfer (R13)', async (name) => {
    const c = cases[name]!;
    const s = await started();
    const code = s.adminToken.code();

    const res = await post(s, c, { otp: code });

    expect(res.status).toBe(303);
    expect(await c.done(s)).toBe(true);
    const drafted = await s.client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, amount: '1000' });
    const id = Number(/(\d+)\/confirm$/.exec(drafted.headers.location as string)![1]);
    await s.client.get(`/transfers/${id}/confirm`);
    const transfer = await s.client.post(`/transfers/${id}/confirm`, { otp: code });
    expect(transfer.status).toBe(400);
    expect(messages(transfer.text).join()).toContain(REPLAYED);
    expect((await ctx.deps.repos.transfers.find(id))!.status).toBe('draft');
  });

  test('when a code has confirmed a transfer, then it cannot authorise an administrator action (R13)', async () => {
    const s = await started();
    const code = s.adminToken.code();
    const drafted = await s.client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, amount: '1000' });
    const id = Number(/(\d+)\/confirm$/.exec(drafted.headers.location as string)![1]);
    await s.client.get(`/transfers/${id}/confirm`);
    expect((await s.client.post(`/transfers/${id}/confirm`, { otp: code })).status).toBe(303);

    const res = await post(s, cases.unlockUser!, { otp: code });

    expect(res.status).toBe(400);
    expect(messages(res.text).join()).toContain(REPLAYED);
    expect(await ctx.deps.repos.locks.isLocked(s.user.id, 'login')).toBe(true);
  });

  test('when the administrator lowers a limit or takes 都度振込 away, then no code is needed; above the bank\'s it is refused', async () => {
    const s = await started();

    const lower = await s.client.submit('/admin/limits', '/admin/limits', { perTransferLimit: '50000', dailyLimit: '200000', approvalPassword: APPROVAL_PASSWORD });
    const revoke = await s.client.submit(`/admin/users/${s.user.id}`, `/admin/users/${s.user.id}/transfer-authority`, { approvalPassword: APPROVAL_PASSWORD });
    const above = await s.client.submit('/admin/limits', '/admin/limits', { perTransferLimit: '5,000,001', dailyLimit: '6000000', approvalPassword: APPROVAL_PASSWORD });

    expect(lower.status).toBe(303);
    expect((await ctx.deps.repos.limits.company(s.company.id))!.own).toEqual({ perTransfer: 50_000, daily: 200_000 });
    expect(revoke.status).toBe(303);
    expect((await ctx.deps.repos.users.find(s.user.id))!.canTransfer).toBe(false);
    expect((await auditEvents(ctx.deps, 'user.transfer_authority'))[0]).toMatchObject({ subject: s.user.loginId, detail: 'revoke' });
    expect(above.status).toBe(400);
    expect(messages(above.text)).toEqual(['1回あたりの振込限度額は、当金庫が設定した限度額（5,000,000円）以下で入力してください。']);
    expect(readPage(above.text).field('1回あたりの振込限度額（円）')?.value).toBe('5,000,001');
    expect((await ctx.deps.repos.limits.company(s.company.id))!.own.perTransfer).toBe(50_000);
  });

  test('when a user\'s own limit is set above the company\'s, then it is refused; within it, the user\'s 入力 shows it', async () => {
    const s = await started();
    const page = `/admin/users/${s.user.id}`;
    nextStep(ctx);

    const above = await s.client.submit(page, `${page}/limits`, { perTransferLimit: '100,001', dailyLimit: '', approvalPassword: APPROVAL_PASSWORD });
    const within = await s.client.submit(page, `${page}/limits`, { perTransferLimit: '30000', dailyLimit: '', approvalPassword: APPROVAL_PASSWORD });

    expect(above.status).toBe(400);
    expect(messages(above.text)).toEqual(['1回あたりの振込限度額は、契約先の限度額（100,000円）以下で入力してください。']);
    expect(within.status).toBe(303);
    expect(await ctx.deps.repos.limits.user(s.user.id)).toEqual({ perTransfer: 30_000, daily: null });
    expect((await auditEvents(ctx.deps, 'limits.user'))[0]).toMatchObject({ subject: s.user.loginId, detail: 'perTransfer=30000 daily=-' });
    const userPage = readPage((await s.client.get(page)).text);
    expect(userPage.term('1回あたりの振込限度額')).toBe('30,000円');
  });

  test('when the branch has unregistered the administrator\'s token, then an action needing a code says to register it first', async () => {
    const s = await started();
    const admins = (await ctx.deps.repos.registrations.forUser(s.company.id, s.admin.id, 'individual'))!;
    await ctx.deps.repos.registrations.delete(admins.id);

    const res = await post(s, cases.unlockUser!, { otp: '123456' });

    expect(res.status).toBe(403);
    expect(messages(res.text)[0]).toContain('管理者のトークンが登録されていないため');
  });
});
