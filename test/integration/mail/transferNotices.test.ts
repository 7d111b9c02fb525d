import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { FormClient } from '../../helpers/client';
import { givenContract, givenUser, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { readPage } from '../../helpers/page';
import { givenRegistered, givenToken, nextStep } from '../../helpers/otp';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp';
import { createOutboxWorker, type OutboxWorker } from '../../../src/mail';

const ADMIN_MAIL = 'keiri@example.co.jp';
const USER_MAIL = 'hanako@example.co.jp';

describe('振込受付のお知らせ and the notices of 振込内容確認 (issue 14, R16, ASVS 2.8.5)', () => {
  let smtp: TestSmtpServer;
  let ctx: TestContext;
  let worker: OutboxWorker;

  beforeEach(async () => {
    smtp = await startSmtpServer();
    ctx = await createTestContext({ SMTP_URL: smtp.url });
    worker = createOutboxWorker(ctx.deps)!;
  });
  afterEach(async () => {
    await worker.stop();
    await smtp.close();
  });

  /** A company on one-time passwords (A) whose administrator and transfer user have addresses on file. */
  async function otpCompany(balance = 1_000_000) {
    const { company, admin } = await givenContract(ctx.deps, { balance });
    const user = await givenUser(ctx.deps, company.id);
    await ctx.deps.repos.emails.setEmail(admin.id, ADMIN_MAIL);
    await ctx.deps.repos.emails.setEmail(user.id, USER_MAIL);
    const adminToken = await givenToken(ctx);
    const token = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'individual', [
      { userId: admin.id, token: adminToken },
      { userId: user.id, token },
    ]);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
    return { company, admin, user, token, client };
  }

  async function draftAndConfirm(client: FormClient, otp: string, amount = '1,000') {
    const drafted = await client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, amount });
    expect(drafted.status).toBe(303);
    const confirmPath = drafted.headers.location as string;
    await client.get(confirmPath);
    return client.post(confirmPath, { otp });
  }

  const outboxRows = () => ctx.storage.all('SELECT kind, recipient FROM mail_outbox ORDER BY id');

  test('when a transfer is confirmed with a code, then exactly one 振込受付のお知らせ reaches the user and one the administrator', async () => {
    const { client, token } = await otpCompany();

    const res = await draftAndConfirm(client, token.code(), '12,345');
    expect(res.status).toBe(303);
    // Written with the transfer, delivered by the worker, never by the request itself.
    expect(smtp.received).toHaveLength(0);
    await worker.runOnce();

    const receipt = (await scalar<string>(ctx.storage, "SELECT receipt_number FROM transfers WHERE status = 'completed'"))!;
    for (const address of [USER_MAIL, ADMIN_MAIL]) {
      const mails = smtp.to(address, '振込受付のお知らせ');
      expect(mails).toHaveLength(1);
      const text = mails[0]!.parsed.text!;
      expect(mails[0]!.parsed.subject).toBe('【WEB-FB】振込受付のお知らせ');
      expect(text).toContain(`受付番号: ${receipt}`);
      expect(text).toContain('振込金額: 12,345円');
      expect(text).toContain('****567');
      expect(text).toContain('ﾔﾏ＊＊＊');
      // No full account number, no full payee name.
      expect(text).not.toContain('1234567');
      expect(text).not.toContain(VALID_TRANSFER_FORM.payeeName);
      expect(text).toMatch(/受付日時: 2026\/11\/26 \d\d:\d\d:\d\d（日本時間）/);
    }
    expect(smtp.received).toHaveLength(2);
  });

  test('when a transfer is refused for funds (its job rolled back), then no notice is written and nothing is sent', async () => {
    const { client, token } = await otpCompany(500);

    const res = await draftAndConfirm(client, token.code(), '1,000');

    expect(res.status).toBe(409);
    expect(readPage(res.text).text()).toContain('残高が不足');
    expect(await outboxRows()).toEqual([]);
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(0);
  });

  test('when a code is used a second time, then it is refused and its holder gets the notice of a re-used code (ASVS 2.8.5)', async () => {
    const { client, token } = await otpCompany();
    const code = token.code();
    expect((await draftAndConfirm(client, code)).status).toBe(303);

    const replay = await draftAndConfirm(client, code);

    expect(replay.status).toBe(400);
    await worker.runOnce();
    const notices = smtp.to(USER_MAIL, 'ワンタイムパスワード再使用のお知らせ');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.parsed.text).toContain('すでに使用されたワンタイムパスワードが再度入力された');
    // The administrator got the one 振込受付のお知らせ, nothing about the user's code.
    expect(smtp.to(ADMIN_MAIL).map((m) => m.parsed.subject)).toEqual(['【WEB-FB】振込受付のお知らせ']);
  });

  test('when the sixth wrong code locks the user, then the user and the administrator are told once', async () => {
    const { client, token } = await otpCompany();
    nextStep(ctx);
    const wrong = String((Number(token.code()) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 6; i += 1) await draftAndConfirm(client, wrong);

    await worker.runOnce();

    for (const address of [USER_MAIL, ADMIN_MAIL]) {
      const mails = smtp.to(address, 'ロックのお知らせ');
      expect(mails.map((m) => m.parsed.subject)).toEqual(['【WEB-FB】ワンタイムパスワードのロックのお知らせ']);
    }
    expect(smtp.to(USER_MAIL, 'ロック')[0]!.parsed.text).toContain('管理者が「管理機能」→「利用者管理」で解除します。');
  });
});
