import { createTestContext, type TestContext } from '../../helpers/app';
import { auditEvents, givenSignedInStaff } from '../../helpers/fixtures';
import { nextStep } from '../../helpers/otp';
import { completedTransfers, confirm, draft, otpContract, signedIn } from '../../helpers/otpFlows';
import { readPage } from '../../helpers/page';
import { maskCredentialId } from '../../../src/domain/token';

// 同期ズレ補正 (issue 13, item 3; RFC 6238 §6): a drifted token's code is refused with the way out,
// two consecutive codes record the drift, the ±1 window follows it, the codes are spent, mistakes lock.

const CLOCK_OFF = 'ソフトウェアトークン（スマートフォン）の時刻がずれている可能性があります。';
const RESYNC_WRONG = '２つのワンタイムパスワードを、続けて表示された正しいワンタイムパスワードとして確認できませんでした。';

describe('同期ズレ補正 (/otp/resync: otp1, otp2)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const tokenRow = async (credentialId: string) => (await ctx.deps.repos.tokens.find(credentialId))!;
  const resync = (client: Awaited<ReturnType<typeof signedIn>>, otp1: string, otp2: string) =>
    client.submit('/otp/resync', '/otp/resync', { otp1, otp2 });

  test('when a code of a token 5 steps ahead is entered on 振込内容確認, then it is refused as a clock that seems off with a link to 同期ズレ補正, and it counts', async () => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(ctx, user);
    const id = await draft(client);

    const res = await confirm(client, id, userToken.codeAtOffset(5));

    const page = readPage(res.text);
    expect(res.status).toBe(400);
    expect(page.field('ワンタイムパスワード')?.description.join('')).toContain(CLOCK_OFF);
    expect(page.field('ワンタイムパスワード')?.description.join('')).toContain('あと 5 回誤るとロックされます。');
    expect(page.link('同期ズレ補正')).toBe('/otp/resync');
    expect(await completedTransfers(ctx)).toBe(0);
    expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(1);
    expect((await auditEvents(ctx.deps, 'otp.verify'))[0]).toMatchObject({ outcome: 'failure', detail: 'outOfSync failures=1' });
  });

  test('when a code outside the wider window (11 steps) is entered, then it reads as a wrong code, without the link', async () => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(ctx, user);
    const id = await draft(client);

    const res = await confirm(client, id, userToken.codeAtOffset(11));

    expect(res.status).toBe(400);
    expect(readPage(res.text).link('同期ズレ補正')).toBeUndefined();
    expect(readPage(res.text).text()).toContain('ワンタイムパスワードが正しくありません。あと 5 回誤るとロックされます。');
  });

  test('when two consecutive codes of a token 5 steps ahead are entered, then the drift +5 is stored, the ±1 window follows it and a transfer confirms', async () => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(ctx, user);
    await confirm(client, await draft(client), userToken.codeAtOffset(5)); // one refusal first: the success resets it

    const res = await resync(client, userToken.codeAtOffset(4), userToken.codeAtOffset(5));

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/otp/resync');
    expect(readPage((await client.get('/otp/resync')).text).status()).toContain(
      '同期ズレ補正が完了しました。これからは、スマートフォンに表示されているワンタイムパスワードをそのままご利用いただけます。',
    );
    expect((await tokenRow(userToken.credentialId)).drift).toBe(5);
    expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(0);
    expect((await auditEvents(ctx.deps, 'otp.resync'))[0]).toMatchObject({ outcome: 'success', subject: user.loginId, detail: `${maskCredentialId(userToken.credentialId)} drift=5` });

    nextStep(ctx);
    const confirmed = await confirm(client, await draft(client), userToken.codeAtOffset(5));
    expect(confirmed.status).toBe(303);
    expect(await completedTransfers(ctx)).toBe(1);

    // Ten minutes on, the window is +4…+6: the server's own step is now the clock that seems off.
    ctx.clock.advance(600_000);
    const check = async (offset: number) => (await ctx.deps.tokenAuthority.validate(userToken.credentialId, userToken.codeAtOffset(offset), ctx.clock.now())).result;
    expect(await Promise.all([4, 5, 6].map(check))).toEqual(['ok', 'ok', 'ok']);
    expect(await Promise.all([0, 3, 7].map(check))).toEqual(['outOfSync', 'outOfSync', 'outOfSync']);
  });

  test('when the two codes of a resync are entered again, then they are spent: refused on 同期ズレ補正 and on 振込内容確認 (R2, R13)', async () => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(ctx, user);
    const [first, second] = [userToken.codeAtOffset(0), userToken.codeAtOffset(1)];
    expect((await resync(client, first, second)).status).toBe(303);

    const again = await resync(client, first, second);
    const transfer = await confirm(client, await draft(client), second);

    expect(again.status).toBe(400);
    expect(readPage(again.text).field('1つ目のワンタイムパスワード')?.description.join('')).toContain(RESYNC_WRONG);
    expect(transfer.status).toBe(400);
    expect(await completedTransfers(ctx)).toBe(0);
    expect((await auditEvents(ctx.deps, 'otp.resync'))[0]).toMatchObject({ outcome: 'failure', detail: 'replayed failures=1' });
  });

  test('when wrong resync codes are entered six times, then the user\'s OTP is locked and even right codes are refused', async () => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(ctx, user);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await resync(client, userToken.codeAtOffset(0), userToken.codeAtOffset(3))).status);

    const right = await resync(client, userToken.codeAtOffset(0), userToken.codeAtOffset(1));

    expect(statuses).toEqual([400, 400, 400, 400, 400, 403]);
    expect(right.status).toBe(403);
    expect(readPage(right.text).field('1つ目のワンタイムパスワード')?.description.join('')).toContain(
      'ワンタイムパスワードがロックされています。管理者に「利用者管理」でのロック解除を依頼してください。',
    );
    expect((await ctx.deps.repos.locks.get(user.id, 'otp')).lockedAt).not.toBeNull();
    expect((await tokenRow(userToken.credentialId)).drift).toBe(0);
    expect((await auditEvents(ctx.deps, 'lock'))[0]).toMatchObject({ subject: user.loginId, detail: 'otp' });
  });

  test.each([
    ['nothing', '', '', { otp1: '1つ目のワンタイムパスワードを入力してください。', otp2: '2つ目のワンタイムパスワードを入力してください。' }],
    ['letters', 'abcdef', '123456', { otp1: '1つ目のワンタイムパスワードは数字6桁で入力してください。' }],
    ['the same code twice', '123456', '１２３ ４５６', { otp2: '2つ目には、1つ目の次に表示された（新しい）ワンタイムパスワードを入力してください。' }],
  ])('when %s is entered, then 同期ズレ補正 says so beside the fields, counts nothing and changes nothing', async (_case, otp1, otp2, messages) => {
    const { user, userToken } = await otpContract(ctx, 'individual');
    const client = await signedIn(ctx, user);

    const res = await resync(client, otp1, otp2);

    const page = readPage(res.text);
    expect(res.status).toBe(400);
    expect(Object.fromEntries(page.errors().map((e) => [e.field === '1つ目のワンタイムパスワード' ? 'otp1' : 'otp2', e.message]))).toEqual(messages);
    expect(page.field('1つ目のワンタイムパスワード')?.value).toBe('');
    expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(0);
    expect(await tokenRow(userToken.credentialId)).toMatchObject({ drift: 0, lastStep: null });
  });

  test('when a user of a company in B resyncs, then the shared token gets the drift and the administrator confirms with it', async () => {
    const { admin, user, adminToken } = await otpContract(ctx, 'shared');
    const client = await signedIn(ctx, user);
    const page = readPage((await client.get('/otp/resync')).text);

    const res = await resync(client, adminToken.codeAtOffset(-3), adminToken.codeAtOffset(-2));

    expect(page.term('トークンID')).toBe(`${maskCredentialId(adminToken.credentialId)}（共用トークン）`);
    expect(res.status).toBe(303);
    expect((await tokenRow(adminToken.credentialId)).drift).toBe(-2);
    nextStep(ctx);
    const adminClient = await signedIn(ctx, admin, 'Admin-Pass-1');
    expect((await confirm(adminClient, await draft(adminClient), adminToken.codeAtOffset(-2))).status).toBe(303);
  });

  test('when a user without a token opens 同期ズレ補正, then it says why and offers no form; a post is refused with 403', async () => {
    const { company } = await otpContract(ctx, 'individual');
    const other = await (await import('../../helpers/fixtures')).givenUser(ctx.deps, company.id);
    const client = await signedIn(ctx, other);

    const page = readPage((await client.get('/otp/resync')).text);
    const res = await client.post('/otp/resync', { otp1: '123456', otp2: '654321' });

    expect(page.text()).toContain('ワンタイムパスワードのトークンが登録されていないため、同期ズレ補正はご利用いただけません。');
    expect(page.field('1つ目のワンタイムパスワード')).toBeUndefined();
    expect(res.status).toBe(403);
    expect((await auditEvents(ctx.deps, 'otp.resync'))[0]).toMatchObject({ outcome: 'failure', detail: 'noToken' });
  });

  describe('同期ズレ補正のリセット on 契約先詳細 (branch)', () => {
    test('when staff reset a recorded drift, then the confirmation shows it, 確定 sets it to 0 and it is audited', async () => {
      const { company, user, userToken } = await otpContract(ctx, 'individual');
      const client = await signedIn(ctx, user);
      await resync(client, userToken.codeAtOffset(2), userToken.codeAtOffset(3));
      const { staff } = await givenSignedInStaff(ctx);
      const tokenId = (await tokenRow(userToken.credentialId)).id;

      const detail = readPage((await staff.get(`/staff/companies/${company.id}`)).text);
      const row = detail.table('トークンの有効期限と時刻のずれ')!.rows.find((r) => r['トークンID'] === maskCredentialId(userToken.credentialId));
      const preview = await staff.post(`/staff/companies/${company.id}/tokens/${tokenId}/drift-reset`, {});
      const done = await staff.post(`/staff/companies/${company.id}/tokens/${tokenId}/drift-reset`, { step: 'confirm' });

      expect(row).toMatchObject({ 時刻のずれ: '+3ステップ（進み 90秒）', 有効期限: '2029年11月26日' });
      expect(readPage(preview.text).heading()).toBe('同期ズレ補正のリセットの確認');
      expect(readPage(preview.text).term('時刻のずれ')).toBe('+3ステップ（進み 90秒）');
      expect((await tokenRow(userToken.credentialId)).drift).toBe(0);
      expect(done.status).toBe(303);
      expect((await auditEvents(ctx.deps, 'otp.drift_reset'))[0]).toMatchObject({ outcome: 'success', subject: user.loginId, detail: `${maskCredentialId(userToken.credentialId)} drift=3` });
    });

    test('when the drift is 0 the reset is refused on 契約先詳細, and another company\'s token is 404', async () => {
      const { company, userToken } = await otpContract(ctx, 'individual');
      const other = await otpContract(ctx, 'individual');
      const { staff } = await givenSignedInStaff(ctx);
      await staff.get(`/staff/companies/${company.id}`);

      const none = await staff.post(`/staff/companies/${company.id}/tokens/${(await tokenRow(userToken.credentialId)).id}/drift-reset`, { step: 'confirm' });
      const foreign = await staff.post(`/staff/companies/${company.id}/tokens/${(await tokenRow(other.userToken.credentialId)).id}/drift-reset`, {});

      expect(none.status).toBe(400);
      expect(readPage(none.text).errors()[0]?.message).toBe('このトークンには同期ズレ補正の記録がないため、リセットするものはありません。');
      expect(foreign.status).toBe(404);
    });
  });
});
