import type { Locator, Page } from 'playwright-core';
import type { TestToken } from '../../helpers/otp';
import { checkScreen, type BrowserWorld } from './browser';

/**
 * What a customer does on the screens, in the manual's words: every control is
 * found by its label or accessible name, the way a person (or a screen reader)
 * finds it — never by CSS selectors or ids.
 */

/** Waits until the screen whose heading is `title` has loaded, and returns that heading. */
export async function onScreen(page: Page, title: string): Promise<Locator> {
  const heading = page.getByRole('heading', { level: 1, name: title, exact: true });
  await heading.waitFor({ state: 'visible', timeout: 10_000 });
  return heading;
}

/** Presses a button (a form submit: with scripts off, the browser itself posts the form and loads the answer). */
export async function press(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.waitForLoadState('load');
}

/** Follows a link by its visible text. */
export async function follow(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).first().click();
  await page.waitForLoadState('load');
}

/** ログイン: the login page, the two fields, the button. Ends wherever the site goes next. */
export async function signIn(world: BrowserWorld, page: Page, loginId: string, password: string): Promise<void> {
  await page.goto(`${world.customerUrl}/login`);
  await page.getByLabel('ログインID', { exact: true }).fill(loginId);
  await page.getByLabel('ログインパスワード', { exact: true }).fill(password);
  await press(page, 'ログイン');
}

export interface TransferInput {
  bankCode: string;
  branchCode: string;
  accountType: '普通' | '当座';
  accountNumber: string;
  payeeName: string;
  amount: string;
}

export const A_TRANSFER: TransferInput = {
  bankCode: '0001',
  branchCode: '123',
  accountType: '普通',
  accountNumber: '1234567',
  payeeName: 'ﾔﾏﾀﾞ ﾀﾛｳ',
  amount: '123456',
};

/** 都度振込 入力: fills every field by its label and presses 次へ (→ 振込内容確認). */
export async function enterTransfer(page: Page, input: TransferInput = A_TRANSFER): Promise<void> {
  await page.getByLabel('金融機関コード', { exact: true }).fill(input.bankCode);
  await page.getByLabel('支店コード', { exact: true }).fill(input.branchCode);
  await page.getByRole('radio', { name: input.accountType }).check();
  await page.getByLabel('口座番号', { exact: true }).fill(input.accountNumber);
  await page.getByLabel('受取人名', { exact: true }).fill(input.payeeName);
  await page.getByLabel('振込金額（円）', { exact: true }).fill(input.amount);
  await press(page, '次へ');
}

/** トークンID, ワンタイムパスワード and 承認用パスワード as ④-1, ④-2 and §3(3)② ask for them, then 確定. */
export async function enterToken(page: Page, credentialId: string, code: string, approvalPassword: string): Promise<void> {
  await page.getByLabel('トークンID', { exact: true }).fill(credentialId);
  await page.getByLabel('ワンタイムパスワード', { exact: true }).fill(code);
  await page.getByLabel('承認用パスワード', { exact: true }).fill(approvalPassword);
  await press(page, '確定');
}

/** The token's Credential ID as the VIP Access app shows it (R3: the form accepts the spaces). */
export const asShownByApp = (token: TestToken): string =>
  `${token.credentialId.slice(0, 4)} ${token.credentialId.slice(4, 8)} ${token.credentialId.slice(8)}`;

/** The value beside a term of a 内容 list: what a person reads next to 受付番号, 振込金額 … */
export async function termValue(page: Page, term: string): Promise<string> {
  const text = await page.getByRole('main').innerText();
  const line = new RegExp(`^${term}\\s*\\n(.+)$`, 'm').exec(text);
  if (!line) throw new Error(`「${term}」 is not on the screen:\n${text}`);
  return line[1]!.trim();
}

/** What assistive technology reads with a field besides its label: the texts its aria-describedby points at (hint, error). */
export const description = (field: Locator): Promise<string> =>
  field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id: string) => el.ownerDocument.getElementById(id)?.textContent?.trim() ?? '')
      .join(' '));

/** The texts of the error summary at the top of a form. */
export async function summaryMessages(page: Page): Promise<string[]> {
  const summary = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: '入力内容をご確認ください' }) });
  return (await summary.getByRole('listitem').allTextContents()).map((t) => t.trim());
}

/**
 * メニュー → 管理機能 → ワンタイムパスワード認証情報管理 (§3(2)①), checking the
 * 管理機能 screen on the way under `name`.
 */
export async function openOtpManagement(world: BrowserWorld, page: Page, name: string): Promise<void> {
  await follow(page, '管理機能');
  await onScreen(page, '管理機能');
  await checkScreen(world, page, name);
  await follow(page, 'ワンタイムパスワード認証情報管理');
  await onScreen(page, 'ワンタイムパスワード認証情報');
}

/** The manual's step markers ①–⑤ as text, and the one marked as the current step. */
export async function stepsOf(page: Page): Promise<{ steps: string[]; current: string | undefined }> {
  const items = page.getByRole('list', { name: '利用開始の手順' }).getByRole('listitem');
  const read = await items.evaluateAll((lis) => lis.map((li) => ({ text: li.textContent?.trim() ?? '', current: li.getAttribute('aria-current') === 'step' })));
  return { steps: read.map((s) => s.text), current: read.find((s) => s.current)?.text };
}
