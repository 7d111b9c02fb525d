import { createTestContext, type TestContext } from '../../helpers/app';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, auditEvents, givenSignedInAdmin } from '../../helpers/fixtures';
import { completedTransfers, confirm, draft, givenTokenExpiring, otpContract, signedIn } from '../../helpers/otpFlows';
import { readPage } from '../../helpers/page';

// 有効期限 (issue 13, item 4): valid through 23:59:59 JST of its day; past it no code is accepted and the
// token cannot be registered; from 60 days before, the メニュー and the OTP screens say when and what to do.

const JST = (iso: string): number => Date.parse(`${iso}+09:00`);
const EXPIRED = 'ご利用のソフトウェアトークンは有効期限が切れているため、ワンタイムパスワードをご利用いただけません。';
const NOTICE = 'ソフトウェアトークンの有効期限';

describe('有効期限 of a token', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when a transfer is confirmed at 23:59:59 JST of the 有効期限, then it is accepted; from 00:00:00 JST the next day the code is refused as expired and not counted', async () => {
    ctx.clock.set(JST('2026-11-26T23:59:30'));
    const token = await givenTokenExpiring(ctx, '2026-11-26');
    const { user } = await otpContract(ctx, 'individual', { user: token });
    const client = await signedIn(ctx, user);
    const lastSecond = await draft(client);
    const nextDay = await draft(client);

    ctx.clock.set(JST('2026-11-26T23:59:59'));
    const inTime = await confirm(client, lastSecond, token.code());
    ctx.clock.set(JST('2026-11-27T00:00:00'));
    const late = await confirm(client, nextDay, token.code());

    expect(inTime.status).toBe(303);
    expect(late.status).toBe(400);
    expect(readPage(late.text).field('ワンタイムパスワード')?.description.join('')).toContain(EXPIRED);
    expect(readPage(late.text).field('ワンタイムパスワード')?.description.join('')).toContain('管理者に、トークンの登録解除と新しいソフトウェアトークンの登録を依頼してください。');
    expect(await completedTransfers(ctx)).toBe(1);
    expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(0);
    expect((await auditEvents(ctx.deps, 'otp.verify'))[0]).toMatchObject({ outcome: 'failure', detail: 'expired 2026-11-26' });
  });

  test('when a wrong code of an expired token is entered, then it reads as wrong and counts (expiry is told only to the holder)', async () => {
    const token = await givenTokenExpiring(ctx, '2026-11-26');
    const { user } = await otpContract(ctx, 'individual', { user: token });
    ctx.clock.advance(86_400_000);
    const client = await signedIn(ctx, user);
    const id = await draft(client);

    const res = await confirm(client, id, token.codeAtOffset(30));

    expect(readPage(res.text).text()).not.toContain(EXPIRED);
    expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(1);
  });

  test('when the administrator registers a token past its 有効期限, then ④ refuses it beside トークンID and nothing is registered', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);
    await ctx.deps.repos.registrations.setUsageMode(company.id, 'individual');
    const token = await givenTokenExpiring(ctx, '2026-11-26');
    ctx.clock.set(JST('2026-11-27T00:00:30'));
    await client.login(admin.loginId, ADMIN_PASSWORD);

    const res = await client.submit('/admin/otp/register', '/admin/otp/register', { credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD });

    const page = readPage(res.text);
    expect(res.status).toBe(400);
    expect(page.field('トークンID')?.description).toContain('このソフトウェアトークンは有効期限が切れているため、登録できません。新しいソフトウェアトークン（VIP Access）を用意し、そのトークンIDを入力してください。');
    expect(page.field('トークンID')?.value).toBe(token.credentialId);
    expect(await ctx.deps.repos.registrations.listForCompany(company.id)).toEqual([]);
    expect((await ctx.deps.repos.registrations.state(company.id)).otpStartedAt).toBeNull();
    expect((await ctx.deps.repos.tokens.find(token.credentialId))?.lastStep).toBeNull();
  });

  test('when the 有効期限 is 61 days away there is no notice; from 60 days before, the メニュー, ① and 同期ズレ補正 show the date and what to do', async () => {
    // 2026-11-26 + 61 days = 2027-01-26.
    const token = await givenTokenExpiring(ctx, '2027-01-26');
    const { admin, user } = await otpContract(ctx, 'individual', { admin: token });
    const adminClient = await signedIn(ctx, admin, ADMIN_PASSWORD);
    const userClient = await signedIn(ctx, user);
    const before = readPage((await adminClient.get('/')).text);

    ctx.clock.advance(86_400_000);
    await adminClient.login(admin.loginId, ADMIN_PASSWORD);
    const menu = readPage((await adminClient.get('/')).text).section(NOTICE);
    const overview = readPage((await adminClient.get('/admin/otp')).text).section('有効期限が近いトークン');
    const resync = readPage((await adminClient.get('/otp/resync')).text).section(NOTICE);
    await userClient.login(user.loginId, 'User-Pass-1');
    const userMenu = readPage((await userClient.get('/')).text);

    expect(before.section(NOTICE)).toBeUndefined();
    expect(menu?.text()).toContain('ご利用のソフトウェアトークンの有効期限は2027年1月26日です（あと60日）。');
    expect(menu?.text()).toContain('「管理機能」の「ワンタイムパスワード認証情報管理」から「トークン切替」を行ってください。');
    expect(overview?.text()).toContain(`${admin.loginId}（${admin.name}）のトークン`);
    expect(overview?.text()).toContain('有効期限 2027年1月26日（あと60日）');
    expect(resync?.text()).toContain('2027年1月26日');
    // The user's own token is not expiring: the user's メニュー says nothing.
    expect(userMenu.section(NOTICE)).toBeUndefined();
    expect(userMenu.link('同期ズレ補正')).toBe('/otp/resync');
  });

  test('when a 利用者\'s token is within 60 days, then the user is told to ask the administrator for トークン切替', async () => {
    const token = await givenTokenExpiring(ctx, '2026-12-01');
    const { user } = await otpContract(ctx, 'individual', { user: token });
    const client = await signedIn(ctx, user);

    const notice = readPage((await client.get('/')).text).section(NOTICE);

    expect(notice?.text()).toContain('有効期限は2026年12月1日です（あと5日）。');
    expect(notice?.text()).toContain('管理者に「トークン切替」を依頼してください。');
  });
});
