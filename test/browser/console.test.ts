import type { Locator, Page } from 'playwright-core';
import { checkScreen, newPage, startWorld, WIDTHS, type BrowserWorld } from './helpers/browser';
import { ADMIN_PASSWORD, auditEvents, givenContract, givenStaff, givenUser, STAFF_PASSWORD, USER_PASSWORD } from '../helpers/fixtures';
import { givenRegistered, givenToken } from '../helpers/otp';
import { maskCredentialId } from '../../src/domain/token';

const MODE_A = '管理者、利用者が異なるトークンを利用する。';
/** 2026-11-26 15:30 UTC is already the 27th in Japan: the console must show JST. */
const STARTED_AT_UTC = Date.UTC(2026, 10, 26, 15, 30, 0);
const STARTED_AT_JST = '2026/11/27 00:30:00';

/** The little of the DOM these checks read (the project compiles without the DOM library). */
interface DomElement {
  getAttribute(name: string): string | null;
  ownerDocument: { activeElement: unknown; getElementById(id: string): { textContent: string | null } | null };
}

/** What a screen reader announces as the control's description: the texts its aria-describedby points to. */
const descriptionOf = (control: Locator): Promise<string> =>
  control.evaluate((el: DomElement) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => (id ? el.ownerDocument.getElementById(id)?.textContent?.trim() ?? '' : ''))
      .join(' ')
      .trim(),
  );

const hasFocus = (control: Locator): Promise<boolean> => control.evaluate((el: DomElement) => el === el.ownerDocument.activeElement);


describe('the branch console (営業店端末) in a browser without JavaScript', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
    world.ctx.clock.set(STARTED_AT_UTC);
  });
  afterAll(async () => world.close());

  async function staffSignedIn(name?: string): Promise<{ page: Page; staffId: string }> {
    const staffId = await givenStaff(world.ctx.deps);
    const page = await newPage(world);
    await page.goto(`${world.staffUrl}/staff/login`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('行員ログイン');
    if (name) await checkScreen(world, page, name);
    await page.getByLabel('行員ID').fill(staffId);
    await page.getByLabel('パスワード').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    return { page, staffId };
  }

  async function customerSignedIn(loginId: string, password: string, width?: number): Promise<Page> {
    const page = await newPage(world, width);
    await page.goto(`${world.customerUrl}/login`);
    await page.getByLabel('ログインID').fill(loginId);
    await page.getByLabel('ログインパスワード').fill(password);
    await page.getByRole('button', { name: 'ログイン' }).click();
    return page;
  }

  /** Mode A: the administrator and one transfer user, each with an own token (§3(2)④-1, §3(3)). */
  async function givenModeA(name: string) {
    const contract = await givenContract(world.ctx.deps, { name });
    const user = await givenUser(world.ctx.deps, contract.company.id);
    const adminToken = await givenToken(world.ctx);
    const userToken = await givenToken(world.ctx);
    await givenRegistered(world.ctx.deps, contract.company.id, 'individual', [
      { userId: contract.admin.id, token: adminToken },
      { userId: user.id, token: userToken },
    ]);
    return { ...contract, user, adminToken, userToken };
  }

  test('when staff find a mode-A contract and unregister the administrator\'s token on a paper request, then the console and the customer\'s 振込内容確認 both show it (Q1, R7, R8)', async () => {
    // Arrange
    const { company, admin, user, adminToken, userToken } = await givenModeA('ブラウザ信用金庫テスト商事');
    const { deps } = world.ctx;
    // The user has locked the own OTP use (R9), so the 利用者 list offers ロック解除.
    for (let i = 0; i < deps.config.lockoutThreshold; i += 1) await deps.repos.locks.recordFailure(user.id, 'otp', deps.config.lockoutThreshold, deps.clock.now());
    const { page, staffId } = await staffSignedIn('console-staff-login');

    // 契約先検索 by the company name
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('契約先検索');
    await checkScreen(world, page, 'console-companies');
    await page.getByLabel('契約先名・口座番号・ログインID').fill('ブラウザ信用金庫');
    await page.getByRole('button', { name: '検索' }).click();
    await expect(page.getByText('「ブラウザ信用金庫」の検索結果：1件', { exact: true }).isVisible()).resolves.toBe(true);
    const results = page.getByRole('table', { name: '契約先一覧' });
    await expect(results.getByRole('row').count()).resolves.toBe(2);
    // On a phone the list scrolls inside a region a keyboard can reach, instead of squeezing the name.
    await expect(page.getByRole('region', { name: '契約先一覧' }).getAttribute('tabindex')).resolves.toBe('0');
    await checkScreen(world, page, 'console-companies-search');
    await results.getByRole('link', { name: 'ブラウザ信用金庫テスト商事' }).click();

    // 契約先詳細: the ワンタイムパスワード section
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('契約先詳細');
    const otp = page.getByRole('region', { name: 'ワンタイムパスワード' });
    await expect(otp.getByText(MODE_A, { exact: true }).isVisible()).resolves.toBe(true);
    await expect(otp.getByText(STARTED_AT_JST, { exact: true }).isVisible()).resolves.toBe(true);
    const tokens = otp.getByRole('table', { name: '利用者ごとのトークン' });
    await expect(tokens.getByRole('row', { name: `${admin.loginId} ${admin.name} ${maskCredentialId(adminToken.credentialId)}` }).count()).resolves.toBe(1);
    await expect(tokens.getByRole('row', { name: `${user.loginId} ${user.name} ${maskCredentialId(userToken.credentialId)}` }).count()).resolves.toBe(1);
    // Only the token the form would remove is shown in full, to compare with the paper form.
    await expect(page.content()).resolves.not.toContain(userToken.credentialId.slice(4, 8) + ' ' + userToken.credentialId.slice(8));
    // Each ロック解除 button names its user, as a list of identical buttons would not.
    const users = page.getByRole('table', { name: '利用者一覧' });
    await expect(users.getByRole('button', { name: `ロック解除 （${user.name}）` }).count()).resolves.toBe(1);
    await expect(users.getByRole('button').count()).resolves.toBe(1);
    await checkScreen(world, page, 'console-company-otp');

    // 管理者トークン登録解除 without 届出印確認
    const form = page.getByRole('form', { name: '管理者トークン登録解除' });
    await form.getByLabel('書面受付番号').fill('rq-2026-001');
    await form.getByRole('button', { name: '次へ' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('届出印を確認してください。');
    const seal = page.getByRole('checkbox', { name: '代表口座のお届け印を確認しました' });
    await expect(seal.isChecked()).resolves.toBe(false);
    await expect(seal.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(descriptionOf(seal)).resolves.toBe('届出印を確認してください。');
    await expect(page.getByRole('group', { name: '届出印確認' }).getByText('届出印を確認してください。').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('書面受付番号').inputValue()).resolves.toBe('rq-2026-001');
    expect(await world.ctx.deps.repos.registrations.listForCompany(company.id)).toHaveLength(2);
    await checkScreen(world, page, 'console-company-unregister-error');

    // The error at the top leads to the checkbox.
    await page.getByRole('alert').getByRole('link', { name: '届出印を確認してください。' }).click();
    await expect(hasFocus(seal)).resolves.toBe(true);

    // …then with the seal checked
    await seal.check();
    await page.getByRole('button', { name: '次へ' }).click();
    // The confirmation screen (issue 15): the masked token, and only 確定 removes it.
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('管理者トークン登録解除の確認');
    await expect(page.getByText(maskCredentialId(adminToken.credentialId), { exact: true }).isVisible()).resolves.toBe(true);
    expect(await world.ctx.deps.repos.registrations.listForCompany(company.id)).toHaveLength(2);
    await checkScreen(world, page, 'console-company-unregister-confirm');
    await page.getByRole('button', { name: '確定' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('管理者のトークンの登録を解除しました。');
    await expect(page.getByRole('form', { name: '管理者トークン登録解除' }).count()).resolves.toBe(0);
    await expect(otp.getByText('登録解除できるトークンはありません（管理者のトークンは未登録です）。').isVisible()).resolves.toBe(true);
    await expect(tokens.getByRole('row', { name: `${admin.loginId} ${admin.name} 未登録` }).count()).resolves.toBe(1);
    const history = page.getByRole('table', { name: '書面受付履歴' });
    await expect(history.getByRole('row', { name: new RegExp(`^RQ-2026-001 ${maskCredentialId(adminToken.credentialId).replace(/\*/g, '\\*')} ${staffId} `) }).count()).resolves.toBe(1);
    expect(await world.ctx.deps.repos.registrations.listPaperRequests(company.id)).toEqual([
      expect.objectContaining({ requestNumber: 'RQ-2026-001', credentialId: adminToken.credentialId, staffId }),
    ]);
    expect((await auditEvents(world.ctx.deps, 'otp.unregister')).filter((r) => r.companyId === company.id && r.outcome === 'success')).toHaveLength(1);
    await checkScreen(world, page, 'console-company-unregistered');

    // 操作履歴 shows the staff action (R11).
    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '操作履歴' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('操作履歴');
    const log = page.getByRole('table', { name: '操作履歴' });
    await expect(log.getByRole('row', { name: new RegExp(`^\\S+ \\S+ ブラウザ信用金庫テスト商事 行員 ${staffId} トークン登録解除 `) }).count()).resolves.toBe(1);
    await checkScreen(world, page, 'console-audit');

    // The customer side: OTP stays started (R7), the administrator has no token until registering again,
    // and is told so on 都度振込's first screen, before typing anything (issue 15).
    const customer = await customerSignedIn(admin.loginId, ADMIN_PASSWORD);
    await customer.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '都度振込' }).click();
    await expect(customer.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('都度振込');
    await expect(customer.getByRole('alert').textContent()).resolves.toContain(
      'ワンタイムパスワードのトークンが登録されていません。「管理機能」の「ワンタイムパスワード認証情報管理」からトークンを登録してください。',
    );
    await expect(customer.getByLabel('金融機関コード').count()).resolves.toBe(0);
    expect((await world.ctx.deps.repos.companies.find(company.id))!.balance).toBe(1_000_000);
    await checkScreen(world, customer, 'console-after-unregister-refused');
    // Ten screens, each checked and shot twice: about 15 s on an idle machine, far more on a shared one.
  }, 240_000);

  test('when staff open a contract with one wrong field and then correct it, then the form explains the error and the new contract opens (契約登録)', async () => {
    const { page } = await staffSignedIn();
    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '契約登録' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('契約登録');
    await checkScreen(world, page, 'console-contract-new');

    await page.getByLabel('契約先名').fill('ブラウザ新規商事');
    await page.getByLabel('代表口座の開設時残高').fill('百万円');
    await page.getByLabel('管理者ログインID').fill('browser.admin');
    await page.getByLabel('管理者氏名').fill('新規 花子');
    await page.getByLabel('管理者ログインパスワード（初期）').fill(ADMIN_PASSWORD);
    await page.getByLabel('承認用パスワード（初期）').fill('Approve-Pass-9');
    await page.getByLabel('送信確認パスワード（初期）').fill('Send-Pass-9');
    await page.getByRole('button', { name: '確定' }).click();

    const balance = page.getByLabel('代表口座の開設時残高');
    const summary = page.getByRole('alert');
    await expect(summary.getByRole('link').count()).resolves.toBe(1);
    const message = (await summary.getByRole('link').textContent())!.trim();
    expect(message).toContain('代表口座の開設時残高');
    await expect(descriptionOf(balance)).resolves.toContain(message);
    await expect(balance.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(balance.inputValue()).resolves.toBe('百万円');
    await expect(page.getByLabel('契約先名').inputValue()).resolves.toBe('ブラウザ新規商事');
    await expect(page.getByLabel('管理者ログインパスワード（初期）').inputValue()).resolves.toBe('');
    await expect(page.getByText('安全のため、入力されたパスワードは消去しました。3つのパスワードをもう一度入力してください。').isVisible()).resolves.toBe(true);
    expect(await world.ctx.deps.repos.users.findByLoginId('browser.admin')).toBeUndefined();
    await checkScreen(world, page, 'console-contract-new-error');

    await balance.fill('2,500,000');
    await page.getByLabel('管理者ログインパスワード（初期）').fill(ADMIN_PASSWORD);
    await page.getByLabel('承認用パスワード（初期）').fill('Approve-Pass-9');
    await page.getByLabel('送信確認パスワード（初期）').fill('Send-Pass-9');
    await page.getByRole('button', { name: '確定' }).click();

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('契約先詳細');
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/^契約を登録しました（代表口座 普通 \d{7}）。/);
    const contract = page.getByRole('region', { name: '契約内容' });
    await expect(contract.getByText('ブラウザ新規商事').isVisible()).resolves.toBe(true);
    await expect(contract.getByText('2,500,000円').count()).resolves.toBe(2);
    const otp = page.getByRole('region', { name: 'ワンタイムパスワード' });
    await expect(otp.getByText('未設定').isVisible()).resolves.toBe(true);
    await expect(otp.getByText('未開始').isVisible()).resolves.toBe(true);
    expect(await world.ctx.deps.repos.users.findByLoginId('browser.admin')).toMatchObject({ name: '新規 花子', role: 'admin' });
    await checkScreen(world, page, 'console-contract-created');
  });

  test('when a page does not exist, then the 404 page says so and leads back to the console', async () => {
    const { page } = await staffSignedIn();
    const res = await page.goto(`${world.staffUrl}/staff/companies/999999`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('ページが見つかりません');
    await expect(page.getByText(/^お問い合わせ番号: /).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'トップへ戻る' }).getAttribute('href')).resolves.toBe('/staff/companies');
    await checkScreen(world, page, 'error-404');
  });

  test('when a user without the administrator role opens 管理機能, then the 403 page refuses it at phone width', async () => {
    const { company } = await givenContract(world.ctx.deps);
    const user = await givenUser(world.ctx.deps, company.id);
    const page = await customerSignedIn(user.loginId, USER_PASSWORD, WIDTHS.phone);
    await expect(page.getByRole('link', { name: '管理機能' }).count()).resolves.toBe(0);

    const res = await page.goto(`${world.customerUrl}/admin`);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('ご利用いただけません');
    await expect(page.getByRole('link', { name: 'トップへ戻る' }).getAttribute('href')).resolves.toBe('/');
    await checkScreen(world, page, 'error-403');
  });
});
