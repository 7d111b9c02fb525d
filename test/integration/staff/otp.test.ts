import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, auditEvents, givenContract, givenSignedInStaff, givenUser, TRANSFER_PASSWORD, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken, nextStep } from '../../helpers/otp';
import { formatDateTime } from '../../../src/web/format';
import { maskCredentialId } from '../../../src/domain/token';

const MODE_A = '管理者、利用者が異なるトークンを利用する。';
const MODE_B = '管理者、利用者が同じトークンを利用する。';
const NO_TOKEN = 'ワンタイムパスワードのトークンが登録されていません。';

describe('管理者トークン登録解除 at the branch (Q1, R7, R8)', () => {
  let ctx: TestContext;
  let staff: FormClient;
  let staffId: string;

  beforeEach(async () => {
    ctx = createTestContext();
    ({ staffId, staff } = await givenSignedInStaff(ctx));
  });

  const companyPath = (companyId: number): string => `/staff/companies/${companyId}`;
  const unregister = (companyId: number, fields: Record<string, string>) =>
    staff.submit(companyPath(companyId), `${companyPath(companyId)}/admin-token/unregister`, fields);
  const registrationsOf = (companyId: number) => ctx.deps.repos.registrations.listForCompany(companyId);
  const paperRequestsOf = (companyId: number) => ctx.deps.repos.registrations.listPaperRequests(companyId);
  const stateOf = (companyId: number) => ctx.deps.repos.registrations.state(companyId);

  /** A: the administrator and one transfer user, each with an own token. */
  async function givenModeA() {
    const contract = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, contract.company.id);
    const adminToken = givenToken(ctx);
    const userToken = givenToken(ctx);
    givenRegistered(ctx.deps, contract.company.id, 'individual', [
      { userId: contract.admin.id, token: adminToken },
      { userId: user.id, token: userToken },
    ]);
    return { ...contract, user, adminToken, userToken };
  }

  /** B: one token every user of the company shares. */
  async function givenModeB() {
    const contract = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, contract.company.id);
    const sharedToken = givenToken(ctx);
    givenRegistered(ctx.deps, contract.company.id, 'shared', [{ userId: null, token: sharedToken }]);
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

  const statusOf = (transferId: number) => ctx.deps.repos.transfers.find(transferId)!.status;

  describe('契約先詳細 ワンタイムパスワード', () => {
    test('when OTP was never set up, then the section says 未設定, 未開始 and offers no form', async () => {
      const { company } = await givenContract(ctx.deps);
      const res = await staff.get(companyPath(company.id));
      expect(res.status).toBe(200);
      expect(res.text).toContain('<h2 id="otp-title">ワンタイムパスワード</h2>');
      expect(res.text).toContain('<dt>利用形態</dt><dd>未設定</dd>');
      expect(res.text).toContain('<dt>利用開始</dt><dd>未開始</dd>');
      expect(res.text).toContain('登録解除できるトークンはありません');
      expect(res.text).not.toContain('/admin-token/unregister');
      expect(res.text).toContain('書面による登録解除の受付はありません。');
    });

    test('when mode A is in use, then the page shows the mode, start time, masked tokens and the form', async () => {
      const { company, admin, user, adminToken, userToken } = await givenModeA();
      const unregistered = await givenUser(ctx.deps, company.id);
      const res = await staff.get(companyPath(company.id));
      expect(res.text).toContain(`<dt>利用形態</dt><dd>${MODE_A}</dd>`);
      expect(res.text).toContain(`<dt>利用開始</dt><dd>${formatDateTime(ctx.clock.now())}</dd>`);
      expect(res.text).toContain(`<td>${admin.loginId}</td><td>${admin.name}</td><td class="otp-token">${maskCredentialId(adminToken.credentialId)}</td>`);
      expect(res.text).toContain(`<td>${user.loginId}</td><td>${user.name}</td><td class="otp-token">${maskCredentialId(userToken.credentialId)}</td>`);
      expect(res.text).toContain(`<td>${unregistered.loginId}</td><td>${unregistered.name}</td><td class="otp-token">未登録</td>`);
      expect(res.text).not.toContain(`<td class="otp-token">${userToken.credentialId}`);
      expect(res.text).toContain(`action="/staff/companies/${company.id}/admin-token/unregister"`);
      expect(res.text).toContain('<label for="requestNumber">書面受付番号</label>');
      expect(res.text).toContain('<legend>届出印確認</legend>');
      expect(res.text).toContain('name="sealVerified" value="1"');
      expect(res.text).toContain('管理者は都度振込を確定できません。');
    });

    test('when mode B is in use, then the page shows the masked shared token for every user', async () => {
      const { company, admin, user, sharedToken } = await givenModeB();
      const res = await staff.get(companyPath(company.id));
      expect(res.text).toContain(`<dt>利用形態</dt><dd>${MODE_B}</dd>`);
      expect(res.text).toContain(`<dt>共用トークン</dt><dd>${maskCredentialId(sharedToken.credentialId)}</dd>`);
      for (const u of [admin, user]) expect(res.text).toContain(`<td>${u.loginId}</td><td>${u.name}</td><td class="otp-token">共用トークン</td>`);
      expect(res.text).toContain('すべての利用者は都度振込を確定できません。');
    });
  });

  describe('mode A: the administrator\'s token', () => {
    test('when staff unregister it, then only the administrator\'s registration goes, the request is recorded and audited', async () => {
      const { company, admin, user, adminToken, userToken } = await givenModeA();
      const startedAt = stateOf(company.id).otpStartedAt;
      ctx.clock.advance(60_000);

      const res = await unregister(company.id, { requestNumber: 'ＲＱ－００１', sealVerified: '1' });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(companyPath(company.id));
      expect(registrationsOf(company.id)).toEqual([expect.objectContaining({ userId: user.id, credentialId: userToken.credentialId })]);
      expect(stateOf(company.id)).toEqual({ usageMode: 'individual', otpStartedAt: startedAt });
      expect(paperRequestsOf(company.id)).toEqual([
        { companyId: company.id, requestNumber: 'RQ-001', credentialId: adminToken.credentialId, staffId, recordedAt: ctx.clock.now() },
      ]);
      expect(auditEvents(ctx.deps, 'otp.unregister')).toEqual([
        expect.objectContaining({ actorType: 'staff', actor: staffId, companyId: company.id, subject: admin.loginId, outcome: 'success', detail: expect.stringContaining('書面受付番号=RQ-001') }),
      ]);
      const page = await staff.get(res.headers.location!);
      expect(page.text).toContain('管理者のトークンの登録を解除しました。');
      expect(page.text).toContain(`<td>RQ-001</td><td>${maskCredentialId(adminToken.credentialId)}</td><td>${staffId}</td><td>${formatDateTime(ctx.clock.now())}</td>`);
      expect(page.text).toContain(`<td>${admin.loginId}</td><td>${admin.name}</td><td class="otp-token">未登録</td>`);
      expect(page.text).not.toContain('/admin-token/unregister');
    });

    test('when it was unregistered, then the administrator still needs an OTP, is told the token is missing, and can register a new one', async () => {
      const { company, admin, adminToken } = await givenModeA();
      await unregister(company.id, { requestNumber: 'RQ-002', sealVerified: '1' });
      const { client, id, confirmPath } = await draftAs(admin.loginId, ADMIN_PASSWORD);

      // R7: no way back to the fixed 送信確認パスワード.
      const confirm = await client.get(confirmPath);
      expect(confirm.text).toContain('name="otp"');
      expect(confirm.text).not.toContain('name="transferPassword"');
      const byPassword = await client.post(confirmPath, { transferPassword: TRANSFER_PASSWORD });
      expect(byPassword.status).toBe(400);
      expect(byPassword.text).toContain('ワンタイムパスワードを入力してください。');
      expect(statusOf(id)).toBe('draft');
      const byOldToken = await client.submit(confirmPath, confirmPath, { otp: adminToken.code() });
      expect(byOldToken.status).toBe(403);
      expect(byOldToken.text).toContain(NO_TOKEN);
      expect(statusOf(id)).toBe('draft');

      // §3(2) again, with the new phone's token.
      const newToken = givenToken(ctx);
      const registered = await client.submit('/admin/otp/register', '/admin/otp/register', {
        credentialId: newToken.credentialId,
        otp: newToken.code(),
        approvalPassword: APPROVAL_PASSWORD,
      });
      expect(registered.status).toBe(303);
      expect(ctx.deps.repos.registrations.forUser(company.id, admin.id, 'individual')?.credentialId).toBe(newToken.credentialId);
      nextStep(ctx);
      const done = await client.submit(confirmPath, confirmPath, { otp: newToken.code() });
      expect(done.status).toBe(303);
      expect(statusOf(id)).toBe('completed');
    });
  });

  describe('mode B: the shared token', () => {
    test('when staff unregister it, then no user can confirm a transfer until the administrator registers again', async () => {
      const { company, admin, user, sharedToken } = await givenModeB();
      const res = await unregister(company.id, { requestNumber: 'B-1', sealVerified: '1' });
      expect(res.status).toBe(303);
      expect(registrationsOf(company.id)).toEqual([]);
      expect(stateOf(company.id).otpStartedAt).not.toBeNull();
      expect(auditEvents(ctx.deps, 'otp.unregister')).toEqual([
        expect.objectContaining({ actorType: 'staff', actor: staffId, subject: '共用トークン', detail: expect.stringContaining('書面受付番号=B-1') }),
      ]);

      const asUser = await draftAs(user.loginId, USER_PASSWORD);
      const asAdmin = await draftAs(admin.loginId, ADMIN_PASSWORD);
      for (const { client, id, confirmPath } of [asUser, asAdmin]) {
        const refused = await client.submit(confirmPath, confirmPath, { otp: sharedToken.code() });
        expect(refused.status).toBe(403);
        expect(refused.text).toContain(NO_TOKEN);
        expect(statusOf(id)).toBe('draft');
      }

      const newToken = givenToken(ctx);
      const registered = await asAdmin.client.submit('/admin/otp/register', '/admin/otp/register', {
        credentialId: newToken.credentialId,
        otp: newToken.code(),
        approvalPassword: APPROVAL_PASSWORD,
      });
      expect(registered.status).toBe(303);
      nextStep(ctx);
      const done = await asUser.client.submit(asUser.confirmPath, asUser.confirmPath, { otp: newToken.code() });
      expect(done.status).toBe(303);
      expect(statusOf(asUser.id)).toBe('completed');
    });
  });

  describe('refusals', () => {
    /** Nothing the form would write was written. */
    function expectUnchanged(companyId: number, registered: number): void {
      expect(registrationsOf(companyId)).toHaveLength(registered);
      expect(paperRequestsOf(companyId)).toEqual([]);
      expect(auditEvents(ctx.deps, 'otp.unregister').filter((e) => e.outcome === 'success')).toEqual([]);
    }

    test('when the seal is not confirmed, then the form says so at the top and beside the box, keeps the number and writes nothing', async () => {
      const { company } = await givenModeA();
      const res = await unregister(company.id, { requestNumber: 'RQ-9' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('<a href="#sealVerified">届出印を確認してください。</a>');
      expect(res.text).toContain('<p class="field-error" id="sealVerified-error">届出印を確認してください。</p>');
      expect(res.text).toContain('value="RQ-9"');
      expectUnchanged(company.id, 2);
    });

    test.each([
      ['', '書面受付番号を入力してください。'],
      ['RQ_001', '書面受付番号は半角英数字と「-」で20文字以内で入力してください。'],
      ['A'.repeat(21), '書面受付番号は半角英数字と「-」で20文字以内で入力してください。'],
    ])('when the 書面受付番号 is "%s", then 400 with the message and the typed value refilled', async (requestNumber, message) => {
      const { company } = await givenModeA();
      const res = await unregister(company.id, { requestNumber, sealVerified: '1' });
      expect(res.status).toBe(400);
      expect(res.text).toContain(`<a href="#requestNumber">${message}</a>`);
      expect(res.text).toContain(`<p class="field-error" id="requestNumber-error">${message}</p>`);
      expect(res.text).toContain(`value="${requestNumber}"`);
      expect(res.text).toContain('value="1" checked');
      expectUnchanged(company.id, 2);
    });

    test('when the 書面受付番号 was already used for this contract (typed full-width), then it is refused and the new token stays', async () => {
      const { company, admin } = await givenModeA();
      await unregister(company.id, { requestNumber: 'RQ-100', sealVerified: '1' });
      givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: givenToken(ctx) }]);

      const res = await unregister(company.id, { requestNumber: 'ＲＱ－１００', sealVerified: '1' });

      expect(res.status).toBe(400);
      expect(res.text).toContain('この書面受付番号はすでに登録されています。');
      expect(registrationsOf(company.id)).toHaveLength(2);
      expect(paperRequestsOf(company.id)).toHaveLength(1);
      expect(auditEvents(ctx.deps, 'otp.unregister').map((e) => [e.outcome, e.detail])).toEqual([
        ['failure', '書面受付番号=RQ-100 duplicateRequest'],
        ['success', expect.stringContaining('書面受付番号=RQ-100')],
      ]);
    });

    test('when no administrator or shared token is registered, then 400 says there is nothing to unregister', async () => {
      const { company } = await givenModeA();
      await unregister(company.id, { requestNumber: 'RQ-1', sealVerified: '1' });
      const again = await unregister(company.id, { requestNumber: 'RQ-2', sealVerified: '1' });
      expect(again.status).toBe(400);
      expect(again.text).toContain('登録解除できるトークンがありません。');
      expect(registrationsOf(company.id)).toHaveLength(1);
      expect(paperRequestsOf(company.id)).toHaveLength(1);
    });

    test('when the path names a contract without a token, then the other contract\'s token is untouched', async () => {
      const withToken = await givenModeA();
      const { company } = await givenContract(ctx.deps);
      const res = await unregister(company.id, { requestNumber: 'RQ-1', sealVerified: '1' });
      expect(res.status).toBe(400);
      expectUnchanged(withToken.company.id, 2);
      // The refused request is on record for the contract it named (R11).
      expect(auditEvents(ctx.deps, 'otp.unregister')).toMatchObject([{ outcome: 'failure', companyId: company.id, detail: '書面受付番号=RQ-1 notRegistered' }]);
    });

    test.each(['999999', 'abc'])('when the contract id is %s, then it is not found and nothing changes', async (id) => {
      const { company } = await givenModeA();
      await staff.get(companyPath(company.id));
      const res = await staff.post(`/staff/companies/${id}/admin-token/unregister`, { requestNumber: 'RQ-1', sealVerified: '1' });
      expect(res.status).toBe(404);
      expectUnchanged(company.id, 2);
    });

    test('when the form is posted without a CSRF token, then 403 and nothing changes', async () => {
      const { company } = await givenModeA();
      await staff.get(companyPath(company.id));
      const res = await staff.agent.post(`${companyPath(company.id)}/admin-token/unregister`).type('form').send({ requestNumber: 'RQ-1', sealVerified: '1' });
      expect(res.status).toBe(403);
      expectUnchanged(company.id, 2);
    });

    test('when a signed-in customer posts to the route on the customer site, then it does not exist there', async () => {
      const { company, admin } = await givenModeA();
      const customer = new FormClient(ctx.app);
      await customer.login(admin.loginId, ADMIN_PASSWORD);
      const res = await customer.submit('/', `${companyPath(company.id)}/admin-token/unregister`, { requestNumber: 'RQ-1', sealVerified: '1' });
      expect(res.status).toBe(404);
      expectUnchanged(company.id, 2);
    });
  });
});
