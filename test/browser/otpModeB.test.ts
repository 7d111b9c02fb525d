import type { Page } from 'playwright-core';
import { maskCredentialId } from '../../src/domain/token';
import { ADMIN_PASSWORD, APPROVAL_PASSWORD, givenContract, givenUser, USER_PASSWORD } from '../helpers/fixtures';
import { givenToken, nextStep, type TestToken } from '../helpers/otp';
import { checkScreen, newPage, startWorld, type BrowserWorld } from './helpers/browser';
import { asShownByApp, enterToken, enterTransfer, follow, onScreen, openOtpManagement, press, signIn, stepsOf, termValue } from './helpers/customer';

/**
 * Manual §3(2)④-2, mode B 「管理者、利用者が同じトークンを利用する。」: one token
 * for the whole company; the administrator and a user each confirm a transfer
 * with its codes (§3(4)), one code per 30-second step (R2).
 */

const MODE_B = '管理者、利用者が同じトークンを利用する。';

describe('mode B: one token shared by everyone (manual §3(2)④-2, §3(4))', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world.close());

  test('when the administrator registers the shared token, then the administrator and a user each confirm a transfer with its codes', async () => {
    const { company, admin } = await givenContract(world.ctx.deps, { balance: 1_000_000 });
    const user = await givenUser(world.ctx.deps, company.id);
    const shared = await givenToken(world.ctx);
    const page = await newPage(world);
    await signIn(world, page, admin.loginId, ADMIN_PASSWORD);
    await onScreen(page, 'メニュー');
    await checkScreen(world, page, 'b-menu-administrator');
    await openOtpManagement(world, page, 'b-admin-functions');
    await checkScreen(world, page, 'b-otp-overview-unset');
    await press(page, '利用形態設定');
    await onScreen(page, '利用形態設定');
    await checkScreen(world, page, 'b-otp-mode');

    await page.getByRole('radio', { name: MODE_B }).check();
    await press(page, '次へ');
    await onScreen(page, 'トークンを全利用者に対して登録');
    expect((await stepsOf(page)).current).toBe('④ トークン登録');
    expect(await page.getByText('ここで登録するトークンは、管理者を含む全ての利用者が共用します。').isVisible()).toBe(true);
    await checkScreen(world, page, 'b-otp-register-shared');

    await enterToken(page, asShownByApp(shared), shared.code(), APPROVAL_PASSWORD);
    await onScreen(page, '登録完了');
    expect(await termValue(page, '対象')).toBe('全利用者（共用トークン）');
    expect(await termValue(page, 'トークンID')).toBe(maskCredentialId(shared.credentialId));
    await checkScreen(world, page, 'b-otp-registered-shared');

    await follow(page, 'ワンタイムパスワード認証情報管理');
    await onScreen(page, 'ワンタイムパスワード認証情報');
    expect(await termValue(page, '利用形態')).toBe(MODE_B);
    expect(await termValue(page, '共用トークン')).toBe(maskCredentialId(shared.credentialId));
    await checkScreen(world, page, 'b-otp-overview-shared');

    // The code just used at registration is spent for this step (R2): the next one confirms the transfer.
    nextStep(world.ctx);
    const adminReceipt = await transferWithCode(page, shared, 'b-admin');

    nextStep(world.ctx);
    const userPage = await newPage(world);
    await signIn(world, userPage, user.loginId, USER_PASSWORD);
    await onScreen(userPage, 'メニュー');
    await checkScreen(world, userPage, 'b-menu-user');
    const userReceipt = await transferWithCode(userPage, shared, 'b-user');

    // The administrator's 振込履歴 lists the company's transfers, with who made each.
    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '振込履歴' }).click();
    await onScreen(page, '振込履歴');
    const requester = async (receipt: string) =>
      (await page.getByRole('row').filter({ has: page.getByRole('link', { name: receipt }) }).getByRole('cell').nth(2).textContent())?.trim();
    expect([await requester(adminReceipt), await requester(userReceipt)]).toEqual([admin.name, user.name]);
    await checkScreen(world, page, 'b-admin-history');

    const via = world.ctx.db.prepare('SELECT user_id AS userId, confirmed_with AS via FROM transfers WHERE receipt_number IN (?, ?) ORDER BY id');
    expect(via.all(adminReceipt, userReceipt)).toEqual([{ userId: admin.id, via: 'otp' }, { userId: user.id, via: 'otp' }]);
    expect((await world.ctx.deps.repos.companies.find(company.id))!.balance).toBe(1_000_000 - 2 * 123_456);
  });

  /** 都度振込 from メニュー to 受付完了, confirmed with the shared token's current code; returns the 受付番号. */
  async function transferWithCode(page: Page, token: TestToken, name: string): Promise<string> {
    await follow(page, '都度振込');
    await onScreen(page, '都度振込');
    await checkScreen(world, page, `${name}-transfer-input`);
    await enterTransfer(page);
    await onScreen(page, '振込内容確認');
    expect(await page.getByLabel('送信確認パスワード').count()).toBe(0);
    await checkScreen(world, page, `${name}-transfer-confirm`);
    await page.getByLabel('ワンタイムパスワード', { exact: true }).fill(token.code());
    await press(page, '確定');
    await onScreen(page, '受付完了');
    const receipt = await termValue(page, '受付番号');
    expect(receipt).toMatch(/^\d{8}-\d{8}$/);
    expect(await termValue(page, '振込金額')).toBe('123,456円');
    await checkScreen(world, page, `${name}-transfer-received`);
    return receipt;
  }
});
