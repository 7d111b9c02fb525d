import { maskCredentialId } from '../../src/domain/token';
import { USER_PASSWORD } from '../helpers/fixtures';
import { nextStep } from '../helpers/otp';
import { otpContract } from '../helpers/otpFlows';
import { checkScreen, newPage, startWorld, type BrowserWorld } from './helpers/browser';
import { description, enterTransfer, follow, onScreen, press, signIn, termValue } from './helpers/customer';

/**
 * 同期ズレ補正 (issue 13, item 3), walked as a customer would with JavaScript
 * off: a phone whose clock runs 4 steps (2 minutes) ahead has its code
 * refused on 振込内容確認 with a link to 同期ズレ補正; two consecutive codes
 * there record the drift, and the same phone's next code confirms the transfer.
 */

describe('同期ズレ補正: a drifted phone is re-synchronised with two consecutive codes', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world.close());

  test('when the phone runs two minutes ahead, then 振込内容確認 points to 同期ズレ補正, and after it the phone\'s code confirms the transfer', async () => {
    const { user, userToken } = await otpContract(world.ctx, 'individual');
    const page = await newPage(world);
    await signIn(world, page, user.loginId, USER_PASSWORD);
    await onScreen(page, 'メニュー');

    await follow(page, '都度振込');
    await enterTransfer(page);
    await onScreen(page, '振込内容確認');
    const field = page.getByLabel('ワンタイムパスワード', { exact: true });
    await field.fill(userToken.codeAtOffset(4));
    await press(page, '確定');
    await onScreen(page, '振込内容確認');
    expect(await description(page.getByLabel('ワンタイムパスワード', { exact: true }))).toContain('時刻がずれている可能性があります。');
    await checkScreen(world, page, 'resync-refused');

    await page.getByRole('link', { name: '同期ズレ補正', exact: true }).click();
    await onScreen(page, '同期ズレ補正');
    expect(await termValue(page, 'トークンID')).toBe(maskCredentialId(userToken.credentialId));
    await checkScreen(world, page, 'resync-form');
    await page.getByLabel('1つ目のワンタイムパスワード').fill(userToken.codeAtOffset(3));
    await page.getByLabel('2つ目のワンタイムパスワード').fill(userToken.codeAtOffset(4));
    await press(page, '確定');
    await onScreen(page, '同期ズレ補正');
    expect(await page.getByRole('status').textContent()).toContain('同期ズレ補正が完了しました。');
    await checkScreen(world, page, 'resync-done');
    expect((await world.ctx.deps.repos.tokens.find(userToken.credentialId))!.drift).toBe(4);

    // The phone's next code (still two minutes ahead) now confirms the transfer.
    nextStep(world.ctx);
    await page.getByRole('navigation', { name: 'メニュー' }).getByRole('link', { name: '都度振込' }).click();
    await enterTransfer(page);
    await onScreen(page, '振込内容確認');
    await page.getByLabel('ワンタイムパスワード', { exact: true }).fill(userToken.codeAtOffset(4));
    await press(page, '確定');
    await onScreen(page, '受付完了');
  });
});
