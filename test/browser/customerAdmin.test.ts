import { ADMIN_PASSWORD, APPROVAL_PASSWORD, givenContract } from '../helpers/fixtures';
import { checkScreen, newPage, startWorld, type BrowserWorld } from './helpers/browser';
import { description, follow, onScreen, press, signIn, summaryMessages } from './helpers/customer';

/**
 * 管理機能's other screens in a browser without scripts: 利用者管理 (adding a
 * user), 利用者情報 and 操作履歴, which record what the administrator did.
 */
describe('管理機能: 利用者管理 and 操作履歴, in a browser without JavaScript', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world.close());

  test('when the administrator adds a transfer user after an incomplete first try, then the user is listed, has a page, and 操作履歴 records it', async () => {
    const { company, admin } = await givenContract(world.ctx.deps);
    const page = await newPage(world);
    await signIn(world, page, admin.loginId, ADMIN_PASSWORD);
    await onScreen(page, 'メニュー');
    await checkScreen(world, page, 'admin-menu');
    await follow(page, '管理機能');
    await onScreen(page, '管理機能');
    await checkScreen(world, page, 'admin-functions-menu');
    await follow(page, '利用者管理');
    await onScreen(page, '利用者管理');
    await checkScreen(world, page, 'admin-users');

    await page.getByLabel('ログインID', { exact: true }).fill('keiri.tanaka');
    await press(page, '確定');
    await onScreen(page, '利用者管理');
    expect(await summaryMessages(page)).toHaveLength(4);
    expect(await page.getByLabel('ログインID', { exact: true }).inputValue()).toBe('keiri.tanaka');
    expect(await description(page.getByLabel('氏名', { exact: true }))).toMatch(/氏名/);
    await checkScreen(world, page, 'admin-users-incomplete');

    await page.getByLabel('氏名', { exact: true }).fill('田中 花子');
    await page.getByLabel('ログインパスワード', { exact: true }).fill('Tanaka-Pass-1');
    await page.getByLabel('送信確認パスワード', { exact: true }).fill('Tanaka-Send-1');
    await page.getByRole('checkbox', { name: '都度振込権限' }).check();
    await page.getByLabel('承認用パスワード', { exact: true }).fill(APPROVAL_PASSWORD);
    await press(page, '確定');
    await onScreen(page, '利用者管理');
    expect(await page.getByRole('status').textContent()).toBe('利用者を登録しました。');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'keiri.tanaka' }) });
    expect((await row.getByRole('cell').allTextContents()).map((t) => t.trim())).toEqual(['keiri.tanaka', '田中 花子', '利用者', 'あり', 'なし']);
    await checkScreen(world, page, 'admin-users-added');

    await follow(page, 'keiri.tanaka');
    await onScreen(page, '利用者情報');
    await checkScreen(world, page, 'admin-user-detail');

    await follow(page, '利用者管理へ戻る');
    await follow(page, '管理機能へ戻る');
    await follow(page, '操作履歴');
    await onScreen(page, '操作履歴');
    const audit = page.getByRole('region', { name: '操作履歴' });
    expect(await audit.getAttribute('tabindex')).toBe('0');
    expect(await audit.getByRole('row').filter({ hasText: 'keiri.tanaka' }).count()).toBeGreaterThan(0);
    await checkScreen(world, page, 'admin-audit');
    expect(await world.ctx.deps.repos.users.findByLoginId('keiri.tanaka')).toMatchObject({ companyId: company.id, canTransfer: true, role: 'user' });
  });
});
