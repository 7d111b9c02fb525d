import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, givenContract, givenSignedInAdmin, givenSignedInStaff, givenUser, USER_PASSWORD } from '../../helpers/fixtures';
import { readPage } from '../../helpers/page';
import { loadConfig, ConfigError } from '../../../src/config';
import { createOutboxWorker } from '../../../src/mail';

const outbox = (ctx: TestContext) =>
  ctx.storage.all<{ kind: string; recipient: string; subject: string; body: string }>('SELECT kind, recipient, subject, body FROM mail_outbox ORDER BY id');

describe('addresses on the forms, and the notices of account events (issue 14)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when the branch opens a contract with adminEmail, then the administrator\'s address is stored normalised', async () => {
    const { staff } = await givenSignedInStaff(ctx);
    const res = await staff.submit('/staff/companies/new', '/staff/companies/new', {
      companyName: 'メール商事', accountBalance: '1000000', adminLoginId: 'mail-admin', adminName: '管理 花子',
      adminEmail: ' Kanri@Mail-Shoji.CO.JP ', adminPassword: ADMIN_PASSWORD, adminApprovalPassword: APPROVAL_PASSWORD, adminTransferPassword: 'Send-Pass-1',
    });
    expect(res.status).toBe(303);
    const admin = (await ctx.deps.repos.users.findByLoginId('mail-admin'))!;
    expect((await ctx.deps.repos.emails.recipient(admin.id))!.email).toBe('kanri@mail-shoji.co.jp');
  });

  test('when the contract form has a malformed adminEmail, then it is refused beside the field with what was typed', async () => {
    const { staff } = await givenSignedInStaff(ctx);
    const res = await staff.submit('/staff/companies/new', '/staff/companies/new', {
      companyName: 'メール商事', accountBalance: '1000000', adminLoginId: 'mail-admin2', adminName: '管理 花子',
      adminEmail: 'kanri at example', adminPassword: ADMIN_PASSWORD, adminApprovalPassword: APPROVAL_PASSWORD, adminTransferPassword: 'Send-Pass-1',
    });
    expect(res.status).toBe(400);
    const field = readPage(res.text).field('管理者メールアドレス')!;
    expect(field.value).toBe('kanri at example');
    expect(field.description).toContain('管理者メールアドレスの形式が正しくありません（例: taro@example.co.jp）。');
  });

  test('when the administrator adds a user with an email, then the address is stored with the user', async () => {
    const { client } = await givenSignedInAdmin(ctx);
    const res = await client.submit('/admin/users', '/admin/users', {
      loginId: 'hanako01', name: '振込 花子', email: 'Hanako@Example.co.jp', password: USER_PASSWORD, transferPassword: 'Send-Pass-9',
      canTransfer: '1', approvalPassword: APPROVAL_PASSWORD,
    });
    expect(res.status).toBe(303);
    const user = (await ctx.deps.repos.users.findByLoginId('hanako01'))!;
    expect((await ctx.deps.repos.emails.recipient(user.id))!.email).toBe('hanako@example.co.jp');
  });

  test('when the administrator changes a user\'s address in 利用者管理, then it is stored and the old address is told', async () => {
    const { client, company } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);
    await ctx.deps.repos.emails.setEmail(user.id, 'before@example.co.jp');

    const bad = await client.submit(`/admin/users/${user.id}/email`, `/admin/users/${user.id}/email`, { email: 'after@', approvalPassword: APPROVAL_PASSWORD });
    expect(bad.status).toBe(400);
    expect(readPage(bad.text).field('メールアドレス')!.value).toBe('after@');

    const res = await client.submit(`/admin/users/${user.id}/email`, `/admin/users/${user.id}/email`, { email: 'after@example.co.jp', approvalPassword: APPROVAL_PASSWORD });
    expect(res.status).toBe(303);
    expect((await ctx.deps.repos.emails.recipient(user.id))!.email).toBe('after@example.co.jp');
    expect((await outbox(ctx)).map((m) => [m.kind, m.recipient])).toEqual([
      ['email.change', 'before@example.co.jp'],
      ['email.change', 'after@example.co.jp'],
    ]);
  });

  test('when another company\'s administrator opens a user\'s address page, then it does not exist for them (404)', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const { client } = await givenSignedInAdmin(ctx);
    expect((await client.get(`/admin/users/${user.id}/email`)).status).toBe(404);
  });

  test('when a user logs in after wrong passwords, then the user is told; a login without failures tells nothing', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    await ctx.deps.repos.emails.setEmail(user.id, 'u@example.co.jp');
    await new FormClient(ctx.app).login(user.loginId, USER_PASSWORD);
    expect(await outbox(ctx)).toEqual([]);

    const client = new FormClient(ctx.app);
    await client.login(user.loginId, 'Wrong-Pass-1');
    await client.login(user.loginId, 'Wrong-Pass-2');
    await client.login(user.loginId, USER_PASSWORD);

    const [mail] = await outbox(ctx);
    expect(mail).toMatchObject({ kind: 'login.after_failures', subject: '【WEB-FB】ログインのお知らせ' });
    expect(mail!.body).toContain('ログインパスワードの誤入力（2回）の後に、ログインがありました。');
  });

  test('when the login password is locked, then the administrator of that company is told (the branch unlocks it)', async () => {
    const { admin } = await givenContract(ctx.deps);
    await ctx.deps.repos.emails.setEmail(admin.id, 'a@example.co.jp');
    const client = new FormClient(ctx.app);
    for (let i = 0; i < 6; i += 1) await client.login(admin.loginId, `Wrong-Pass-${i}`);

    const locks = (await outbox(ctx)).filter((m) => m.kind === 'lock.login');
    expect(locks.map((m) => m.subject)).toEqual(['【WEB-FB】ログインパスワードのロックのお知らせ']);
    expect(locks[0]!.body).toContain('お取引店にお申し出ください');
  });

  test('when a password is reset by the administrator, then its holder is told which one, and nothing secret is in the mail', async () => {
    const { client, company } = await givenSignedInAdmin(ctx);
    const user = await givenUser(ctx.deps, company.id);
    await ctx.deps.repos.emails.setEmail(user.id, 'u@example.co.jp');

    const res = await client.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/password`, { password: 'Brand-New-9', approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(303);
    const [mail] = await outbox(ctx);
    expect(mail).toMatchObject({ kind: 'password.change', recipient: 'u@example.co.jp' });
    expect(mail!.body).toContain('ログインパスワードを変更しました。');
    expect(mail!.body).not.toContain('Brand-New-9');
  });

  test('when a user has no address, then no mail is written for them', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, 'Wrong-Pass-1');
    await client.login(user.loginId, USER_PASSWORD);
    expect(await outbox(ctx)).toEqual([]);
  });
});

describe('the demo mailbox and the configuration (issue 14)', () => {
  test('when demo mode runs without SMTP_URL, then the worker delivers into the mailbox shown on /staff/mail', async () => {
    const ctx = await createTestContext({ DEMO: '1' });
    const { admin } = await givenContract(ctx.deps);
    await ctx.deps.repos.emails.setEmail(admin.id, 'demo@example.co.jp');
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, 'Wrong-Pass-1');
    await client.login(admin.loginId, ADMIN_PASSWORD);
    await createOutboxWorker(ctx.deps)!.runOnce();

    const { staff } = await givenSignedInStaff(ctx);
    const page = readPage((await staff.get('/staff/mail')).text);
    expect(page.heading()).toBe('デモ用メールボックス');
    expect(page.section('【WEB-FB】ログインのお知らせ')?.term('宛先')).toBe('demo@example.co.jp');
  });

  test.each([
    ['outside demo mode', { DEMO: '0' }],
    ['with SMTP_URL', { DEMO: '1', SMTP_URL: 'smtp://127.0.0.1:2525' }],
  ])('when the console runs %s, then /staff/mail does not exist', async (_name, env) => {
    const ctx = await createTestContext(env);
    const { staff } = await givenSignedInStaff(ctx);
    expect((await staff.get('/staff/mail')).status).toBe(404);
  });

  test('when production starts without SMTP_URL, then it is refused with a clear message unless MAIL_DISABLED=true', () => {
    const base = { NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(32), SESSION_SECRET: 'y'.repeat(32) };
    expect(() => loadConfig(base)).toThrow(ConfigError);
    expect(() => loadConfig(base)).toThrow(/without SMTP_URL.*MAIL_DISABLED=true/s);
    expect(loadConfig({ ...base, MAIL_DISABLED: 'true' }).mail.transport).toBe('disabled');
    expect(loadConfig({ ...base, SMTP_URL: 'smtps://u:p@mail.example.jp:465' }).mail.transport).toBe('smtp');
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://mail.example.jp' })).toThrow(/SMTP_URL/);
  });

  test('when notices are switched off, then events write no mail, and /healthz reports the backlog', async () => {
    const ctx = await createTestContext({ MAIL_DISABLED: 'true' });
    const { admin } = await givenContract(ctx.deps);
    await ctx.deps.repos.emails.setEmail(admin.id, 'a@example.co.jp');
    await ctx.deps.storage.transaction(async () => await ctx.deps.notices.passwordChanged(admin.id, ['password'], 'ご本人'));
    expect(await outbox(ctx)).toEqual([]);
    expect(createOutboxWorker(ctx.deps)).toBeUndefined();

    const on = await createTestContext();
    const other = await givenContract(on.deps);
    await on.deps.repos.emails.setEmail(other.admin.id, 'a@example.co.jp');
    await on.deps.storage.transaction(async () => await on.deps.notices.passwordChanged(other.admin.id, ['password'], 'ご本人'));
    on.clock.advance(90_000);
    expect((await request(on.app).get('/healthz')).body.outbox).toEqual({ pending: 1, failed: 0, oldestPendingSeconds: 90 });
  });
});
