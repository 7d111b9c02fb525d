import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, auditEvents, givenContract, givenSignedInStaff, givenUser } from '../../helpers/fixtures';

describe('契約先検索 / 詳細 and ロック解除 at the branch', () => {
  let ctx: TestContext;
  let staff: FormClient;
  let staffId: string;

  beforeEach(async () => {
    ctx = await createTestContext();
    ({ staffId, staff } = await givenSignedInStaff(ctx));
  });

  /** Six wrong passwords on the customer site lock the login (R9). */
  async function lockLogin(loginId: string): Promise<void> {
    const client = new FormClient(ctx.app);
    for (let i = 0; i < 6; i += 1) await client.submit('/login', '/login', { loginId, password: 'wrong-pass-1' });
  }

  describe('契約先検索', () => {
    test('when staff search by name, account number or login id, then only that contract is listed', async () => {
      const a = await givenContract(ctx.deps, { name: '北浜物産株式会社' });
      const b = await givenContract(ctx.deps, { name: '南港運輸有限会社' });
      const fullWidthAccount = a.company.accountNumber.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
      for (const q of ['北浜', a.company.accountNumber, fullWidthAccount, a.admin.loginId]) {
        const res = await staff.get(`/staff/companies?q=${encodeURIComponent(q)}`);
        expect(res.status).toBe(200);
        expect(res.text).toContain(`<a href="/staff/companies/${a.company.id}">北浜物産株式会社</a>`);
        expect(res.text).not.toContain(b.company.name);
      }
    });

    test('when nothing matches, then the page says so', async () => {
      await givenContract(ctx.deps);
      const res = await staff.get('/staff/companies?q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84');
      expect(res.text).toContain('該当する契約先はありません。');
      expect(res.text).toContain('value="存在しない"');
    });

    test('when there are more contracts than a page holds, then the pager keeps the query', async () => {
      for (let i = 0; i < 21; i += 1) await givenContract(ctx.deps, { name: `頁送り商事${i}` });
      const first = await staff.get(`/staff/companies?q=${encodeURIComponent('頁送り')}`);
      expect(first.text).toContain('1 / 2 ページ（全21件）');
      expect(first.text).toContain(`href="?q=${encodeURIComponent('頁送り')}&amp;page=2"`);
      const second = await staff.get(`/staff/companies?q=${encodeURIComponent('頁送り')}&page=9`);
      expect(second.text).toContain('2 / 2 ページ（全21件）');
      expect(second.text).toContain('頁送り商事20');
    });
  });

  describe('契約先詳細', () => {
    test('when staff open a contract, then it shows the account, balances and users with their locks', async () => {
      const { company, admin } = await givenContract(ctx.deps, { balance: 2_500_000 });
      const user = await givenUser(ctx.deps, company.id, { canTransfer: false });
      await lockLogin(user.loginId);
      const res = await staff.get(`/staff/companies/${company.id}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(company.name);
      expect(res.text).toContain(`普通 ${company.accountNumber}`);
      expect(res.text).toContain('<dt>残高</dt><dd>2,500,000円</dd>');
      expect(res.text).toContain('<dt>開設時残高</dt><dd>2,500,000円</dd>');
      expect(res.text).toContain('2026/11/26 10:00:00');
      expect(res.text).toMatch(new RegExp(`<td>${admin.loginId}</td>\\s*<td>${admin.name}</td>\\s*<td>管理者</td>\\s*<td>あり</td>\\s*<td>なし</td>`));
      expect(res.text).toMatch(new RegExp(`<td>${user.loginId}</td>\\s*<td>${user.name}</td>\\s*<td>利用者</td>\\s*<td>なし</td>\\s*<td class="locked">ログインパスワード ロック中</td>`));
      expect(res.text).toContain(`action="/staff/companies/${company.id}/users/${user.id}/unlock"`);
      expect(res.text).not.toContain(`/users/${admin.id}/unlock`);
    });

    test.each(['999', 'abc', '0'])('when the contract id is %s, then the page is not found', async (id) => {
      const res = await staff.get(`/staff/companies/${id}`);
      expect(res.status).toBe(404);
    });
  });

  describe('ロック解除', () => {
    test('when staff unlock an administrator locked by six wrong logins, then the administrator can log in again', async () => {
      const { company, admin } = await givenContract(ctx.deps);
      await lockLogin(admin.loginId);
      expect(await ctx.deps.repos.locks.isLocked(admin.id, 'login')).toBe(true);

      const res = await staff.submit(`/staff/companies/${company.id}`, `/staff/companies/${company.id}/users/${admin.id}/unlock`, {});
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/staff/companies/${company.id}`);
      const detail = await staff.get(res.headers.location!);
      expect(detail.text).toContain(`${admin.name}（${admin.loginId}）のロックを解除しました。`);
      expect(await ctx.deps.repos.locks.get(admin.id, 'login')).toEqual({ failures: 0, lockedAt: null });
      expect(await auditEvents(ctx.deps, 'unlock')).toEqual([
        expect.objectContaining({ actorType: 'staff', actor: staffId, companyId: company.id, subject: admin.loginId, detail: 'login', outcome: 'success' }),
      ]);
      expect((await new FormClient(ctx.app).login(admin.loginId, ADMIN_PASSWORD)).status).toBe(303);
    });

    test("when the path names another company's user, then it is not found and nothing changes", async () => {
      const mine = await givenContract(ctx.deps);
      const other = await givenContract(ctx.deps);
      await lockLogin(other.admin.loginId);
      const res = await staff.submit(`/staff/companies/${mine.company.id}`, `/staff/companies/${mine.company.id}/users/${other.admin.id}/unlock`, {});
      expect(res.status).toBe(404);
      expect(await ctx.deps.repos.locks.isLocked(other.admin.id, 'login')).toBe(true);
      expect(await auditEvents(ctx.deps, 'unlock')).toHaveLength(0);
    });

    test('when the user is not locked, then staff are told so and nothing is recorded', async () => {
      const { company, admin } = await givenContract(ctx.deps);
      const res = await staff.submit(`/staff/companies/${company.id}`, `/staff/companies/${company.id}/users/${admin.id}/unlock`, {});
      expect(res.status).toBe(303);
      expect((await staff.get(res.headers.location!)).text).toContain('はロックされていません。');
      expect(await auditEvents(ctx.deps, 'unlock')).toHaveLength(0);
    });

    test('when the unlock is posted without a CSRF token, then it is refused with 403 and the lock stays', async () => {
      const { company, admin } = await givenContract(ctx.deps);
      await lockLogin(admin.loginId);
      await staff.get(`/staff/companies/${company.id}`);
      const res = await staff.agent.post(`/staff/companies/${company.id}/users/${admin.id}/unlock`).type('form').send({});
      expect(res.status).toBe(403);
      expect(await ctx.deps.repos.locks.isLocked(admin.id, 'login')).toBe(true);
      expect(await auditEvents(ctx.deps, 'unlock')).toHaveLength(0);
    });
  });
});
