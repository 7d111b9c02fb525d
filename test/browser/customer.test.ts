import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, givenContract, givenUser, TRANSFER_PASSWORD, USER_PASSWORD } from '../helpers/fixtures';
import { checkScreen, newPage, startWorld, type BrowserWorld } from './helpers/browser';
import { A_TRANSFER, description, enterTransfer, follow, onScreen, press, signIn, summaryMessages, termValue } from './helpers/customer';

/**
 * The customer's everyday screens in a real browser with scripts off: ログイン,
 * メニュー, 都度振込 with the fixed 送信確認パスワード (before OTP), 受付完了 and its
 * printout, 振込履歴, ログアウト.
 */

/**
 * 受付完了 on paper (A4, print media): the 受付番号 and the amount in black on
 * white; the menu, the header with ログアウト and the links are not printed.
 */
async function expectCleanPrintout(page: Page, receipt: string): Promise<void> {
  await page.emulateMedia({ media: 'print' });
  expect(await page.getByRole('navigation', { name: 'メニュー' }).isVisible()).toBe(false);
  expect(await page.getByRole('button', { name: 'ログアウト' }).isVisible()).toBe(false);
  expect(await page.getByRole('link').filter({ visible: true }).count()).toBe(0);
  expect(await page.getByRole('heading', { level: 1, name: '受付完了' }).isVisible()).toBe(true);
  expect(await page.getByText(receipt, { exact: true }).isVisible()).toBe(true);
  expect(await page.getByText('123,456円', { exact: true }).isVisible()).toBe(true);
  const colours = await page.getByRole('main').evaluate((main) => {
    const view = main.ownerDocument.defaultView;
    return { ink: view.getComputedStyle(main).color, paper: view.getComputedStyle(main.ownerDocument.body).backgroundColor };
  });
  expect(colours).toEqual({ ink: 'rgb(0, 0, 0)', paper: 'rgb(255, 255, 255)' });
}

/** 2026-11-26 01:00 UTC, the fake clock's start, is 10:00 in Japan. */
const JST_TODAY = /^2026\/11\/26 10:00:\d\d$/;

describe('the customer screens, in a browser without JavaScript', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world.close());

  test('when a customer mistypes the password and then signs in, then the form says so, メニュー shows 残高 in yen, and ログアウト ends the session', async () => {
    const { admin } = await givenContract(world.ctx.deps, { balance: 1_234_567 });
    const page = await newPage(world);
    await page.goto(`${world.customerUrl}/login`);
    await onScreen(page, 'ログイン');
    expect(await page.getByRole('main').evaluate((el) => el.ownerDocument.documentElement.lang)).toBe('ja');
    await checkScreen(world, page, 'customer-login');

    await signIn(world, page, admin.loginId, 'Wrong-Pass-9');
    await onScreen(page, 'ログイン');
    expect(await summaryMessages(page)).toEqual([expect.stringContaining('ログインIDまたはログインパスワードが正しくありません。')]);
    expect(await page.getByLabel('ログインID', { exact: true }).inputValue()).toBe(admin.loginId);
    expect(await page.getByLabel('ログインパスワード', { exact: true }).inputValue()).toBe('');
    await checkScreen(world, page, 'customer-login-wrong-password');

    await page.getByLabel('ログインパスワード', { exact: true }).fill(ADMIN_PASSWORD);
    await press(page, 'ログイン');
    await onScreen(page, 'メニュー');
    expect(await page.getByText('残高').textContent()).toMatch(/残高\s*1,234,567円/);
    const menu = page.getByRole('navigation', { name: 'メニュー' });
    // メールアドレス設定 (issue 14): every signed-in user's own notice address, so the menu leads there too.
    expect(await menu.getByRole('link').allTextContents()).toEqual(['メニュー', '都度振込', '振込履歴', '管理機能', 'メールアドレス設定']);
    await checkScreen(world, page, 'menu-administrator');
    // Keyboard users see where they are: the first Tab lands on ログアウト, outlined.
    await page.keyboard.press('Tab');
    const logout = page.getByRole('button', { name: 'ログアウト' });
    expect(await logout.evaluate((el) => {
      const style = el.ownerDocument.defaultView.getComputedStyle(el);
      return el === el.ownerDocument.activeElement && style.outlineStyle === 'solid' && style.outlineWidth === '3px';
    })).toBe(true);

    await press(page, 'ログアウト');
    await onScreen(page, 'ログイン');
    await checkScreen(world, page, 'customer-login-after-logout');
    await page.goto(`${world.customerUrl}/`);
    await onScreen(page, 'ログイン');
  });

  test('when a user sends an empty 都度振込 and then a full one with the 送信確認パスワード, then the errors point at the fields, 受付完了 gives a 受付番号 that prints cleanly, and 振込履歴 lists it', async () => {
    const { company } = await givenContract(world.ctx.deps, { balance: 1_000_000 });
    const user = await givenUser(world.ctx.deps, company.id);
    const page = await newPage(world);
    await signIn(world, page, user.loginId, USER_PASSWORD);
    await onScreen(page, 'メニュー');
    await follow(page, '都度振込');
    await onScreen(page, '都度振込');
    await checkScreen(world, page, 'transfer-input');

    await press(page, '次へ');
    await onScreen(page, '都度振込');
    const messages = await summaryMessages(page);
    expect(messages).toHaveLength(5);
    const bankCode = page.getByLabel('金融機関コード', { exact: true });
    const bankCodeMessage = messages.find((m) => m.includes('金融機関コード'))!;
    expect(await description(bankCode)).toContain(bankCodeMessage);
    expect(await page.getByLabel('振込金額（円）', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await checkScreen(world, page, 'transfer-input-empty');
    // The message at the top leads to its field.
    await page.getByRole('link', { name: bankCodeMessage }).click();
    expect(await bankCode.evaluate((el) => el.matches(':target') && el === el.ownerDocument.activeElement)).toBe(true);

    await enterTransfer(page);
    await onScreen(page, '振込内容確認');
    expect(await termValue(page, '振込金額')).toBe('123,456円');
    expect(await termValue(page, '受取人名')).toBe(A_TRANSFER.payeeName);
    expect(await page.getByLabel('ワンタイムパスワード').count()).toBe(0);
    await checkScreen(world, page, 'transfer-confirm-password');

    await page.getByLabel('送信確認パスワード', { exact: true }).fill(TRANSFER_PASSWORD);
    await press(page, '確定');
    await onScreen(page, '受付完了');
    const receipt = await termValue(page, '受付番号');
    expect(receipt).toMatch(/^\d{8}-\d{8}$/);
    expect(await termValue(page, '受付日時')).toMatch(JST_TODAY);
    expect(await termValue(page, '振込金額')).toBe('123,456円');
    expect(await page.getByRole('status').textContent()).toContain('都度振込を受け付けました。');
    await checkScreen(world, page, 'transfer-received');
    await expectCleanPrintout(page, receipt);
    await checkScreen(world, page, 'transfer-received-print');
    await page.emulateMedia({ media: 'screen' });

    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '振込履歴' }).click();
    await onScreen(page, '振込履歴');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: receipt }) });
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      receipt, expect.stringMatching(JST_TODAY), 'みずほ 戸越 0001-123 普通 1234567', A_TRANSFER.payeeName, '123,456円 手数料 0円', '受付済',
    ]);
    await checkScreen(world, page, 'transfer-history');
    await follow(page, receipt);
    await onScreen(page, '振込明細');
    expect(await termValue(page, '受付番号')).toBe(receipt);
    expect(await termValue(page, '状態')).toBe('受付済');
    await checkScreen(world, page, 'transfer-detail');

    await follow(page, 'メニュー');
    expect(await page.getByText('残高').textContent()).toMatch(/残高\s*876,544円/);
    const saved = world.ctx.db.prepare('SELECT confirmed_with AS via, amount FROM transfers WHERE receipt_number = ?').get(receipt);
    expect(saved).toEqual({ via: 'transferPassword', amount: 123_456 });
  });

  test('when a user finds another bank\'s branch with 金融機関・支店を検索 and sends to it, then 振込内容確認 and 受付完了 show 金融機関名, 支店名 and the 振込手数料, and the balance falls by amount + fee', async () => {
    const { company } = await givenContract(world.ctx.deps, { balance: 1_000_000 });
    const user = await givenUser(world.ctx.deps, company.id);
    const page = await newPage(world);
    await signIn(world, page, user.loginId, USER_PASSWORD);
    await follow(page, '都度振込');
    await onScreen(page, '都度振込');

    // The lookup, without script: a GET form by name, links that carry the codes back.
    await follow(page, '金融機関・支店を検索');
    await onScreen(page, '金融機関・支店の検索');
    await page.getByLabel('金融機関名', { exact: true }).fill('みつびし');
    await press(page, '検索');
    await checkScreen(world, page, 'transfer-lookup-banks');
    await follow(page, '三菱ＵＦＪ');
    await page.getByLabel('支店名', { exact: true }).fill('しんじゅく');
    await press(page, '検索');
    await checkScreen(world, page, 'transfer-lookup-branches');
    await follow(page, '新宿');
    await onScreen(page, '都度振込');
    expect(await page.getByLabel('金融機関コード', { exact: true }).inputValue()).toBe('0005');
    expect(await page.getByLabel('支店コード', { exact: true }).inputValue()).toBe('341');

    await enterTransfer(page, { ...A_TRANSFER, bankCode: '0005', branchCode: '341', amount: '50,000' });
    await onScreen(page, '振込内容確認');
    expect(await termValue(page, '金融機関名')).toBe('三菱ＵＦＪ');
    expect(await termValue(page, '支店名')).toBe('新宿');
    expect(await termValue(page, '振込金額')).toBe('50,000円');
    expect(await termValue(page, '振込手数料')).toBe('660円');
    expect(await termValue(page, 'お引落金額')).toBe('50,660円（振込金額＋振込手数料）');
    await checkScreen(world, page, 'transfer-confirm-fee');

    await page.getByLabel('送信確認パスワード', { exact: true }).fill(TRANSFER_PASSWORD);
    await press(page, '確定');
    await onScreen(page, '受付完了');
    expect(await termValue(page, '金融機関名')).toBe('三菱ＵＦＪ');
    expect(await termValue(page, '支店名')).toBe('新宿');
    expect(await termValue(page, '振込手数料')).toBe('660円');

    await follow(page, 'メニュー');
    expect(await page.getByText('残高').textContent()).toMatch(/残高\s*949,340円/);
    expect((await world.ctx.deps.repos.companies.find(company.id))!.balance).toBe(1_000_000 - 50_000 - 660);
  });

  test('when a user types a 金融機関コード that does not exist, then 入力 says so beside the field and keeps what was typed', async () => {
    const { company } = await givenContract(world.ctx.deps, { balance: 1_000_000 });
    const user = await givenUser(world.ctx.deps, company.id);
    const page = await newPage(world);
    await signIn(world, page, user.loginId, USER_PASSWORD);
    await follow(page, '都度振込');

    await enterTransfer(page, { ...A_TRANSFER, bankCode: '1234' });

    await onScreen(page, '都度振込');
    const bankCode = page.getByLabel('金融機関コード', { exact: true });
    const [message] = await summaryMessages(page);
    expect(message).toBe('金融機関コード「1234」の金融機関は見つかりません。コードをご確認いただくか、「金融機関・支店を検索」から選んでください。');
    expect(await description(bankCode)).toContain(message);
    expect(await bankCode.inputValue()).toBe('1234');
    expect(await page.getByLabel('口座番号', { exact: true }).inputValue()).toBe(A_TRANSFER.accountNumber);
  });
});
