import { createTestContext, type TestContext } from '../../helpers/app';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, auditEvents, givenContract, givenUser } from '../../helpers/fixtures';
import { givenToken, nextStep, type TestToken } from '../../helpers/otp';
import { completedTransfers, confirm, draft, givenTokenExpiring, otpContract, signedIn } from '../../helpers/otpFlows';
import { readPage } from '../../helpers/page';
import { fire, holdCompares } from '../../helpers/race';
import { maskCredentialId } from '../../../src/domain/token';
import type { User } from '../../../src/repositories/users';

// トークン切替 (issue 13, item 4): /admin/otp/users/:userId/replace with oldOtp, credentialId, otp and
// approvalPassword — the holder's token replaced while the old one still works, atomically and audited.

describe('トークン切替 (/admin/otp/users/:userId/replace)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const path = (user: User) => `/admin/otp/users/${user.id}/replace`;
  const registered = async (user: User, mode: 'individual' | 'shared' = 'individual') =>
    (await ctx.deps.repos.registrations.forUser(user.companyId, user.id, mode))?.credentialId;
  const lastStep = async (token: TestToken) => (await ctx.deps.repos.tokens.find(token.credentialId))!.lastStep;

  async function setUp(mode: 'individual' | 'shared' = 'individual') {
    const contract = await otpContract(ctx, mode);
    const adminClient = await signedIn(ctx, contract.admin, ADMIN_PASSWORD);
    return { ...contract, adminClient, newToken: await givenToken(ctx) };
  }

  test('when the administrator switches a 利用者\'s token with the old and the new code, then the registration moves, the old token confirms nothing and it is audited', async () => {
    const { user, userToken, adminClient, newToken } = await setUp();
    const form = readPage((await adminClient.get(path(user))).text);

    const res = await adminClient.submit(path(user), path(user), {
      oldOtp: userToken.code(), credentialId: newToken.credentialId, otp: newToken.code(), approvalPassword: APPROVAL_PASSWORD,
    });

    expect(form.heading()).toBe('トークン切替');
    expect(form.term('現在のトークンID')).toBe(maskCredentialId(userToken.credentialId));
    expect(['現在のトークンのワンタイムパスワード', '新しいトークンのトークンID', '新しいトークンのワンタイムパスワード', '承認用パスワード'].map((l) => form.field(l)?.name))
      .toEqual(['oldOtp', 'credentialId', 'otp', 'approvalPassword']);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/otp');
    expect(readPage((await adminClient.get('/admin/otp')).text).status()[0]).toContain(
      `${maskCredentialId(userToken.credentialId)} → ${maskCredentialId(newToken.credentialId)}`,
    );
    expect(await registered(user)).toBe(newToken.credentialId);
    expect((await auditEvents(ctx.deps, 'otp.replace'))[0]).toMatchObject({
      outcome: 'success', subject: user.loginId, detail: `${maskCredentialId(userToken.credentialId)} → ${maskCredentialId(newToken.credentialId)}`,
    });
    // Both codes spent (R2, R13); the old token is released: its next code confirms nothing.
    expect(await lastStep(userToken)).not.toBeNull();
    expect(await lastStep(newToken)).not.toBeNull();
    nextStep(ctx);
    const userClient = await signedIn(ctx, user);
    expect((await confirm(userClient, await draft(userClient), userToken.code())).status).toBe(400);
    expect((await confirm(userClient, await draft(userClient), newToken.code())).status).toBe(303);
  });

  test('when the shared token of B is switched, then every user confirms with the new one', async () => {
    const { admin, user, adminToken, adminClient, newToken } = await setUp('shared');

    const res = await adminClient.submit(path(admin), path(admin), {
      oldOtp: adminToken.code(), credentialId: newToken.credentialId, otp: newToken.code(), approvalPassword: APPROVAL_PASSWORD,
    });

    expect(res.status).toBe(303);
    expect(await registered(user, 'shared')).toBe(newToken.credentialId);
    expect((await auditEvents(ctx.deps, 'otp.replace'))[0]).toMatchObject({ outcome: 'success', subject: '共用トークン' });
  });

  describe('every wrong input is refused on the same form, with the new トークンID kept, and changes nothing but counters', () => {
    type Case = [string, (t: { userToken: TestToken; newToken: TestToken; other: TestToken }) => Record<string, string>, string, string, number];
    const cases: Case[] = [
      ['nothing typed', () => ({ oldOtp: '', credentialId: '', otp: '', approvalPassword: '' }), '現在のトークンのワンタイムパスワード', '現在のトークンのワンタイムパスワードを入力してください。', 400],
      ['a wrong old code', ({ userToken, newToken }) => ({ oldOtp: userToken.codeAtOffset(30), credentialId: newToken.credentialId, otp: newToken.code() }), '現在のトークンのワンタイムパスワード', '現在のトークンのワンタイムパスワードが正しくありません。あと 5 回誤るとロックされます。', 400],
      ['an old code of a drifted clock', ({ userToken, newToken }) => ({ oldOtp: userToken.codeAtOffset(6), credentialId: newToken.credentialId, otp: newToken.code() }), '現在のトークンのワンタイムパスワード', '現在のトークンの時刻がずれている可能性があります。', 400],
      ['a wrong new code', ({ userToken, newToken }) => ({ oldOtp: userToken.code(), credentialId: newToken.credentialId, otp: newToken.codeAtOffset(30) }), '新しいトークンのワンタイムパスワード', 'トークンIDまたはワンタイムパスワードが正しくありません。あと 5 回誤るとロックされます。', 400],
      ['the current token as the new one', ({ userToken }) => ({ oldOtp: userToken.code(), credentialId: userToken.credentialId, otp: userToken.code() }), '新しいトークンのトークンID', '現在のトークンと同じトークンIDです。新しいソフトウェアトークンのトークンIDを入力してください。', 400],
      ['a PC token', ({ userToken }) => ({ oldOtp: userToken.code(), credentialId: 'SYDC12345678', otp: '123456' }), '新しいトークンのトークンID', 'パソコン用のソフトウェアトークンはご利用になれません。', 400],
      ['a token registered to someone else', ({ userToken, other }) => ({ oldOtp: userToken.code(), credentialId: other.credentialId, otp: other.code() }), '新しいトークンのトークンID', 'このトークンIDは登録できません。別のソフトウェアトークンをご利用ください。', 400],
      ['a wrong 承認用パスワード', ({ userToken, newToken }) => ({ oldOtp: userToken.code(), credentialId: newToken.credentialId, otp: newToken.code(), approvalPassword: 'Wrong-Pass-9' }), '承認用パスワード', '承認用パスワードが正しくありません。あと 5 回誤るとロックされます。', 400],
    ];

    test.each(cases)('when %s is posted, then it is refused beside its field', async (_case, fields, label, message, status) => {
      const { user, userToken, adminToken, adminClient, newToken } = await setUp();
      const typed: Record<string, string> = { approvalPassword: APPROVAL_PASSWORD, ...fields({ userToken, newToken, other: adminToken }) };

      const res = await adminClient.submit(path(user), path(user), typed);

      const page = readPage(res.text);
      expect(res.status).toBe(status);
      expect(page.heading()).toBe('トークン切替');
      expect(page.field(label)?.description.join('')).toContain(message);
      expect(page.field('新しいトークンのトークンID')?.value).toBe(typed.credentialId);
      expect(page.field('現在のトークンのワンタイムパスワード')?.value).toBe('');
      expect(await registered(user)).toBe(userToken.credentialId);
      // A wrong code never spends the other one.
      expect(await lastStep(userToken)).toBeNull();
      expect(await lastStep(newToken)).toBeNull();
    });

    test('when the new token is past its 有効期限, then it is refused beside its トークンID and the old code is not spent', async () => {
      const { user, userToken, adminClient } = await setUp();
      const expired = await givenTokenExpiring(ctx, '2026-11-26');
      ctx.clock.advance(86_400_000);
      const admin = (await ctx.deps.repos.users.findInCompany(user.companyId, (await ctx.deps.repos.users.listByCompany(user.companyId)).find((u) => u.role === 'admin')!.id))!;
      await adminClient.login(admin.loginId, ADMIN_PASSWORD);

      const res = await adminClient.submit(path(user), path(user), { oldOtp: userToken.code(), credentialId: expired.credentialId, otp: expired.code(), approvalPassword: APPROVAL_PASSWORD });

      expect(res.status).toBe(400);
      expect(readPage(res.text).field('新しいトークンのトークンID')?.description.join('')).toContain('有効期限が切れているため、登録できません。');
      expect(await registered(user)).toBe(userToken.credentialId);
      expect(await lastStep(userToken)).toBeNull();
    });

    test('when the user has no token, then the page says so and a post is refused; another company\'s user is 404', async () => {
      const { company, adminClient } = await setUp();
      const bare = await givenUser(ctx.deps, company.id);
      const foreign = (await givenContract(ctx.deps)).admin;

      const page = readPage((await adminClient.get(path(bare))).text);
      const res = await adminClient.post(path(bare), { oldOtp: '123456', credentialId: 'SYMC12345678', otp: '123456', approvalPassword: APPROVAL_PASSWORD });

      expect(page.field('現在のトークンのワンタイムパスワード')).toBeUndefined();
      expect(res.status).toBe(400);
      expect(readPage(res.text).errors()[0]?.message).toContain('この利用者にはトークンが登録されていないため、切替はできません。');
      expect((await adminClient.get(path(foreign))).status).toBe(404);
    });
  });

  describe('under a concurrent 振込内容確認 with the old token', () => {
    test('when the confirmation lands while the switch waits for its 承認用パスワード, then it confirms with the old token and the switch still completes after it', async () => {
      const { user, userToken, adminClient, newToken } = await setUp();
      const userClient = await signedIn(ctx, user);
      const id = await draft(userClient);
      await userClient.get(`/transfers/${id}/confirm`);
      await adminClient.get(path(user));
      const gate = holdCompares(ctx.deps);

      const switching = fire(adminClient.post(path(user), {
        oldOtp: userToken.codeAtOffset(0), credentialId: newToken.credentialId, otp: newToken.code(), approvalPassword: APPROVAL_PASSWORD,
      }));
      await gate.reached(1);
      const confirmed = await userClient.post(`/transfers/${id}/confirm`, { otp: userToken.codeAtOffset(-1) });
      gate.release();
      const switched = await switching;

      expect(confirmed.status).toBe(303);
      expect(switched.status).toBe(303);
      expect(await completedTransfers(ctx)).toBe(1);
      expect(await registered(user)).toBe(newToken.credentialId);
      const order = (await ctx.deps.repos.audit.listAll(100, 0)).rows.filter((r) => r.outcome === 'success' && ['transfer.confirm', 'otp.replace'].includes(r.event)).map((r) => r.event);
      expect(order).toEqual(['otp.replace', 'transfer.confirm']); // newest first: the transfer came before the switch
    });

    test('when the switch commits first, then the confirmation with the old token is refused and nothing is debited', async () => {
      const { user, userToken, adminClient, newToken } = await setUp();
      const userClient = await signedIn(ctx, user);
      const id = await draft(userClient);
      await userClient.get(`/transfers/${id}/confirm`);

      const switched = await adminClient.submit(path(user), path(user), {
        oldOtp: userToken.codeAtOffset(0), credentialId: newToken.credentialId, otp: newToken.code(), approvalPassword: APPROVAL_PASSWORD,
      });
      const confirmed = await userClient.post(`/transfers/${id}/confirm`, { otp: userToken.codeAtOffset(-1) });

      expect(switched.status).toBe(303);
      expect(confirmed.status).toBe(400);
      expect(await completedTransfers(ctx)).toBe(0);
      expect(await registered(user)).toBe(newToken.credentialId);
    });

    test('when both race without a gate, then either the transfer used the old token before the switch or it was refused after it — never both tokens, never neither switched', async () => {
      const { user, userToken, adminClient, newToken } = await setUp();
      const userClient = await signedIn(ctx, user);
      const id = await draft(userClient);
      await userClient.get(`/transfers/${id}/confirm`);
      await adminClient.get(path(user));

      const [switched, confirmed] = await Promise.all([
        fire(adminClient.post(path(user), { oldOtp: userToken.codeAtOffset(0), credentialId: newToken.credentialId, otp: newToken.code(), approvalPassword: APPROVAL_PASSWORD })),
        fire(userClient.post(`/transfers/${id}/confirm`, { otp: userToken.codeAtOffset(-1) })),
      ]);

      expect(switched.status).toBe(303);
      expect(await registered(user)).toBe(newToken.credentialId);
      const events = (await ctx.deps.repos.audit.listAll(100, 0)).rows.filter((r) => r.outcome === 'success' && ['transfer.confirm', 'otp.replace'].includes(r.event)).map((r) => r.event);
      if (confirmed.status === 303) expect(events).toEqual(['otp.replace', 'transfer.confirm']);
      else expect([confirmed.status, await completedTransfers(ctx)]).toEqual([400, 0]);
    });
  });
});
