import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, auditEvents, givenContract, givenSignedInStaff, givenUser, TRANSFER_PASSWORD, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken, nextStep } from '../../helpers/otp';
import { readPage, type PageReader } from '../../helpers/page';
import { formatDateTime } from '../../../src/web/format';
import { maskCredentialId } from '../../../src/domain/token';

const MODE_A = '管理者、利用者が異なるトークンを利用する。';
const MODE_B = '管理者、利用者が同じトークンを利用する。';
const NO_TOKEN = 'ワンタイムパスワードのトークンが登録されていません。';
const TOKENS_TABLE = '利用者ごとのトークン';
/**
 * The forms a token ID's hidden digits would take if a page showed them (12345678, or grouped 1234 5678). Four
 * digits alone are no test: they turn up at random in a CSRF token or where a masked ID's last four meet a year.
 */
const unmaskedDigits = (credentialId: string): string[] => [credentialId.slice(4), `${credentialId.slice(4, 8)} ${credentialId.slice(8)}`];
const SEAL_CONFIRMED = '代表口座のお届け印を確認しました';

describe('管理者トークン登録解除 at the branch (Q1, R7, R8)', () => {
  let ctx: TestContext;
  let staff: FormClient;
  let staffId: string;

  beforeEach(async () => {
    ctx = await createTestContext();
    ({ staffId, staff } = await givenSignedInStaff(ctx));
  });

  const companyPath = (companyId: number): string => `/staff/companies/${companyId}`;
  const unregisterPath = (companyId: number): string => `${companyPath(companyId)}/admin-token/unregister`;
  /** 次へ on 契約先詳細: the confirmation screen, or the form again when refused. */
  const preview = (companyId: number, fields: Record<string, string>) => staff.submit(companyPath(companyId), unregisterPath(companyId), fields);
  /** 次へ, then 確定 on the confirmation screen with what its form holds (step=confirm comes with the button). */
  async function unregister(companyId: number, fields: Record<string, string>) {
    const shown = await preview(companyId, fields);
    const confirmButton = shown.status === 200 ? readPage(shown.text).button('確定') : undefined;
    if (!confirmButton?.form) return shown;
    return staff.post(confirmButton.form.action, { ...confirmButton.form.hidden, step: 'confirm' });
  }
  /** The ワンタイムパスワード section of a 契約先詳細 page. */
  const otpSectionOf = (html: string): PageReader | undefined => readPage(html).section('ワンタイムパスワード');
  /** The token each user of the contract is shown with, by login ID. */
  const tokensOf = (otp: PageReader | undefined) =>
    otp?.table(TOKENS_TABLE)?.rows.map((row) => ({ loginId: row['ログインID'], name: row['氏名'], token: row['トークンID'] }));
  const registrationsOf = async (companyId: number) => await ctx.deps.repos.registrations.listForCompany(companyId);
  const paperRequestsOf = async (companyId: number) => await ctx.deps.repos.registrations.listPaperRequests(companyId);
  const stateOf = async (companyId: number) => await ctx.deps.repos.registrations.state(companyId);

  /** A: the administrator and one transfer user, each with an own token. */
  async function givenModeA() {
    const contract = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, contract.company.id);
    const adminToken = await givenToken(ctx);
    const userToken = await givenToken(ctx);
    await givenRegistered(ctx.deps, contract.company.id, 'individual', [
      { userId: contract.admin.id, token: adminToken },
      { userId: user.id, token: userToken },
    ]);
    return { ...contract, user, adminToken, userToken };
  }

  /** B: one token every user of the company shares. */
  async function givenModeB() {
    const contract = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, contract.company.id);
    const sharedToken = await givenToken(ctx);
    await givenRegistered(ctx.deps, contract.company.id, 'shared', [{ userId: null, token: sharedToken }]);
    return { ...contract, user, sharedToken };
  }

  /** A customer signed in with a fresh 都度振込 draft on its 振込内容確認 screen. */
  async function draftAs(loginId: string, password: string) {
    const client = new FormClient(ctx.app);
    await client.login(loginId, password);
    const res = await client.submit('/transfers/new', '/transfers', VALID_TRANSFER_FORM);
    expect(res.status).toBe(303);
    const id = Number(/^\/transfers\/(\d+)\/confirm$/.exec(res.headers.location as string)![1]);
    return { client, id, confirmPath: `/transfers/${id}/confirm` };
  }

  const statusOf = async (transferId: number) => (await ctx.deps.repos.transfers.find(transferId))!.status;

  describe('契約先詳細 ワンタイムパスワード', () => {
    test('when OTP was never set up, then the section says 未設定, 未開始 and offers no form', async () => {
      const { company } = await givenContract(ctx.deps);
      const res = await staff.get(companyPath(company.id));
      const otp = otpSectionOf(res.text);
      expect(res.status).toBe(200);
      expect(otp?.heading()).toBe('ワンタイムパスワード');
      expect(otp?.term('利用形態')).toBe('未設定');
      expect(otp?.term('利用開始')).toBe('未開始');
      expect(otp?.text()).toContain('登録解除できるトークンはありません');
      expect(readPage(res.text).forms().filter((f) => f.action.endsWith('/admin-token/unregister'))).toEqual([]);
      expect(otp?.text()).toContain('書面による登録解除の受付はありません。');
    });

    test('when mode A is in use, then the page shows the mode, start time, masked tokens and the form', async () => {
      const { company, admin, user, adminToken, userToken } = await givenModeA();
      const unregistered = await givenUser(ctx.deps, company.id);
      const otp = otpSectionOf((await staff.get(companyPath(company.id))).text);
      expect(otp?.term('利用形態')).toBe(MODE_A);
      expect(otp?.term('利用開始')).toBe(formatDateTime(ctx.clock.now()));
      const tokens = tokensOf(otp);
      expect(tokens).toContainEqual({ loginId: admin.loginId, name: admin.name, token: maskCredentialId(adminToken.credentialId) });
      expect(tokens).toContainEqual({ loginId: user.loginId, name: user.name, token: maskCredentialId(userToken.credentialId) });
      expect(tokens).toContainEqual({ loginId: unregistered.loginId, name: unregistered.name, token: '未登録' });
      expect(tokens?.map((t) => t.token)).not.toContain(userToken.credentialId);
      expect(otp?.button('次へ')?.form).toMatchObject({ action: unregisterPath(company.id), method: 'post' });
      expect(otp?.button('確定')).toBeUndefined();
      // Masked like the tables: the sentence names the token without its ID in full.
      expect(otp?.text()).toContain(`管理者 ${admin.name}（${admin.loginId}）のトークン ${maskCredentialId(adminToken.credentialId)}`);
      for (const digits of unmaskedDigits(adminToken.credentialId)) expect(otp?.text()).not.toContain(digits);
      expect(otp?.field('書面受付番号')).toMatchObject({ name: 'requestNumber', type: 'text', value: '' });
      expect(otp?.checkboxes('sealVerified')).toMatchObject({ legend: '届出印確認', options: [{ label: SEAL_CONFIRMED, value: '1', checked: false }] });
      expect(otp?.text()).toContain('管理者は都度振込を確定できません。');
    });

    test('when mode B is in use, then the page shows the masked shared token for every user', async () => {
      const { company, admin, user, sharedToken } = await givenModeB();
      const otp = otpSectionOf((await staff.get(companyPath(company.id))).text);
      expect(otp?.term('利用形態')).toBe(MODE_B);
      expect(otp?.term('共用トークン')).toBe(maskCredentialId(sharedToken.credentialId));
      for (const u of [admin, user]) expect(tokensOf(otp)).toContainEqual({ loginId: u.loginId, name: u.name, token: '共用トークン' });
      expect(otp?.text()).toContain('すべての利用者は都度振込を確定できません。');
    });
  });

  describe('mode A: the administrator\'s token', () => {
    test('when staff unregister it, then only the administrator\'s registration goes, the request is recorded and audited', async () => {
      const { company, admin, user, adminToken, userToken } = await givenModeA();
      const startedAt = (await stateOf(company.id)).otpStartedAt;
      ctx.clock.advance(60_000);

      const res = await unregister(company.id, { requestNumber: 'ＲＱ－００１', sealVerified: '1' });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(companyPath(company.id));
      expect(await registrationsOf(company.id)).toEqual([expect.objectContaining({ userId: user.id, credentialId: userToken.credentialId })]);
      expect(await stateOf(company.id)).toEqual({ usageMode: 'individual', otpStartedAt: startedAt });
      expect(await paperRequestsOf(company.id)).toEqual([
        { companyId: company.id, requestNumber: 'RQ-001', credentialId: adminToken.credentialId, staffId, recordedAt: ctx.clock.now() },
      ]);
      expect(await auditEvents(ctx.deps, 'otp.unregister')).toEqual([
        expect.objectContaining({ actorType: 'staff', actor: staffId, companyId: company.id, subject: admin.loginId, outcome: 'success', detail: expect.stringContaining('書面受付番号=RQ-001') }),
      ]);
      const page = readPage((await staff.get(res.headers.location!)).text);
      const otp = page.section('ワンタイムパスワード');
      expect(page.status()).toContain('管理者のトークンの登録を解除しました。');
      expect(otp?.table('書面受付履歴')?.rows).toEqual([
        { 書面受付番号: 'RQ-001', トークンID: maskCredentialId(adminToken.credentialId), 行員: staffId, 受付日時: formatDateTime(ctx.clock.now()) },
      ]);
      expect(tokensOf(otp)).toContainEqual({ loginId: admin.loginId, name: admin.name, token: '未登録' });
      expect(page.forms().filter((f) => f.action.endsWith('/admin-token/unregister'))).toEqual([]);
    });

    test('when it was unregistered, then the administrator still needs an OTP, is told the token is missing, and can register a new one', async () => {
      const { company, admin, adminToken } = await givenModeA();
      // A draft made before; a new one is refused on 都度振込's first screen (issue 15, test/integration/transfers/blocked.test.ts).
      const { client, id, confirmPath } = await draftAs(admin.loginId, ADMIN_PASSWORD);
      await unregister(company.id, { requestNumber: 'RQ-002', sealVerified: '1' });

      // R7: no way back to the fixed 送信確認パスワード.
      const confirm = readPage((await client.get(confirmPath)).text);
      expect(confirm.field('ワンタイムパスワード')?.name).toBe('otp');
      expect(confirm.field('送信確認パスワード')).toBeUndefined();
      const byPassword = await client.post(confirmPath, { transferPassword: TRANSFER_PASSWORD });
      expect(byPassword.status).toBe(400);
      expect(readPage(byPassword.text).field('ワンタイムパスワード')?.description).toContain('ワンタイムパスワードを入力してください。');
      expect(await statusOf(id)).toBe('draft');
      const byOldToken = await client.submit(confirmPath, confirmPath, { otp: adminToken.code() });
      expect(byOldToken.status).toBe(403);
      expect(readPage(byOldToken.text).text()).toContain(NO_TOKEN);
      expect(await statusOf(id)).toBe('draft');

      // §3(2) again, with the new phone's token.
      const newToken = await givenToken(ctx);
      const registered = await client.submit('/admin/otp/register', '/admin/otp/register', {
        credentialId: newToken.credentialId,
        otp: newToken.code(),
        approvalPassword: APPROVAL_PASSWORD,
      });
      expect(registered.status).toBe(303);
      expect((await ctx.deps.repos.registrations.forUser(company.id, admin.id, 'individual'))?.credentialId).toBe(newToken.credentialId);
      nextStep(ctx);
      const done = await client.submit(confirmPath, confirmPath, { otp: newToken.code() });
      expect(done.status).toBe(303);
      expect(await statusOf(id)).toBe('completed');
    });
  });

  describe('mode B: the shared token', () => {
    test('when staff unregister it, then no user can confirm a transfer until the administrator registers again', async () => {
      const { company, admin, user, sharedToken } = await givenModeB();
      // Drafts made before; new ones are refused on 都度振込's first screen (issue 15).
      const asUser = await draftAs(user.loginId, USER_PASSWORD);
      const asAdmin = await draftAs(admin.loginId, ADMIN_PASSWORD);
      const res = await unregister(company.id, { requestNumber: 'B-1', sealVerified: '1' });
      expect(res.status).toBe(303);
      expect(await registrationsOf(company.id)).toEqual([]);
      expect((await stateOf(company.id)).otpStartedAt).not.toBeNull();
      expect(await auditEvents(ctx.deps, 'otp.unregister')).toEqual([
        expect.objectContaining({ actorType: 'staff', actor: staffId, subject: '共用トークン', detail: expect.stringContaining('書面受付番号=B-1') }),
      ]);

      for (const { client, id, confirmPath } of [asUser, asAdmin]) {
        const refused = await client.submit(confirmPath, confirmPath, { otp: sharedToken.code() });
        expect(refused.status).toBe(403);
        expect(readPage(refused.text).text()).toContain(NO_TOKEN);
        expect(await statusOf(id)).toBe('draft');
      }

      const newToken = await givenToken(ctx);
      const registered = await asAdmin.client.submit('/admin/otp/register', '/admin/otp/register', {
        credentialId: newToken.credentialId,
        otp: newToken.code(),
        approvalPassword: APPROVAL_PASSWORD,
      });
      expect(registered.status).toBe(303);
      nextStep(ctx);
      const done = await asUser.client.submit(asUser.confirmPath, asUser.confirmPath, { otp: newToken.code() });
      expect(done.status).toBe(303);
      expect(await statusOf(asUser.id)).toBe('completed');
    });
  });

  describe('the confirmation screen (issue 15)', () => {
    test('when staff press 次へ, then the confirmation screen shows the masked token, the request and 確定 / 戻る, and nothing is removed yet', async () => {
      const { company, admin, adminToken } = await givenModeA();

      const res = await preview(company.id, { requestNumber: 'rq-7', sealVerified: '1' });

      const page = readPage(res.text);
      expect(res.status).toBe(200);
      expect(page.heading()).toBe('管理者トークン登録解除の確認');
      expect(page.term('契約先名')).toBe(company.name);
      expect(page.term('対象')).toBe(`管理者 ${admin.name}（${admin.loginId}）のトークン`);
      expect(page.term('トークンID')).toBe(maskCredentialId(adminToken.credentialId));
      expect(page.term('書面受付番号')).toBe('RQ-7');
      expect(page.term('届出印確認')).toBe('代表口座のお届け印を確認済み');
      expect(res.text).not.toContain(adminToken.credentialId);
      for (const digits of unmaskedDigits(adminToken.credentialId)) expect(res.text).not.toContain(digits);
      expect(page.text()).toContain('管理者は都度振込を確定できません。');
      const form = page.button('確定')?.form;
      expect(form).toMatchObject({ action: unregisterPath(company.id), method: 'post', hidden: { requestNumber: 'RQ-7', sealVerified: '1', _csrf: expect.any(String) } });
      expect(page.button('戻る')?.form).toEqual(form);
      await expectNothingRemoved(company.id);
    });

    test('when the shared token is to be removed, then the confirmation screen says every user is concerned', async () => {
      const { company, sharedToken } = await givenModeB();

      const page = readPage((await preview(company.id, { requestNumber: 'B-7', sealVerified: '1' })).text);

      expect(page.term('対象')).toBe('共用トークン（全利用者）');
      expect(page.term('トークンID')).toBe(maskCredentialId(sharedToken.credentialId));
      expect(page.text()).toContain('すべての利用者は都度振込を確定できません。');
    });

    test('when staff press 戻る, then 契約先詳細 comes back with the number and the seal box refilled and nothing is removed', async () => {
      const { company } = await givenModeA();
      await preview(company.id, { requestNumber: 'RQ-8', sealVerified: '1' });

      const res = await staff.post(unregisterPath(company.id), { requestNumber: 'RQ-8', sealVerified: '1', step: 'back' });

      const otp = otpSectionOf(res.text);
      expect(res.status).toBe(200);
      expect(otp?.field('書面受付番号')?.value).toBe('RQ-8');
      expect(otp?.checkboxes('sealVerified')?.options).toMatchObject([{ label: SEAL_CONFIRMED, checked: true }]);
      await expectNothingRemoved(company.id);
    });

    test('when a client posts the fields without step=confirm (the one-click form of before), then it only gets the confirmation screen', async () => {
      const { company } = await givenModeA();
      await staff.get(companyPath(company.id));

      const res = await staff.post(unregisterPath(company.id), { requestNumber: 'RQ-9', sealVerified: '1', step: 'anything' });

      expect(res.status).toBe(200);
      expect(readPage(res.text).heading()).toBe('管理者トークン登録解除の確認');
      await expectNothingRemoved(company.id);
    });

    test('when 確定 is posted twice (double click, back button), then the token goes once and the second is refused and recorded', async () => {
      const { company } = await givenModeA();
      const shown = readPage((await preview(company.id, { requestNumber: 'RQ-10', sealVerified: '1' })).text);
      const fields = { ...shown.button('確定')!.form!.hidden, step: 'confirm' };

      const first = await staff.post(unregisterPath(company.id), fields);
      const second = await staff.post(unregisterPath(company.id), fields);

      expect(first.status).toBe(303);
      expect(second.status).toBe(400);
      expect(await registrationsOf(company.id)).toHaveLength(1);
      expect(await paperRequestsOf(company.id)).toHaveLength(1);
      expect((await auditEvents(ctx.deps, 'otp.unregister')).map((e) => e.outcome).sort()).toEqual(['failure', 'success']);
    });

    /** The 次へ and 戻る steps write nothing: no registration goes, no request or audit entry is recorded. */
    async function expectNothingRemoved(companyId: number): Promise<void> {
      expect(await registrationsOf(companyId)).toHaveLength(2 - ((await stateOf(companyId)).usageMode === 'shared' ? 1 : 0));
      expect(await paperRequestsOf(companyId)).toEqual([]);
      expect(await auditEvents(ctx.deps, 'otp.unregister')).toEqual([]);
    }
  });

  describe('refusals', () => {
    /** Nothing the form would write was written. */
    async function expectUnchanged(companyId: number, registered: number): Promise<void> {
      expect(await registrationsOf(companyId)).toHaveLength(registered);
      expect(await paperRequestsOf(companyId)).toEqual([]);
      expect((await auditEvents(ctx.deps, 'otp.unregister')).filter((e) => e.outcome === 'success')).toEqual([]);
    }

    test('when the seal is not confirmed, then the form says so at the top and beside the box, keeps the number and writes nothing', async () => {
      const { company } = await givenModeA();
      const res = await unregister(company.id, { requestNumber: 'RQ-9' });
      const page = readPage(res.text);
      expect(res.status).toBe(400);
      expect(page.errors()).toContainEqual({ message: '届出印を確認してください。', field: '届出印確認' });
      expect(page.checkboxes('sealVerified')).toMatchObject({ description: ['届出印を確認してください。'], options: [{ label: SEAL_CONFIRMED, checked: false }] });
      expect(page.field('書面受付番号')?.value).toBe('RQ-9');
      await expectUnchanged(company.id, 2);
    });

    test.each([
      ['', '書面受付番号を入力してください。'],
      ['RQ_001', '書面受付番号は半角英数字と「-」で20文字以内で入力してください。'],
      ['A'.repeat(21), '書面受付番号は半角英数字と「-」で20文字以内で入力してください。'],
    ])('when the 書面受付番号 is "%s", then 400 with the message and the typed value refilled', async (requestNumber, message) => {
      const { company } = await givenModeA();
      const res = await unregister(company.id, { requestNumber, sealVerified: '1' });
      const page = readPage(res.text);
      expect(res.status).toBe(400);
      expect(page.errors()).toContainEqual({ message, field: '書面受付番号' });
      expect(page.field('書面受付番号')).toMatchObject({ value: requestNumber, invalid: true, description: expect.arrayContaining([message]) });
      expect(page.checkboxes('sealVerified')?.options).toEqual([{ label: SEAL_CONFIRMED, value: '1', checked: true, disabled: false }]);
      await expectUnchanged(company.id, 2);
    });

    test('when the 書面受付番号 was already used for this contract (typed full-width), then it is refused and the new token stays', async () => {
      const { company, admin } = await givenModeA();
      await unregister(company.id, { requestNumber: 'RQ-100', sealVerified: '1' });
      await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: await givenToken(ctx) }]);

      const res = await unregister(company.id, { requestNumber: 'ＲＱ－１００', sealVerified: '1' });

      // Refused at 次へ, before any confirmation screen: nothing to record but the first request.
      expect(res.status).toBe(400);
      expect(readPage(res.text).heading()).toBe('契約先詳細');
      expect(readPage(res.text).text()).toContain('この書面受付番号はすでに登録されています。');
      expect(await registrationsOf(company.id)).toHaveLength(2);
      expect(await paperRequestsOf(company.id)).toHaveLength(1);
      expect((await auditEvents(ctx.deps, 'otp.unregister')).map((e) => [e.outcome, e.detail])).toEqual([
        ['success', expect.stringContaining('書面受付番号=RQ-100')],
      ]);
    });

    test('when no administrator or shared token is registered, then 400 says there is nothing to unregister', async () => {
      const { company } = await givenModeA();
      await unregister(company.id, { requestNumber: 'RQ-1', sealVerified: '1' });
      const again = await unregister(company.id, { requestNumber: 'RQ-2', sealVerified: '1' });
      expect(again.status).toBe(400);
      expect(readPage(again.text).text()).toContain('登録解除できるトークンがありません。');
      expect(await registrationsOf(company.id)).toHaveLength(1);
      expect(await paperRequestsOf(company.id)).toHaveLength(1);
    });

    test('when the path names a contract without a token, then the other contract\'s token is untouched', async () => {
      const withToken = await givenModeA();
      const { company } = await givenContract(ctx.deps);
      await staff.get(companyPath(company.id));
      const res = await staff.post(unregisterPath(company.id), { requestNumber: 'RQ-1', sealVerified: '1', step: 'confirm' });
      expect(res.status).toBe(400);
      await expectUnchanged(withToken.company.id, 2);
      // The refused 確定 is on record for the contract it named (R11).
      expect(await auditEvents(ctx.deps, 'otp.unregister')).toMatchObject([{ outcome: 'failure', companyId: company.id, detail: '書面受付番号=RQ-1 notRegistered' }]);
    });

    test.each(['999999', 'abc'])('when the contract id is %s, then it is not found and nothing changes', async (id) => {
      const { company } = await givenModeA();
      await staff.get(companyPath(company.id));
      const steps: Record<string, string>[] = [{}, { step: 'confirm' }];
      for (const step of steps) {
        const res = await staff.post(`/staff/companies/${id}/admin-token/unregister`, { requestNumber: 'RQ-1', sealVerified: '1', ...step });
        expect(res.status).toBe(404);
      }
      await expectUnchanged(company.id, 2);
    });

    test('when the form is posted without a CSRF token, then 403 and nothing changes', async () => {
      const { company } = await givenModeA();
      await staff.get(companyPath(company.id));
      const res = await staff.agent.post(`${companyPath(company.id)}/admin-token/unregister`).type('form').send({ requestNumber: 'RQ-1', sealVerified: '1', step: 'confirm' });
      expect(res.status).toBe(403);
      await expectUnchanged(company.id, 2);
    });

    test('when a signed-in customer posts to the route on the customer site, then it does not exist there', async () => {
      const { company, admin } = await givenModeA();
      const customer = new FormClient(ctx.app);
      await customer.login(admin.loginId, ADMIN_PASSWORD);
      const res = await customer.submit('/', `${companyPath(company.id)}/admin-token/unregister`, { requestNumber: 'RQ-1', sealVerified: '1' });
      expect(res.status).toBe(404);
      await expectUnchanged(company.id, 2);
    });
  });
});
