import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { FormClient, setCookieOf } from '../../helpers/client';
import { ADMIN_PASSWORD, auditEvents, givenContract, givenUser, TRANSFER_PASSWORD, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { confirmTransfer } from '../../../src/services/transfers';

const validForm = VALID_TRANSFER_FORM;

describe('振込内容確認 → 確定 (R10)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const balanceOf = async (companyId: number): Promise<number> => (await ctx.deps.repos.companies.find(companyId))!.balance;
  const completedCount = async (): Promise<number> =>
    (await scalar(ctx.storage, "SELECT count(*) FROM transfers WHERE status = 'completed'"))!;

  /** A logged-in transfer user of a fresh contract. */
  async function transferUser(balance = 1_000_000) {
    const { company } = await givenContract(ctx.deps, { balance });
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
    return { company, user, client };
  }

  async function draft(client: FormClient, amount = '1000'): Promise<number> {
    const res = await client.submit('/transfers/new', '/transfers', { ...validForm, amount });
    expect(res.status).toBe(303);
    return Number(/^\/transfers\/(\d+)\/confirm$/.exec(res.headers.location as string)![1]);
  }

  const confirmPath = (id: number): string => `/transfers/${id}/confirm`;

  test('when one draft is confirmed twice at once, then it is executed and debited exactly once', async () => {
    const { company, client } = await transferUser(1_000_000);
    const id = await draft(client, '300,000');
    await client.get(confirmPath(id));

    const results = await Promise.all([
      client.post(confirmPath(id), { transferPassword: TRANSFER_PASSWORD }),
      client.post(confirmPath(id), { transferPassword: TRANSFER_PASSWORD }),
    ]);

    expect(results.map((r) => [r.status, r.headers.location])).toEqual([
      [303, `/transfers/${id}`],
      [303, `/transfers/${id}`],
    ]);
    expect(await completedCount()).toBe(1);
    expect(await balanceOf(company.id)).toBe(700_000);
    expect((await auditEvents(ctx.deps, 'transfer.confirm')).filter((e) => e.outcome === 'success')).toHaveLength(1);
  });

  test('when two confirmations have both passed the draft check, then the compare-and-set lets only one complete', async () => {
    const { company, user, client } = await transferUser(1_000_000);
    const id = await draft(client, '1000');
    const actor = { type: 'user' as const, id: user.loginId, companyId: company.id, clientIp: null };
    const confirmation = { method: 'transferPassword' as const, usageMode: null };

    // Both calls hold the draft as read before either awaits bcrypt, so both reach the transaction.
    const drafted = (await ctx.deps.repos.transfers.find(id))!;
    const outcomes = await Promise.all([
      confirmTransfer(ctx.deps, confirmation, user, drafted, TRANSFER_PASSWORD, actor),
      confirmTransfer(ctx.deps, confirmation, user, drafted, TRANSFER_PASSWORD, actor),
    ]);

    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok)).toEqual([{ ok: false, reason: 'completed' }]);
    expect(await balanceOf(company.id)).toBe(999_000);
  });

  test('when a completed confirmation is posted again, then it says already received and debits nothing more', async () => {
    const { company, client } = await transferUser(1_000_000);
    const id = await draft(client, '1000');
    await client.submit(confirmPath(id), confirmPath(id), { transferPassword: TRANSFER_PASSWORD });
    const receipt = (await ctx.deps.repos.transfers.find(id))!.receiptNumber;

    const again = await client.post(confirmPath(id), { transferPassword: TRANSFER_PASSWORD });

    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/transfers/${id}`);
    const page = await client.get(`/transfers/${id}`);
    expect(page.text).toContain('この振込はすでに受付済みです。');
    expect((await ctx.deps.repos.transfers.find(id))!.receiptNumber).toBe(receipt);
    expect(await balanceOf(company.id)).toBe(999_000);
    // The back button to the confirm page leads to the 明細, not to a second form.
    expect((await client.get(confirmPath(id))).headers.location).toBe(`/transfers/${id}`);
  });

  test('when a transfer is confirmed, then the session row is not written again and 受付完了 is told by a cookie naming the transfer, shown once', async () => {
    const { client } = await transferUser(1_000_000);
    const id = await draft(client, '1000');
    await client.get(confirmPath(id));
    const sessionRows = () => ctx.storage.all<{ data: string; expires_at: number }>('SELECT data, expires_at FROM sessions ORDER BY sid');
    const before = await sessionRows();

    const done = await client.post(confirmPath(id), { transferPassword: TRANSFER_PASSWORD });

    expect(done.status).toBe(303);
    expect(await sessionRows()).toEqual(before);
    const cookie = setCookieOf(done, 'webfb.receipt');
    expect(cookie).toMatch(new RegExp(`^webfb\\.receipt=${id}\\.received;`));
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    const receipt = await client.get(`/transfers/${id}`);
    expect(receipt.text).toContain('<h1>受付完了</h1>');
    expect(receipt.text).toContain('都度振込を受け付けました。受付番号をお控えください。');
    const reload = await client.get(`/transfers/${id}`);
    expect(reload.text).toContain('<h1>振込明細</h1>');
    expect(reload.text).not.toContain('都度振込を受け付けました。');
  });

  test('when the receipt cookie names another transfer, then the 明細 shows no notice and the cookie is cleared', async () => {
    const { client } = await transferUser(1_000_000);
    const first = await draft(client, '1000');
    await client.submit(confirmPath(first), confirmPath(first), { transferPassword: TRANSFER_PASSWORD });
    await client.get(`/transfers/${first}`);
    const second = await draft(client, '2000');
    await client.submit(confirmPath(second), confirmPath(second), { transferPassword: TRANSFER_PASSWORD });

    const other = await client.get(`/transfers/${first}`);

    expect(other.text).toContain('<h1>振込明細</h1>');
    expect(other.text).not.toContain('都度振込を受け付けました。');
    expect(setCookieOf(other, 'webfb.receipt')).toMatch(/^webfb\.receipt=;/);
    expect((await client.get(`/transfers/${second}`)).text).toContain('<h1>振込明細</h1>');
  });

  test('when two drafts of 60% of the balance are confirmed at once, then one is refused for insufficient funds', async () => {
    const { company, client } = await transferUser(1_000_000);
    const first = await draft(client, '600000');
    const second = await draft(client, '600000');
    await client.get(confirmPath(first));

    const results = await Promise.all([
      client.post(confirmPath(first), { transferPassword: TRANSFER_PASSWORD }),
      client.post(confirmPath(second), { transferPassword: TRANSFER_PASSWORD }),
    ]);

    const refused = results.filter((r) => r.status === 409);
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.text).toContain('残高が不足しているため、振込できません。');
    expect(await balanceOf(company.id)).toBe(400_000);
    expect(await completedCount()).toBe(1);
    const failures = (await auditEvents(ctx.deps, 'transfer.confirm')).filter((e) => e.outcome === 'failure');
    expect(failures).toEqual([expect.objectContaining({ detail: 'reason=insufficient amount=600000' })]);
  });

  test('when the draft is older than 10 minutes, then it is refused with a link to start again and nothing is debited', async () => {
    const { company, client } = await transferUser(1_000_000);
    const id = await draft(client, '1000');
    await client.get(confirmPath(id));
    ctx.clock.advance(10 * 60_000);

    const res = await client.post(confirmPath(id), { transferPassword: TRANSFER_PASSWORD });

    expect(res.status).toBe(410);
    expect(res.text).toContain('有効期限（10分）が切れました');
    expect(res.text).toContain('href="/transfers/new"');
    expect((await ctx.deps.repos.transfers.find(id))!.status).toBe('draft');
    expect(await balanceOf(company.id)).toBe(1_000_000);
    expect(await auditEvents(ctx.deps, 'transfer.confirm')).toEqual([
      expect.objectContaining({ outcome: 'failure', detail: 'reason=expired amount=1000' }),
    ]);
    expect((await client.get(confirmPath(id))).status).toBe(410);
  });

  test('when the draft is confirmed a moment before it expires, then it is executed', async () => {
    const { company, client } = await transferUser(1_000_000);
    const id = await draft(client, '1000');
    await client.get(confirmPath(id));
    ctx.clock.advance(10 * 60_000 - 1);
    const res = await client.post(confirmPath(id), { transferPassword: TRANSFER_PASSWORD });
    expect(res.status).toBe(303);
    expect(await balanceOf(company.id)).toBe(999_000);
  });

  test('when the 送信確認パスワード is wrong, then the count left is shown and nothing is executed', async () => {
    const { company, user, client } = await transferUser();
    const id = await draft(client);

    const res = await client.submit(confirmPath(id), confirmPath(id), { transferPassword: 'Wrong-Pass-9' });

    expect(res.status).toBe(400);
    expect(res.text).toContain('送信確認パスワードが正しくありません。あと 5 回誤るとロックされます。');
    expect(res.text).not.toContain('Wrong-Pass-9');
    expect(res.text).toContain('1,000円'); // the content is shown again
    expect((await ctx.deps.repos.transfers.find(id))!.status).toBe('draft');
    expect(await balanceOf(company.id)).toBe(1_000_000);
    expect((await auditEvents(ctx.deps, 'transfer.confirm'))[0]).toMatchObject({ outcome: 'failure', actor: user.loginId, detail: 'reason=wrong amount=1000' });
  });

  test('when the 送信確認パスワード is left empty, then it is asked for without counting a failure', async () => {
    const { user, client } = await transferUser();
    const id = await draft(client);
    const res = await client.submit(confirmPath(id), confirmPath(id), { transferPassword: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('送信確認パスワードを入力してください。');
    expect((await ctx.deps.repos.locks.get(user.id, 'transferPassword')).failures).toBe(0);
  });

  test('when the 送信確認パスワード is wrong six times, then it is locked and the right one is refused', async () => {
    const { company, user, client } = await transferUser();
    const id = await draft(client);
    for (let i = 0; i < 6; i += 1) {
      await client.submit(confirmPath(id), confirmPath(id), { transferPassword: 'Wrong-Pass-9' });
    }

    const res = await client.submit(confirmPath(id), confirmPath(id), { transferPassword: TRANSFER_PASSWORD });

    expect(res.status).toBe(403);
    expect(res.text).toContain('送信確認パスワードがロックされています。管理者に「利用者管理」でのロック解除を依頼してください。');
    expect(await ctx.deps.repos.locks.isLocked(user.id, 'transferPassword')).toBe(true);
    // Only this secret is locked (R9): the user can still log in.
    expect(await ctx.deps.repos.locks.isLocked(user.id, 'login')).toBe(false);
    expect((await ctx.deps.repos.transfers.find(id))!.status).toBe('draft');
    expect(await balanceOf(company.id)).toBe(1_000_000);
    expect(await auditEvents(ctx.deps, 'lock')).toEqual([expect.objectContaining({ subject: user.loginId, detail: 'transferPassword' })]);
    expect((await auditEvents(ctx.deps, 'transfer.confirm'))[0]).toMatchObject({ outcome: 'failure', detail: 'reason=locked amount=1000' });
  });

  test('when the administrator locks the 送信確認パスワード, then the message points to the branch', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);
    const id = await draft(client);
    for (let i = 0; i < 6; i += 1) {
      await client.submit(confirmPath(id), confirmPath(id), { transferPassword: 'Wrong-Pass-9' });
    }
    const res = await client.submit(confirmPath(id), confirmPath(id), { transferPassword: TRANSFER_PASSWORD });
    expect(res.text).toContain('送信確認パスワードがロックされています。お取引店にロック解除をお申し出ください。');
  });

  test("when confirm is posted with another session's CSRF token, then it is refused with 403 and nothing changes", async () => {
    const { company, client } = await transferUser();
    const id = await draft(client);
    const other = new FormClient(ctx.app);
    const otherPage = await other.get('/login');
    const foreignToken = /name="_csrf" value="([^"]+)"/.exec(otherPage.text)![1]!;

    const res = await client.agent
      .post(confirmPath(id))
      .type('form')
      .send({ _csrf: foreignToken, transferPassword: TRANSFER_PASSWORD });

    expect(res.status).toBe(403);
    expect((await ctx.deps.repos.transfers.find(id))!.status).toBe('draft');
    expect(await balanceOf(company.id)).toBe(1_000_000);
    expect(await auditEvents(ctx.deps, 'transfer.confirm')).toHaveLength(0);
  });
});
