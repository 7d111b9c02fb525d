import { createTestContext, type TestContext } from '../../helpers/app';
import { givenContract, givenSignedInStaff } from '../../helpers/fixtures';
import { readPage } from '../../helpers/page';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp';
import { createOutboxWorker, OutboxWorker } from '../../../src/mail';
import { smtpTransport } from '../../../src/mail/transport';
import { LEASE_MS } from '../../../src/mail/worker';
import type { OutboxRepository } from '../../../src/repositories/outbox';

describe('the outbox worker delivers over SMTP (issue 14)', () => {
  let smtp: TestSmtpServer;
  let ctx: TestContext;
  let workers: OutboxWorker[];

  beforeEach(async () => {
    smtp = await startSmtpServer();
    ctx = await createTestContext({ SMTP_URL: smtp.url, MAIL_FROM: 'しんきん WEB-FB <notice@bank.example.jp>', MAIL_MAX_ATTEMPTS: '4' });
    workers = [];
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await smtp.close();
  });

  const worker = (): OutboxWorker => {
    const w = createOutboxWorker(ctx.deps)!;
    workers.push(w);
    return w;
  };

  /** A notice due for an administrator with an address: a password change is the simplest event. */
  async function givenNotice(email = 'kanri@example.co.jp') {
    const { company, admin } = await givenContract(ctx.deps);
    await ctx.deps.storage.transaction(async () => {
      await ctx.deps.repos.emails.setEmail(admin.id, email);
      await ctx.deps.notices.passwordChanged(admin.id, ['password'], 'ご本人');
    });
    const row = (await ctx.storage.get<{ id: number; messageId: string }>('SELECT id, message_id AS messageId FROM mail_outbox ORDER BY id DESC LIMIT 1'))!;
    return { company, admin, email, ...row };
  }

  const statusOf = async (id: number) =>
    (await ctx.storage.get<{ status: string; attempts: number; nextAttemptAt: number; lastError: string | null }>(
      'SELECT status, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError FROM mail_outbox WHERE id = ?',
      [id],
    ))!;

  test('when a notice is delivered, then a mail program reads its sender, address, Message-ID, date and Japanese subject and body', async () => {
    const { email, messageId } = await givenNotice();

    expect(await worker().runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 });

    const [mail] = smtp.to(email);
    expect(smtp.received).toHaveLength(1);
    expect(mail!.parsed.subject).toBe('【WEB-FB】パスワード変更のお知らせ');
    expect(mail!.parsed.from?.value[0]).toEqual({ name: 'しんきん WEB-FB', address: 'notice@bank.example.jp' });
    expect(mail!.parsed.to && !Array.isArray(mail!.parsed.to) && mail!.parsed.to.value[0]!.address).toBe(email);
    expect(mail!.parsed.messageId).toBe(messageId);
    expect(mail!.parsed.date?.getTime()).toBe(ctx.clock.now() - (ctx.clock.now() % 1000));
    expect(mail!.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail!.parsed.text).toContain('ログインパスワードを変更しました。');
    expect(mail!.parsed.text).toContain('（日本時間）');
    expect(mail!.parsed.text).toContain('WEB-FBヘルプデスク');
    expect(mail!.parsed.html).toBe(false);
  });

  test('when the server refuses the first two tries, then the worker retries after its backoff and the mail is delivered once', async () => {
    const { id } = await givenNotice();
    smtp.refuseNext(2);
    const w = worker();

    expect(await w.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
    const first = await statusOf(id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first.lastError).toContain('451');
    expect(first.nextAttemptAt).toBe(ctx.clock.now() + 5_000);
    // Not due yet: nothing is tried before the backoff has passed.
    expect(await w.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });

    ctx.clock.advance(5_000);
    expect(await w.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect((await statusOf(id)).nextAttemptAt).toBe(ctx.clock.now() + 10_000);

    ctx.clock.advance(10_000);
    expect(await w.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await statusOf(id)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(smtp.received).toHaveLength(1);
  });

  test('when the server refuses every try, then the mail is failed after MAIL_MAX_ATTEMPTS and the branch console lists it', async () => {
    const { id, company } = await givenNotice();
    smtp.refuseNext(100);
    const w = worker();
    for (let i = 0; i < 4; i += 1) {
      await w.runOnce();
      ctx.clock.advance(60 * 60_000);
    }
    expect(await statusOf(id)).toMatchObject({ status: 'failed', attempts: 4 });
    expect(await w.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(0);

    const { staff } = await givenSignedInStaff(ctx);
    const table = readPage((await staff.get(`/staff/companies/${company.id}`)).text).table('未配信のお知らせメール');
    expect(table?.rows).toEqual([expect.objectContaining({ 件名: '【WEB-FB】パスワード変更のお知らせ', 宛先: 'k***@example.co.jp', 状態: '配信失敗', 送信試行: '4回' })]);
    expect((await staff.agent.get('/healthz')).body.outbox).toEqual({ pending: 0, failed: 1, oldestPendingSeconds: 0 });
  });

  test('when a worker is killed between the send and the mark, then the mail is delivered again after its lease, with the same Message-ID', async () => {
    const { id, email, messageId } = await givenNotice();
    // The first worker dies right after the server took the message: its 'sent' is never written.
    const dying = Object.create(ctx.deps.repos.outbox) as OutboxRepository;
    dying.markSent = () => {
      throw new Error('killed');
    };
    const killed = new OutboxWorker({ ...ctx.deps, repos: { outbox: dying } }, smtpTransport(ctx.deps.config.mail));
    workers.push(killed);
    await expect(killed.runOnce()).rejects.toThrow('killed');
    expect(smtp.to(email)).toHaveLength(1);

    const survivor = worker();
    expect(await survivor.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    ctx.clock.advance(LEASE_MS);
    expect(await survivor.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 });

    // At least once: delivered, and counted twice — the duplicate carries the same Message-ID, which mail programs collapse.
    const copies = smtp.to(email);
    expect(copies).toHaveLength(2);
    expect(copies.map((c) => c.parsed.messageId)).toEqual([messageId, messageId]);
    expect(await statusOf(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('when two workers (two nodes on one database) run at once, then every mail goes out once', async () => {
    const { admin } = await givenNotice();
    await ctx.deps.storage.transaction(async () => {
      for (let i = 0; i < 9; i += 1) await ctx.deps.notices.passwordChanged(admin.id, ['transferPassword'], 'ご本人');
    });

    const results = await Promise.all([worker().runOnce(), worker().runOnce()]);

    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(10);
    expect(smtp.received).toHaveLength(10);
    expect(new Set(smtp.received.map((r) => r.parsed.messageId)).size).toBe(10);
  });

  test('when the worker is started and stopped with the service, then it delivers on its own timer and stops cleanly', async () => {
    const { email } = await givenNotice();
    const w = createOutboxWorker(ctx.deps, { pollMs: 10 })!;
    w.start();
    for (let i = 0; i < 200 && smtp.to(email).length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    await w.stop();
    expect(smtp.to(email)).toHaveLength(1);
  });
});
