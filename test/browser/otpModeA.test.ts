import type { Page } from 'playwright-core';
import { maskCredentialId } from '../../src/domain/token';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, givenContract, givenUser, USER_PASSWORD } from '../helpers/fixtures';
import { givenRegistered, givenToken } from '../helpers/otp';
import { checkScreen, newPage, startWorld, type BrowserWorld } from './helpers/browser';
import {
  asShownByApp,
  description,
  enterToken,
  enterTransfer,
  follow,
  onScreen,
  openOtpManagement,
  press,
  signIn,
  stepsOf,
  summaryMessages,
  termValue,
} from './helpers/customer';

/**
 * Manual §3(2)–(4), mode A 「管理者、利用者が異なるトークンを利用する。」, in a
 * browser without scripts: the administrator registers the own token (④-1),
 * then a user's (§3(3)); that user then confirms a transfer with a code.
 */

const MODE_A = '管理者、利用者が異なるトークンを利用する。';

describe('mode A: each person their own token (manual §3(2)④-1, §3(3), §3(4))', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world.close());

  test('when the administrator chooses mode A and enters a PC token, then it is refused, and the phone token then completes ⑤ 登録完了', async () => {
    const { company, admin } = await givenContract(world.ctx.deps);
    const pcToken = await givenToken(world.ctx, 'desktop');
    const phone = await givenToken(world.ctx, 'mobile');
    const page = await newPage(world);
    await signIn(world, page, admin.loginId, ADMIN_PASSWORD);
    await onScreen(page, 'メニュー');
    await checkScreen(world, page, 'menu-before-otp');
    await openOtpManagement(world, page, 'admin-functions');
    expect(await stepsOf(page)).toEqual({ steps: ['① ワンタイムパスワード認証情報管理', '② 利用形態設定', '③ 利用形態の選択', '④ トークン登録', '⑤ 登録完了'], current: '① ワンタイムパスワード認証情報管理' });
    expect(await termValue(page, '利用形態')).toBe('未設定');
    await checkScreen(world, page, 'otp-overview-unset');

    await press(page, '利用形態設定');
    await onScreen(page, '利用形態設定');
    await checkScreen(world, page, 'otp-mode');
    await press(page, '次へ');
    await onScreen(page, '利用形態設定');
    expect(await summaryMessages(page)).toEqual(['利用形態を選択してください。']);
    await checkScreen(world, page, 'otp-mode-none-chosen');

    await page.getByRole('radio', { name: MODE_A }).check();
    await press(page, '次へ');
    await onScreen(page, 'トークンを管理者に登録');
    expect((await stepsOf(page)).current).toBe('④ トークン登録');
    await checkScreen(world, page, 'otp-register-admin');

    await enterToken(page, asShownByApp(pcToken), pcToken.code(), APPROVAL_PASSWORD);
    await onScreen(page, 'トークンを管理者に登録');
    expect(await summaryMessages(page)).toEqual([expect.stringContaining('パソコン用のソフトウェアトークンはご利用になれません。')]);
    expect(await description(page.getByLabel('トークンID', { exact: true }))).toContain('パソコン用のソフトウェアトークンはご利用になれません。');
    expect(await page.getByLabel('ワンタイムパスワード', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('承認用パスワード', { exact: true }).inputValue()).toBe('');
    await checkScreen(world, page, 'otp-register-admin-pc-token');

    await enterToken(page, asShownByApp(phone), phone.code(), APPROVAL_PASSWORD);
    await onScreen(page, '登録完了');
    expect((await stepsOf(page)).current).toBe('⑤ 登録完了');
    expect(await page.getByRole('status').textContent()).toBe('トークンの登録が完了しました。');
    expect(await termValue(page, 'トークンID')).toBe(maskCredentialId(phone.credentialId));
    expect(await termValue(page, 'トークンID')).toMatch(/^SYMC \*{4} \d{4}$/);
    await checkScreen(world, page, 'otp-registered-admin');

    expect(await world.ctx.deps.repos.registrations.state(company.id)).toEqual({ usageMode: 'individual', otpStartedAt: world.ctx.clock.now() });
    expect((await world.ctx.deps.repos.registrations.forUser(company.id, admin.id, 'individual'))?.credentialId).toBe(phone.credentialId);
  });

  test('when the administrator ticks 選択 for a user and enters that user\'s token, then ⑤ 登録完了 and the list shows the masked トークンID', async () => {
    const { company, admin } = await givenContract(world.ctx.deps);
    const user = await givenUser(world.ctx.deps, company.id);
    const adminToken = await givenToken(world.ctx);
    const userToken = await givenToken(world.ctx);
    await givenRegistered(world.ctx.deps, company.id, 'individual', [{ userId: admin.id, token: adminToken }]);
    const page = await newPage(world);
    await signIn(world, page, admin.loginId, ADMIN_PASSWORD);
    await onScreen(page, 'メニュー');
    await checkScreen(world, page, 'menu-otp-started');
    await openOtpManagement(world, page, 'admin-functions-otp-started');
    expect(await termValue(page, '利用形態')).toBe(MODE_A);
    expect(await termValue(page, '利用開始日時')).toBe('2026/11/26 10:00:00');
    expect(await rowOf(page, admin.loginId)).toContain(maskCredentialId(adminToken.credentialId));
    expect(await rowOf(page, user.loginId)).toContain('未登録');
    await checkScreen(world, page, 'otp-overview-user-missing');

    await press(page, '登録・登録解除');
    await onScreen(page, 'ワンタイムパスワード認証情報');
    expect(await summaryMessages(page)).toEqual(['利用者を選択してください。']);
    await checkScreen(world, page, 'otp-overview-nothing-chosen');
    // The message leads to the list of users, whose caption names it.
    await page.getByRole('link', { name: '利用者を選択してください。' }).click();
    const table = page.getByRole('table', { name: '利用者ごとのワンタイムパスワード認証情報' });
    expect(await table.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    await page.getByRole('checkbox', { name: `選択（${user.loginId}）` }).check();
    await press(page, '登録・登録解除');
    await onScreen(page, '利用者のトークン登録・登録解除');
    expect(await termValue(page, 'ログインID')).toBe(user.loginId);
    await checkScreen(world, page, 'otp-user-register');

    await enterToken(page, asShownByApp(userToken), userToken.code(), 'Wrong-Approval-9');
    await onScreen(page, '利用者のトークン登録・登録解除');
    expect(await summaryMessages(page)).toEqual(['承認用パスワードが正しくありません。あと 5 回誤るとロックされます。']);
    expect(await description(page.getByLabel('承認用パスワード', { exact: true }))).toBe('承認用パスワードが正しくありません。あと 5 回誤るとロックされます。');
    expect(await page.getByLabel('トークンID', { exact: true }).inputValue()).toBe(asShownByApp(userToken));
    await checkScreen(world, page, 'otp-user-register-wrong-approval');

    await enterToken(page, asShownByApp(userToken), userToken.code(), APPROVAL_PASSWORD);
    await onScreen(page, '登録完了');
    expect(await termValue(page, '対象')).toBe(`${user.loginId}（${user.name}）`);
    expect(await termValue(page, 'トークンID')).toBe(maskCredentialId(userToken.credentialId));
    await checkScreen(world, page, 'otp-registered-user');

    await follow(page, 'ワンタイムパスワード認証情報管理');
    await onScreen(page, 'ワンタイムパスワード認証情報');
    expect(await rowOf(page, user.loginId)).toContain(maskCredentialId(userToken.credentialId));
    expect(await page.getByText('都度振込を行う権限のある全ての利用者にトークンが登録されています。').isVisible()).toBe(true);
    await checkScreen(world, page, 'otp-overview-all-registered');
    expect((await world.ctx.deps.repos.registrations.forUser(company.id, user.id, 'individual'))?.credentialId).toBe(userToken.credentialId);
  });

  test('when a user with a registered token makes a transfer, then 振込内容確認 asks for the ワンタイムパスワード, refuses a wrong code on the same form and accepts the right one', async () => {
    const { company, admin } = await givenContract(world.ctx.deps, { balance: 1_000_000 });
    const user = await givenUser(world.ctx.deps, company.id);
    const [adminToken, userToken] = [await givenToken(world.ctx), await givenToken(world.ctx)];
    await givenRegistered(world.ctx.deps, company.id, 'individual', [{ userId: admin.id, token: adminToken }, { userId: user.id, token: userToken }]);
    const page = await newPage(world);
    await signIn(world, page, user.loginId, USER_PASSWORD);
    await onScreen(page, 'メニュー');
    await checkScreen(world, page, 'menu-user');
    await follow(page, '都度振込');
    await onScreen(page, '都度振込');
    await checkScreen(world, page, 'transfer-input-otp-started');
    await enterTransfer(page);
    await onScreen(page, '振込内容確認');
    expect(await page.getByLabel('送信確認パスワード').count()).toBe(0);
    expect(await termValue(page, '振込金額')).toBe('123,456円');
    await checkScreen(world, page, 'transfer-confirm-otp');

    // A code outside ±OTP_RESYNC_WINDOW (10): one within it is told as a clock that seems off (test/browser/otpResync.test.ts).
    await page.getByLabel('ワンタイムパスワード', { exact: true }).fill(userToken.codeAtOffset(30));
    await press(page, '確定');
    await onScreen(page, '振込内容確認');
    expect(await summaryMessages(page)).toEqual(['ワンタイムパスワードが正しくありません。あと 5 回誤るとロックされます。']);
    const otp = page.getByLabel('ワンタイムパスワード', { exact: true });
    expect(await otp.getAttribute('aria-invalid')).toBe('true');
    expect(await description(otp)).toContain('ワンタイムパスワードが正しくありません。');
    await checkScreen(world, page, 'transfer-confirm-otp-wrong');

    await page.getByLabel('ワンタイムパスワード', { exact: true }).fill(userToken.code());
    await press(page, '確定');
    await onScreen(page, '受付完了');
    const receipt = await termValue(page, '受付番号');
    expect(receipt).toMatch(/^\d{8}-\d{8}$/);
    await checkScreen(world, page, 'transfer-received-otp');
    const saved = world.ctx.db.prepare('SELECT confirmed_with AS via FROM transfers WHERE receipt_number = ?').get(receipt);
    expect(saved).toEqual({ via: 'otp' });
    expect((await world.ctx.deps.repos.companies.find(company.id))!.balance).toBe(1_000_000 - 123_456);
  });

  /** The cells of the user's row in ワンタイムパスワード認証情報's table, as read aloud. */
  async function rowOf(page: Page, loginId: string): Promise<string[]> {
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: loginId, exact: true }) });
    return (await row.getByRole('cell').allTextContents()).map((t) => t.trim());
  }
});
