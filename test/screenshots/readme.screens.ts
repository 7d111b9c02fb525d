import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { DEMO, seedDemoIfEmpty } from '../../src/demo/seed';
import { platformOf } from '../../src/domain/token';
import { codeAt } from '../../src/domain/totp';
import { provisionToken } from '../../src/services/tokenRegister';
import { newPage, openStill, startWorld, WIDTHS, type BrowserWorld } from '../browser/helpers/browser';
import { enterTransfer, follow, onScreen, press, signIn } from '../browser/helpers/customer';
import { optimisePng } from './png';

/**
 * The README's pictures (issue 15): `npm run screenshots` walks the README's
 * demo ("Walking the manual on the demo") in Chromium against the real apps
 * and writes one PNG per row of its Screens table to docs/screenshots/.
 * Everything they show is fixed — the clock, the demo data, the demo tokens'
 * secrets and so their codes and QR codes — so a run changes a picture only
 * when its screen changed.
 */

const OUT = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
/** 2026-11-26 10:00:12 JST: 18 s left in the code's step, as a phone might show. */
const NOW = Date.UTC(2026, 10, 26, 1, 0, 12);
const MODE_A = '管理者、利用者が異なるトークンを利用する。';
/** A secret per demo token derived from its ID: the same codes on every run (published; demo only). */
const fixedSecret = (credentialId: string): Uint8Array => new Uint8Array(crypto.createHash('sha1').update(`webfb readme ${credentialId}`).digest());

/** The whole page (a viewport 800 px high, the page as long as it is), or only down to `until`'s bottom edge. */
async function shoot(page: Page, name: string, until?: Locator): Promise<void> {
  await page.setViewportSize({ width: page.viewportSize()!.width, height: 800 });
  const box = until ? await until.boundingBox() : null;
  const clip = box ? { x: 0, y: 0, width: page.viewportSize()!.width, height: Math.ceil(box.y + box.height) + 16 } : undefined;
  const png = await page.screenshot({ fullPage: true, clip, animations: 'disabled' });
  fs.writeFileSync(path.join(OUT, `${name}.png`), optimisePng(png));
}

/** The code the demo phone shows now for a demo token. */
const codeOf = (world: BrowserWorld, credentialId: string): string => codeAt(fixedSecret(credentialId), world.ctx.clock.now());

/** トークンID, the phone's code and 承認用パスワード on ④-1 or a user's トークン登録, optionally pictured before 確定. */
async function registerToken(world: BrowserWorld, page: Page, credentialId: string, picture?: string): Promise<void> {
  await page.getByLabel('トークンID', { exact: true }).fill(credentialId);
  await page.getByLabel('ワンタイムパスワード', { exact: true }).fill(codeOf(world, credentialId));
  await page.getByLabel('承認用パスワード', { exact: true }).fill(DEMO.admin.approvalPassword);
  if (picture) await shoot(page, picture);
  await press(page, '確定');
  await onScreen(page, '登録完了');
}

describe('the README pictures (docs/screenshots/)', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    world = await startWorld();
    world.ctx.clock.set(NOW);
    // Provisioned before the demo data, which keeps tokens already in the register.
    for (const { credentialId } of Object.values(DEMO.tokens)) {
      await provisionToken(world.ctx.deps, platformOf(credentialId)!, { credentialId, secret: fixedSecret(credentialId) });
    }
    await seedDemoIfEmpty(world.ctx.deps);
  });
  afterAll(async () => world.close());

  test('the walk of the README, one picture per row of its Screens table', async () => {
    const admin = await newPage(world);
    await admin.goto(`${world.customerUrl}/login`);
    await shoot(admin, 'login');

    // Walk step 2–4: 利用形態 A, the administrator's token (④-1), then demo-user1's.
    await signIn(world, admin, DEMO.admin.loginId, DEMO.admin.password);
    await onScreen(admin, 'メニュー');
    await follow(admin, '管理機能');
    await follow(admin, 'ワンタイムパスワード認証情報管理');
    await press(admin, '利用形態設定');
    await admin.getByRole('radio', { name: MODE_A }).check();
    await press(admin, '次へ');
    await onScreen(admin, 'トークンを管理者に登録');
    await registerToken(world, admin, DEMO.tokens.admin.credentialId, 'otp-register-admin');
    await follow(admin, 'ワンタイムパスワード認証情報管理');
    await admin.getByRole('checkbox', { name: `選択（${DEMO.users[0].loginId}）` }).check();
    await press(admin, '登録・登録解除');
    await registerToken(world, admin, DEMO.tokens.user1.credentialId);
    await follow(admin, 'ワンタイムパスワード認証情報管理');
    await onScreen(admin, 'ワンタイムパスワード認証情報');
    await shoot(admin, 'admin-otp');

    // Walk step 5: demo-user1's transfer asks for the one-time password (a later step: a fresh code).
    world.ctx.clock.advance(30_000);
    const user = await newPage(world);
    await signIn(world, user, DEMO.users[0].loginId, DEMO.users[0].password);
    await onScreen(user, 'メニュー');
    await follow(user, '都度振込');
    await enterTransfer(user, { bankCode: '0001', branchCode: '001', accountType: '普通', accountNumber: '1234567', payeeName: 'ヤマダ タロウ', amount: '10,000' });
    await onScreen(user, '振込内容確認');
    await user.getByLabel('ワンタイムパスワード', { exact: true }).fill(codeOf(world, DEMO.tokens.user1.credentialId));
    await shoot(user, 'transfer-confirm-otp');

    // Walk step 6: the branch console's 契約先詳細 with the registered tokens.
    const staff = await newPage(world);
    await staff.goto(`${world.staffUrl}/staff/login`);
    await staff.getByLabel('行員ID', { exact: true }).fill(DEMO.staff.staffId);
    await staff.getByLabel('パスワード', { exact: true }).fill(DEMO.staff.password);
    await press(staff, 'ログイン');
    await follow(staff, DEMO.companyName);
    await onScreen(staff, '契約先詳細');
    await shoot(staff, 'console-company-otp');

    // Walk step 1: the demo phone.
    const phone = await newPage(world, WIDTHS.phone);
    await openStill(phone, `${world.customerUrl}/softtoken`);
    await onScreen(phone, 'VIP Access（デモ）');
    // The phone's screen down to the first token: its ID, code, seconds left and QR code.
    await shoot(phone, 'softtoken-360', phone.getByRole('region').first());
  });
});
