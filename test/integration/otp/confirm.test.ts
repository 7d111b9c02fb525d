import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, auditEvents, givenContract, givenUser, TRANSFER_PASSWORD, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken, nextStep, type TestToken } from '../../helpers/otp';
import { confirmTransfer } from '../../../src/services/transfers';
import { confirmationFor } from '../../../src/services/confirmation';
import { unregisterAtBranch } from '../../../src/services/otpBranch';
import type { Transfer } from '../../../src/repositories/transfers';
import type { User } from '../../../src/repositories/users';
import { otpContract } from '../../helpers/otpFlows';
import { readPage } from '../../helpers/page';
import { fire, holdCompares } from '../../helpers/race';

const REPLAYED = 'このワンタイムパスワードはすでに使用されています。スマートフォンに次のワンタイムパスワードが表示されるまでお待ちのうえ、新しいワンタイムパスワードを入力してください。';

describe('振込内容確認 with the ワンタイムパスワード (manual §3(4), R1, R2, R7, R9)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const balanceOf = async (companyId: number): Promise<number> => (await ctx.deps.repos.companies.find(companyId))!.balance;
  const draftOf = async (id: number): Promise<Transfer> => (await ctx.deps.repos.transfers.find(id))!;
  const completed = (): Promise<{ confirmedWith: string }[]> =>
    ctx.storage.all<{ confirmedWith: string }>("SELECT confirmed_with AS confirmedWith FROM transfers WHERE status = 'completed' ORDER BY id");

  async function signedIn(user: User, password = USER_PASSWORD): Promise<FormClient> {
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, password);
    return client;
  }

  async function draft(client: FormClient, amount = '1000'): Promise<number> {
    const res = await client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, amount });
    expect(res.status).toBe(303);
    return Number(/^\/transfers\/(\d+)\/confirm$/.exec(res.headers.location as string)![1]);
  }

  async function confirm(client: FormClient, id: number, fields: Record<string, string>) {
    await client.get(`/transfers/${id}/confirm`);
    return client.post(`/transfers/${id}/confirm`, fields);
  }


  test('when OTP has started, then the confirm screen asks for the ワンタイムパスワード and no longer for the 送信確認パスワード', async () => {
    const { user } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const id = await draft(client);

    const page = await client.get(`/transfers/${id}/confirm`);

    expect(page.text).toContain('ワンタイムパスワード');
    expect(page.text).toContain('name="otp"');
    expect(page.text).not.toContain('name="transferPassword"');
  });

  test('when the code the token shows is entered, then the transfer executes once, is marked as OTP-confirmed, and the step is spent', async () => {
    const { company, user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const id = await draft(client, '12,345');

    const res = await confirm(client, id, { otp: userToken.code() });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/transfers/${id}`);
    expect(await balanceOf(company.id)).toBe(1_000_000 - 12_345);
    expect(await completed()).toEqual([{ confirmedWith: 'otp' }]);
    expect((await ctx.deps.repos.tokens.find(userToken.credentialId))!.lastStep).toBe(Math.floor(ctx.clock.now() / 30_000));
  });

  test('when the fixed 送信確認パスワード is posted after OTP started, then nothing executes (R7)', async () => {
    const { company, user } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const id = await draft(client);

    const res = await confirm(client, id, { transferPassword: TRANSFER_PASSWORD });

    expect(res.status).toBe(400);
    expect(res.text).toContain('ワンタイムパスワードを入力してください。');
    expect(await completed()).toHaveLength(0);
    expect(await balanceOf(company.id)).toBe(1_000_000);
  });

  test.each([
    ['T−1', -1],
    ['T+1', 1],
  ])('when the code of the neighbouring step %s is entered, then it is accepted (R1 window)', async (_step, offset) => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const id = await draft(client);

    const res = await confirm(client, id, { otp: userToken.codeAtOffset(offset) });

    expect(res.status).toBe(303);
    expect(await completed()).toHaveLength(1);
  });

  test.each([
    // Steps within ±OTP_RESYNC_WINDOW (10) are told as a clock that seems off (test/integration/otp/resync.test.ts).
    ['T−11', -11],
    ['T+11', 11],
  ])('when the code of step %s is entered, then it is refused like any wrong code', async (_step, offset) => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const id = await draft(client);
    const code = userToken.codeAtOffset(offset);
    expect([-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((o) => userToken.codeAtOffset(o))).not.toContain(code);

    const res = await confirm(client, id, { otp: code });

    expect(res.status).toBe(400);
    expect(res.text).toContain('ワンタイムパスワードが正しくありません。あと 5 回誤るとロックされます。');
    expect(await completed()).toHaveLength(0);
  });

  test('when full-width digits with spaces are typed, then the code is accepted (R4)', async () => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const id = await draft(client);
    const wide = userToken.code().replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

    const res = await confirm(client, id, { otp: `${wide.slice(0, 3)}\u3000${wide.slice(3)}` });

    expect(res.status).toBe(303);
  });

  test('when the code just used is typed again for a second transfer, then it is refused as already used, told to wait for the next code, and not counted (R2, issue 15)', async () => {
    const { company, user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const first = await draft(client);
    const second = await draft(client);
    const code = userToken.code();
    expect((await confirm(client, first, { otp: code })).status).toBe(303);

    ctx.clock.advance(5_000); // still inside the same step: the phone still shows this code
    const replay = await confirm(client, second, { otp: code });

    expect(replay.status).toBe(400);
    const page = readPage(replay.text);
    expect(page.field('ワンタイムパスワード')?.description).toContain(REPLAYED);
    expect(page.field('ワンタイムパスワード')?.value).toBe('');
    expect(await balanceOf(company.id)).toBe(1_000_000 - 1000);
    expect((await ctx.deps.repos.transfers.find(second))!.status).toBe('draft');
    expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(0);
    expect((await auditEvents(ctx.deps, 'otp.verify'))[0]).toMatchObject({ outcome: 'failure', subject: user.loginId, detail: 'replayed' });

    nextStep(ctx); // the next code confirms it
    expect((await confirm(client, second, { otp: userToken.code() })).status).toBe(303);
  });

  test('when the code just used is typed again and again, then the user is never locked by it, while each try is audited', async () => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const first = await draft(client);
    const second = await draft(client);
    const code = userToken.code();
    await confirm(client, first, { otp: code });

    for (let i = 0; i < 8; i++) expect((await confirm(client, second, { otp: code })).status).toBe(400);

    expect(await ctx.deps.repos.locks.get(user.id, 'otp')).toEqual({ failures: 0, lockedAt: null });
    expect((await auditEvents(ctx.deps, 'otp.verify')).filter((e) => e.detail === 'replayed')).toHaveLength(8);
  });

  test('when an older spent code (not the last accepted step) is typed, then it reads as wrong and counts (R9)', async () => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const [first, second, third] = [await draft(client), await draft(client), await draft(client)];
    const older = userToken.code();
    await confirm(client, first, { otp: older });
    nextStep(ctx);
    await confirm(client, second, { otp: userToken.code() });

    const res = await confirm(client, third, { otp: older }); // still inside the window, but before the last step

    expect(res.status).toBe(400);
    expect(readPage(res.text).field('ワンタイムパスワード')?.description).toContain('ワンタイムパスワードが正しくありません。あと 5 回誤るとロックされます。');
    expect((await auditEvents(ctx.deps, 'otp.verify'))[0]).toMatchObject({ detail: 'replayed failures=1' });
  });

  test('when another user of a shared token uses a code already spent, then it is refused for that user too (R2, mode B)', async () => {
    const { company, admin, user, adminToken } = await otpContract(ctx, 'shared');
    const userClient = await signedIn(user);
    const adminClient = await signedIn(admin, ADMIN_PASSWORD);
    const userDraft = await draft(userClient);
    const adminDraft = await draft(adminClient);
    const code = adminToken.code();
    expect((await confirm(userClient, userDraft, { otp: code })).status).toBe(303);

    const res = await confirm(adminClient, adminDraft, { otp: code });

    expect(res.status).toBe(400);
    expect(readPage(res.text).field('ワンタイムパスワード')?.description).toContain(REPLAYED);
    expect(await balanceOf(company.id)).toBe(1_000_000 - 1000);
    nextStep(ctx);
    expect((await confirm(adminClient, adminDraft, { otp: adminToken.code() })).status).toBe(303);
  });

  test('when OTP starts while the fixed 送信確認パスワード is being checked, then that transfer does not execute (R7)', async () => {
    const { company, admin } = await givenContract(ctx.deps, { balance: 1_000_000 });
    const user = await givenUser(ctx.deps, company.id);
    const client = await signedIn(user);
    const id = await draft(client);
    const confirmation = await confirmationFor(ctx.deps.repos.registrations, user);
    expect(confirmation.method).toBe('transferPassword');
    const actor = { type: 'user' as const, id: user.loginId, companyId: company.id, clientIp: null };

    // The administrator's first registration lands between the page and the debit: while the password is compared.
    const token = await givenToken(ctx);
    const gate = holdCompares(ctx.deps);
    const pending = confirmTransfer(ctx.deps, confirmation, user, await draftOf(id), TRANSFER_PASSWORD, actor);
    await gate.reached(1);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token }]);
    gate.release();
    const outcome = await pending;

    expect(outcome).toEqual({ ok: false, reason: 'refused' });
    expect(await completed()).toHaveLength(0);
    expect(await balanceOf(company.id)).toBe(1_000_000);
  });

  test('when OTP starts while the posted 送信確認パスワード is being checked, then the page asks for the ワンタイムパスワード and says why (R7, issue 15)', async () => {
    const { company, admin } = await givenContract(ctx.deps, { balance: 1_000_000 });
    const user = await givenUser(ctx.deps, company.id);
    const userToken = await givenToken(ctx);
    const client = await signedIn(user);
    const id = await draft(client);
    await client.get(`/transfers/${id}/confirm`);
    const gate = holdCompares(ctx.deps);

    const pending = fire(client.post(`/transfers/${id}/confirm`, { transferPassword: TRANSFER_PASSWORD }));
    await gate.reached(1);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: await givenToken(ctx) }, { userId: user.id, token: userToken }]);
    gate.release();
    const res = await pending;

    expect(res.status).toBe(409);
    const page = readPage(res.text);
    expect(page.field('送信確認パスワード')).toBeUndefined();
    expect(page.field('ワンタイムパスワード')?.description).toContain(
      'ワンタイムパスワードの利用が開始されたため、送信確認パスワードでは振込できなくなりました。スマートフォンに表示されているワンタイムパスワードを入力してください。',
    );
    expect(await completed()).toHaveLength(0);
    expect((await client.post(`/transfers/${id}/confirm`, { otp: userToken.code() })).status).toBe(303);
  });

  test('when N drafts are confirmed at the same moment with one code, then exactly one executes and the account is debited once', async () => {
    const { company, user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(await draft(client));
    const confirmation = await confirmationFor(ctx.deps.repos.registrations, user);
    const actor = { type: 'user' as const, id: user.loginId, companyId: company.id, clientIp: null };
    const code = userToken.code();

    // All eight reach the group commit together; the code is checked and spent inside it, one job after another.
    const drafts = await Promise.all(ids.map(draftOf));
    const outcomes = await Promise.all(drafts.map((d) => confirmTransfer(ctx.deps, confirmation, user, d, code, actor)));

    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    // The other seven are replays of the step just spent: refused as already used (R2), not counted — seven
    // reuses one after the other would not lock either (issue 15).
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.reason)).toEqual(Array(7).fill('replayed'));
    expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(0);
    expect(await completed()).toHaveLength(1);
    expect(await balanceOf(company.id)).toBe(1_000_000 - 1000);
  });

  test('when N confirmation forms are posted at once with one code, then exactly one transfer is received', async () => {
    const { company, user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await draft(client));
    await client.get(`/transfers/${ids[0]}/confirm`);
    const code = userToken.code();

    const results = await Promise.all(ids.map((id) => client.post(`/transfers/${id}/confirm`, { otp: code })));

    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(4);
    expect(await balanceOf(company.id)).toBe(1_000_000 - 1000);
  });

  describe('lockout (R9)', () => {
    async function wrongCodes(client: FormClient, id: number, token: TestToken, times: number) {
      const wrong = token.code() === '000000' ? '111111' : '000000';
      let last;
      for (let i = 0; i < times; i++) last = await confirm(client, id, { otp: wrong });
      return last!;
    }

    test('when a user enters six wrong codes, then that user\'s OTP is locked and even the right code is refused until unlocked', async () => {
      const { admin, user, userToken, adminToken } = await otpContract(ctx, 'individual');
      const client = await signedIn(user);
      const id = await draft(client);

      const sixth = await wrongCodes(client, id, userToken, 6);
      expect(sixth.status).toBe(403);
      expect(sixth.text).toContain('ワンタイムパスワードがロックされています。管理者に「利用者管理」でのロック解除を依頼してください。');
      expect((await confirm(client, id, { otp: userToken.code() })).status).toBe(403);
      expect((await auditEvents(ctx.deps, 'lock'))[0]).toMatchObject({ subject: user.loginId, detail: 'otp' });

      // The administrator unlocks (利用者管理 → ロック解除, with the administrator's code since OTP started: issue 13); the count starts again.
      const adminClient = await signedIn(admin, ADMIN_PASSWORD);
      const unlock = await adminClient.submit(`/admin/users/${user.id}`, `/admin/users/${user.id}/unlock`, { approvalPassword: 'Approve-Pass-1', otp: adminToken.code() });
      expect(unlock.status).toBe(303);
      expect((await confirm(client, id, { otp: userToken.code() })).status).toBe(303);
    });

    test('when one user of a shared token locks their OTP, then another user of the same token still confirms (mode B)', async () => {
      const { admin, user, adminToken } = await otpContract(ctx, 'shared');
      const userClient = await signedIn(user);
      await wrongCodes(userClient, await draft(userClient), adminToken, 6);
      expect(await ctx.deps.repos.locks.isLocked(user.id, 'otp')).toBe(true);

      const adminClient = await signedIn(admin, ADMIN_PASSWORD);
      const res = await confirm(adminClient, await draft(adminClient), { otp: adminToken.code() });

      expect(res.status).toBe(303);
      expect(await ctx.deps.repos.locks.isLocked(admin.id, 'otp')).toBe(false);
    });

    test('when the login password is locked by guessing, then the OTP counter is untouched (separate counters)', async () => {
      const { user } = await otpContract(ctx, 'individual');
      const guesser = new FormClient(ctx.app);
      for (let i = 0; i < 6; i++) await guesser.submit('/login', '/login', { loginId: user.loginId, password: 'Wrong-Pass-9' });

      expect(await ctx.deps.repos.locks.isLocked(user.id, 'login')).toBe(true);
      expect(await ctx.deps.repos.locks.get(user.id, 'otp')).toEqual({ failures: 0, lockedAt: null });
    });

    test('when a correct code follows wrong ones, then the count starts again (time alone never resets it)', async () => {
      const { user, userToken } = await otpContract(ctx, 'individual');
      const client = await signedIn(user);
      await wrongCodes(client, await draft(client), userToken, 5);
      ctx.clock.advance(14 * 60_000); // as long as the session allows; only a correct entry or an unlock resets
      expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(5);

      expect((await confirm(client, await draft(client), { otp: userToken.code() })).status).toBe(303);
      expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(0);
    });
  });

  test('when a transfer user whose draft was made before the token was unregistered confirms it, then nothing executes and the user is told to ask the administrator (R7)', async () => {
    const { company, user } = await otpContract(ctx, 'individual');
    const client = await signedIn(user);
    const id = await draft(client);
    await ctx.deps.repos.registrations.delete((await ctx.deps.repos.registrations.forUser(company.id, user.id, 'individual'))!.id);

    const byPassword = await confirm(client, id, { transferPassword: TRANSFER_PASSWORD });
    const byCode = await confirm(client, id, { otp: '123456' });

    expect(byPassword.status).toBe(400);
    expect(byCode.status).toBe(403);
    expect(readPage(byCode.text).errors().map((e) => e.message)).toEqual([expect.stringContaining('管理者にソフトウェアトークンの登録を依頼してください。')]);
    expect(await completed()).toHaveLength(0);
  });

  test('when a user is added after the shared token was registered, then that user confirms with the shared token (mode B)', async () => {
    const { company, adminToken } = await otpContract(ctx, 'shared');
    const later = await givenUser(ctx.deps, company.id);
    const client = await signedIn(later);

    const res = await confirm(client, await draft(client), { otp: adminToken.code() });

    expect(res.status).toBe(303);
  });

  test('when the branch has unregistered the administrator\'s token after a draft was made, then the fixed password is still refused and the administrator is told to register again (R7, Q1)', async () => {
    const { company, admin } = await otpContract(ctx, 'individual');
    const client = await signedIn(admin, ADMIN_PASSWORD);
    const id = await draft(client);
    const staff = { type: 'staff' as const, id: 'staff-x', companyId: null, clientIp: null };
    expect(await unregisterAtBranch(ctx.deps, company.id, 'Q1-0001', staff)).toMatchObject({ ok: true });

    const page = await client.get(`/transfers/${id}/confirm`);
    const byPassword = await client.post(`/transfers/${id}/confirm`, { transferPassword: TRANSFER_PASSWORD });
    const byCode = await confirm(client, id, { otp: '123456' });

    expect(page.text).toContain('name="otp"');
    expect(byPassword.status).toBe(400);
    expect(byCode.status).toBe(403);
    expect(byCode.text).toContain('ワンタイムパスワード認証情報管理」からトークンを登録してください。');
    expect(await completed()).toHaveLength(0);
  });
});
