import { createTestContext, type TestContext } from '../../helpers/app';
import type { FormClient } from '../../helpers/client';
import { APPROVAL_PASSWORD, auditEvents, givenSignedInAdmin } from '../../helpers/fixtures';
import { givenRegistered, givenToken, nextStep } from '../../helpers/otp';
import { readPage } from '../../helpers/page';
import { maskCredentialId, PC_TOKEN_MESSAGE } from '../../../src/domain/token';
import type { UsageMode } from '../../../src/repositories/registrations';
import { unregisterAtBranch } from '../../../src/services/otpBranch';

const CODE_WRONG = 'トークンIDまたはワンタイムパスワードが正しくありません。';
const staff = { type: 'staff' as const, id: 'staff-test', companyId: null, clientIp: null };
/** ０–９, Ａ–Ｚ and ａ–ｚ, as a Japanese IME types them. */
const fullWidth = (s: string): string => s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
/** What is read with the field labelled `label` besides the label: its hint and, once it is wrong, the message. */
const besideField = (html: string, label: string): string[] | undefined => readPage(html).field(label)?.description;

describe('トークン登録 ④-1 / ④-2 and 登録完了 ⑤ (manual §3(2)④⑤, R3–R7, R9)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  /** A signed-in administrator who chose a 利用形態 on the screen. */
  async function adminInMode(mode: UsageMode) {
    const signedIn = await givenSignedInAdmin(ctx);
    expect((await signedIn.client.submit('/admin/otp/mode', '/admin/otp/mode', { mode })).status).toBe(303);
    return signedIn;
  }

  const register = (client: FormClient, fields: Record<string, string>) =>
    client.submit('/admin/otp/register', '/admin/otp/register', fields);
  const registrationsOf = async (companyId: number) => await ctx.deps.repos.registrations.listForCompany(companyId);
  const startedAt = async (companyId: number) => (await ctx.deps.repos.registrations.state(companyId)).otpStartedAt;

  test('when the administrator registers the own token in A (④-1), then OTP starts, ⑤ says what comes next, and it is audited', async () => {
    const { company, admin, client } = await adminInMode('individual');
    const token = await givenToken(ctx);

    const res = await register(client, { credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/otp/complete');
    expect(await registrationsOf(company.id)).toEqual([expect.objectContaining({ userId: admin.id, credentialId: token.credentialId, registeredBy: admin.loginId })]);
    expect(await startedAt(company.id)).toBe(ctx.clock.now());
    expect(await ctx.deps.repos.tokens.find(token.credentialId)).toMatchObject({ companyId: company.id, lastStep: Math.floor(ctx.clock.now() / 30_000) });
    expect((await auditEvents(ctx.deps, 'otp.mode'))[0]).toMatchObject({ outcome: 'success', detail: 'individual' });
    expect((await auditEvents(ctx.deps, 'otp.register'))[0]).toMatchObject({
      outcome: 'success', actor: admin.loginId, companyId: company.id, subject: admin.loginId, detail: maskCredentialId(token.credentialId),
    });
    const done = readPage((await client.get('/admin/otp/complete')).text);
    expect(done.heading()).toBe('登録完了');
    expect(done.currentStep()).toBe('⑤ 登録完了');
    expect(done.term('対象')).toBe(`${admin.loginId}（${admin.name}）`);
    expect(done.term('トークンID')).toBe(maskCredentialId(token.credentialId));
    expect(done.text()).toContain('都度振込を行う権限のある他の全利用者に対してもソフトウェアトークンを登録する必要があります。');
    expect(done.link('ワンタイムパスワード認証情報管理')).toBe('/admin/otp');
    expect(done.text()).not.toContain('次の利用者へ');
    expect(readPage((await client.get('/admin/otp')).text).term('利用開始日時')).not.toBe('未開始');
  });

  test('when the administrator registers one token for everyone in B (④-2), then it is the shared token and OTP starts', async () => {
    const { company, admin, client } = await adminInMode('shared');
    const token = await givenToken(ctx);

    const res = await register(client, { credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(303);
    expect(await registrationsOf(company.id)).toEqual([expect.objectContaining({ userId: null, credentialId: token.credentialId })]);
    expect(await startedAt(company.id)).toBe(ctx.clock.now());
    expect((await auditEvents(ctx.deps, 'otp.register'))[0]).toMatchObject({ outcome: 'success', actor: admin.loginId, subject: '共用トークン' });
    const done = readPage((await client.get('/admin/otp/complete')).text);
    expect(done.term('対象')).toBe('全利用者（共用トークン）');
    expect(done.text()).toContain('以上で、ワンタイムパスワードのご利用開始手続きは終了です。');
  });

  test('when the code is wrong, then 400 says so with the count left, the トークンID is refilled, no secret is echoed and nothing is registered', async () => {
    const { company, admin, client } = await adminInMode('individual');
    const token = await givenToken(ctx);
    const wrong = token.code() === '000000' ? '111111' : '000000';

    const res = await register(client, { credentialId: token.credentialId, otp: wrong, approvalPassword: APPROVAL_PASSWORD });

    const page = readPage(res.text);
    expect(res.status).toBe(400);
    expect(page.field('ワンタイムパスワード')?.description).toContain(`${CODE_WRONG}あと 5 回誤るとロックされます。`);
    expect(page.errors()).toContainEqual({ message: `${CODE_WRONG}あと 5 回誤るとロックされます。`, field: 'ワンタイムパスワード' });
    expect(page.field('トークンID')?.value).toBe(token.credentialId);
    expect(res.text).not.toContain(wrong);
    expect(res.text).not.toContain(APPROVAL_PASSWORD);
    expect((await ctx.deps.repos.locks.get(admin.id, 'otp')).failures).toBe(1);
    expect(await registrationsOf(company.id)).toEqual([]);
    expect(await startedAt(company.id)).toBeNull();
    expect(await ctx.deps.repos.tokens.find(token.credentialId)).toMatchObject({ companyId: null, lastStep: null });
    expect((await auditEvents(ctx.deps, 'otp.verify'))[0]).toMatchObject({ outcome: 'failure', subject: admin.loginId });
    expect((await auditEvents(ctx.deps, 'otp.register')).filter((e) => e.outcome === 'success')).toHaveLength(0);
  });

  test('when the トークンID is unknown, then the message is exactly the one for a wrong code (R3: existence is never told)', async () => {
    const { company, client } = await adminInMode('individual');
    const token = await givenToken(ctx);
    const wrong = token.code() === '000000' ? '111111' : '000000';
    const wrongCode = await register(client, { credentialId: token.credentialId, otp: wrong, approvalPassword: APPROVAL_PASSWORD });

    const unknown = await register(client, { credentialId: 'SYMC99999999', otp: token.code(), approvalPassword: APPROVAL_PASSWORD });

    const withoutCount = (html: string) => besideField(html, 'ワンタイムパスワード')?.map((text) => text.replace(/あと \d 回/, ''));
    expect(unknown.status).toBe(wrongCode.status);
    expect(besideField(unknown.text, 'ワンタイムパスワード')).toContain(`${CODE_WRONG}あと 4 回誤るとロックされます。`);
    expect(withoutCount(unknown.text)).toEqual(withoutCount(wrongCode.text));
    expect(readPage(unknown.text).field('トークンID')?.invalid).toBe(false);
    expect(readPage(unknown.text).errors().map((e) => e.field)).toEqual(['ワンタイムパスワード']);
    expect(await registrationsOf(company.id)).toEqual([]);
  });

  test('when a PC token (VIP Access for PCs) is entered, then the PC message is shown and nothing is written or counted', async () => {
    const { company, admin, client } = await adminInMode('individual');
    const pc = await givenToken(ctx, 'desktop');

    const res = await register(client, { credentialId: pc.credentialId, otp: pc.code(), approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(400);
    expect(besideField(res.text, 'トークンID')).toContain(PC_TOKEN_MESSAGE);
    expect(await registrationsOf(company.id)).toEqual([]);
    expect(await ctx.deps.repos.tokens.find(pc.credentialId)).toMatchObject({ companyId: null, lastStep: null });
    expect((await ctx.deps.repos.locks.get(admin.id, 'otp')).failures).toBe(0);
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(0);
    expect(await auditEvents(ctx.deps, 'otp.verify')).toHaveLength(0);
  });

  test.each([
    ['lower case', (id: string) => id.toLowerCase(), (code: string) => code],
    ['full-width', fullWidth, (code: string) => code],
    ['grouped with spaces as the app shows it', (id: string) => ` ${id.slice(0, 4)} ${id.slice(4, 8)} ${id.slice(8)} `, (code: string) => code],
    ['hyphenated, with a full-width code', (id: string) => `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}`, fullWidth],
  ])('when the トークンID is typed %s, then it is registered under its normal form (R3, R4)', async (_how, typeId, typeCode) => {
    const { company, client } = await adminInMode('individual');
    const token = await givenToken(ctx);

    const res = await register(client, { credentialId: typeId(token.credentialId), otp: typeCode(token.code()), approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(303);
    expect((await registrationsOf(company.id))[0]?.credentialId).toBe(token.credentialId);
  });

  test('when the same code is used again after the branch unregistered the token, then it is refused as already used, not counted, until the next step (R2, issue 15)', async () => {
    const { company, admin, client } = await adminInMode('individual');
    const token = await givenToken(ctx);
    const code = token.code();
    await register(client, { credentialId: token.credentialId, otp: code, approvalPassword: APPROVAL_PASSWORD });
    expect(await unregisterAtBranch(ctx.deps, company.id, 'RQ-1', staff)).toMatchObject({ ok: true });

    const replay = await register(client, { credentialId: token.credentialId, otp: code, approvalPassword: APPROVAL_PASSWORD });

    expect(replay.status).toBe(400);
    expect(besideField(replay.text, 'ワンタイムパスワード')).toContain(
      'このワンタイムパスワードはすでに使用されています。スマートフォンに次のワンタイムパスワードが表示されるまでお待ちのうえ、新しいワンタイムパスワードを入力してください。',
    );
    expect(await registrationsOf(company.id)).toEqual([]);
    expect((await auditEvents(ctx.deps, 'otp.verify'))[0]).toMatchObject({ outcome: 'failure', detail: 'replayed' });
    expect((await ctx.deps.repos.locks.get(admin.id, 'otp')).failures).toBe(0);
    nextStep(ctx);
    const fresh = await register(client, { credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD });
    expect(fresh.status).toBe(303);
    expect(await registrationsOf(company.id)).toHaveLength(1);
  });

  test("when another company's registered token is entered, then it is refused as not registrable and nothing changes (R5)", async () => {
    const other = await adminInMode('individual');
    const token = await givenToken(ctx);
    await register(other.client, { credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD });
    const { company, client } = await adminInMode('individual');
    nextStep(ctx);

    const res = await register(client, { credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(400);
    expect(besideField(res.text, 'トークンID')).toContain('このトークンIDは登録できません。別のソフトウェアトークンをご利用ください。');
    expect(await registrationsOf(company.id)).toEqual([]);
    expect(await startedAt(company.id)).toBeNull();
    expect((await ctx.deps.repos.tokens.find(token.credentialId))?.companyId).toBe(other.company.id);
    expect((await auditEvents(ctx.deps, 'otp.register'))[0]).toMatchObject({ outcome: 'failure', companyId: company.id, detail: 'taken' });
  });

  test('when the 承認用パスワード is wrong, then 400 says so beside it and the code is not spent', async () => {
    const { company, admin, client } = await adminInMode('individual');
    const token = await givenToken(ctx);

    const res = await register(client, { credentialId: token.credentialId, otp: token.code(), approvalPassword: 'Wrong-Pass-9' });

    expect(res.status).toBe(400);
    expect(besideField(res.text, '承認用パスワード')).toContain('承認用パスワードが正しくありません。あと 5 回誤るとロックされます。');
    expect((await ctx.deps.repos.locks.get(admin.id, 'approvalPassword')).failures).toBe(1);
    expect((await ctx.deps.repos.tokens.find(token.credentialId))?.lastStep).toBeNull();
    expect(await registrationsOf(company.id)).toEqual([]);
    const retry = await register(client, { credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD });
    expect(retry.status).toBe(303);
  });

  test("when the administrator's OTP is locked, then ④ refuses with 403 and the lock message, and the code is not spent", async () => {
    const { company, admin, client } = await adminInMode('individual');
    const token = await givenToken(ctx);
    for (let i = 0; i < 6; i += 1) await ctx.deps.repos.locks.recordFailure(admin.id, 'otp', 6, ctx.clock.now());

    const res = await register(client, { credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(403);
    expect(besideField(res.text, 'ワンタイムパスワード')).toContain('ワンタイムパスワードがロックされています。お取引店にお問い合わせください。');
    expect((await ctx.deps.repos.tokens.find(token.credentialId))?.lastStep).toBeNull();
    expect(await registrationsOf(company.id)).toEqual([]);
  });

  test('when codes are posted faster than the OTP rate limit allows, then the next post is refused with 429 (DESIGN §6)', async () => {
    ctx = await createTestContext({ OTP_RATE_LIMIT: '2' });
    const { company, client } = await adminInMode('individual');
    const token = await givenToken(ctx);
    const wrong = { credentialId: token.credentialId, otp: token.codeAtOffset(5), approvalPassword: APPROVAL_PASSWORD };
    await register(client, wrong);
    await register(client, wrong);

    const res = await register(client, { ...wrong, otp: token.code() });

    expect(res.status).toBe(429);
    expect(readPage(res.text).text()).toContain('ワンタイムパスワードの入力が多すぎます。');
    expect(await registrationsOf(company.id)).toEqual([]);
  });

  test('when the form is empty, then each field says what is missing with 400', async () => {
    const { client } = await adminInMode('individual');

    const res = await register(client, { credentialId: '', otp: '', approvalPassword: '' });

    expect(res.status).toBe(400);
    expect(besideField(res.text, 'トークンID')).toContain('トークンIDを入力してください。');
    expect(besideField(res.text, 'ワンタイムパスワード')).toContain('ワンタイムパスワードを入力してください。');
    expect(besideField(res.text, '承認用パスワード')).toContain('承認用パスワードを入力してください。');
  });

  test('when ④ is opened before a mode is chosen, then it leads to 利用形態設定; once registered, back to the overview with a notice', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx);
    const first = await client.get('/admin/otp/register');
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: await givenToken(ctx) }]);

    const second = await client.get('/admin/otp/register');

    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/admin/otp/mode');
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe('/admin/otp');
    expect(readPage((await client.get('/admin/otp')).text).status()).toContain('管理者のトークンはすでに登録されています。');
  });

  test('when ⑤ is opened without a result, then it leads back to the overview', async () => {
    const { client } = await givenSignedInAdmin(ctx);

    const res = await client.get('/admin/otp/complete');

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/otp');
  });

  test('when the CSRF token is missing, then the registration is refused with 403 and nothing is written', async () => {
    const { company, client } = await adminInMode('individual');
    const token = await givenToken(ctx);

    const res = await client.agent.post('/admin/otp/register').type('form')
      .send({ credentialId: token.credentialId, otp: token.code(), approvalPassword: APPROVAL_PASSWORD });

    expect(res.status).toBe(403);
    expect(await registrationsOf(company.id)).toEqual([]);
    expect((await ctx.deps.repos.tokens.find(token.credentialId))?.lastStep).toBeNull();
  });

  test('when the form is shown, then the fields carry the manual\'s words and the code field suits a one-time code', async () => {
    const { client } = await adminInMode('individual');

    const page = readPage((await client.get('/admin/otp/register')).text);

    expect(page.field('トークンID')).toMatchObject({ name: 'credentialId', description: ['VIP Access の Credential ID（例：SYMC 1234 5678）'] });
    expect(page.field('ワンタイムパスワード')).toMatchObject({
      name: 'otp', type: 'text', autocomplete: 'one-time-code', inputmode: 'numeric', description: ['VIP Access の Security Code（6桁）'],
    });
    expect(page.field('承認用パスワード')).toMatchObject({ name: 'approvalPassword', type: 'password' });
    expect(page.button('確定')).toMatchObject({ type: 'submit', form: { action: '/admin/otp/register', method: 'post' } });
  });
});
