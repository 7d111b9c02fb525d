import { ADMIN_PASSWORD, APPROVAL_PASSWORD, givenContract } from '../helpers/fixtures';
import { givenRegistered, givenToken } from '../helpers/otp';
import { checkScreen, newPage, startWorld, type BrowserWorld } from './helpers/browser';
import { A_TRANSFER, enterTransfer, follow, onScreen, press, signIn, summaryMessages } from './helpers/customer';

/**
 * Issue 13 in a browser without scripts: a transfer above the 振込限度額 is
 * refused at 入力 with 本日の振込可能残額; raising the company's limit after
 * the OTP start needs the administrator's one-time password; ログイン履歴.
 */
describe('振込限度額, the administrator\'s code and ログイン履歴, in a browser without JavaScript', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world.close());

  test('when the administrator enters too much, raises the limit without and then with the code, then the transfer goes through to 振込内容確認', async () => {
    const { deps } = world.ctx;
    const { company, admin } = await givenContract(deps, { balance: 5_000_000 });
    const adminToken = await givenToken(world.ctx);
    await givenRegistered(deps, company.id, 'individual', [{ userId: admin.id, token: adminToken }]);
    await deps.repos.limits.setCompany(company.id, { perTransfer: 100_000, daily: 1_000_000 });
    const page = await newPage(world);
    await signIn(world, page, admin.loginId, ADMIN_PASSWORD);
    await onScreen(page, 'メニュー');
    expect(await page.getByRole('main').innerText()).toContain('前回ログイン日時');

    await follow(page, '都度振込');
    await onScreen(page, '都度振込');
    await enterTransfer(page, { ...A_TRANSFER, amount: '123,456' });
    await onScreen(page, '都度振込');
    expect(await summaryMessages(page)).toEqual([
      '振込金額が1回あたりの振込限度額（100,000円）を超えるため、振込できません。本日の振込可能残額は1,000,000円です。振込金額を変更して入力し直してください。',
    ]);
    expect(await page.getByLabel('振込金額（円）', { exact: true }).inputValue()).toBe('123,456');
    await checkScreen(world, page, 'transfer-limit-refused');

    await page.goto(`${world.customerUrl}/admin`);
    await follow(page, '振込限度額');
    await onScreen(page, '振込限度額');
    await page.getByLabel('1回あたりの振込限度額（円）', { exact: true }).fill('200,000');
    await page.getByLabel('承認用パスワード', { exact: true }).fill(APPROVAL_PASSWORD);
    await press(page, '確定');
    await onScreen(page, '振込限度額');
    expect(await summaryMessages(page)).toEqual(['管理者のワンタイムパスワードを入力してください。']);
    expect(await page.getByLabel('1回あたりの振込限度額（円）', { exact: true }).inputValue()).toBe('200,000');
    await checkScreen(world, page, 'admin-limits-code-missing');

    await page.getByLabel('承認用パスワード', { exact: true }).fill(APPROVAL_PASSWORD);
    await page.getByLabel('ワンタイムパスワード', { exact: true }).fill(adminToken.code());
    await press(page, '確定');
    await onScreen(page, '振込限度額');
    expect(await page.getByRole('status').textContent()).toBe('振込限度額を設定しました。');
    await checkScreen(world, page, 'admin-limits');

    await page.goto(`${world.customerUrl}/transfers/new`);
    await enterTransfer(page, { ...A_TRANSFER, amount: '123,456' });
    await onScreen(page, '振込内容確認');

    await page.goto(`${world.customerUrl}/login-history`);
    await onScreen(page, 'ログイン履歴');
    expect(await page.getByRole('table', { name: 'あなたのログイン履歴' }).getByRole('row').count()).toBe(2);
    await checkScreen(world, page, 'login-history');
  });
});
