import type { Page } from 'playwright-core';
import { checkScreen, newPage, openStill, screenshots, seriousA11yViolations, startWorld, WIDTHS, type BrowserWorld } from './helpers/browser';
import { givenToken, nextStep } from '../helpers/otp';

const grouped = (credentialId: string): string => `${credentialId.slice(0, 4)} ${credentialId.slice(4, 8)} ${credentialId.slice(8)}`;
const PC_NOTE = 'パソコンに導入したソフトウェアトークンはWEB-FBサービスではご利用になれません（登録しようとすると拒否されます）。';

/**
 * checkScreen for this page, less one finding. The page must reload itself without script (DESIGN §4),
 * and axe's meta-refresh rule (critical; WCAG 2.2.1) flags any refresh under 20 h, whatever the page
 * offers. The remedy — a link that stops the refresh — is ready in the view and waits for the route to
 * pass autoRefresh (src/web/customer/softtoken.ts, not this suite's to edit; reported with a patch).
 * Every other rule must pass, and the refresh must be the only finding.
 */
async function checkRefreshingScreen(world: BrowserWorld, page: Page, name: string): Promise<void> {
  const found = await seriousA11yViolations(world, page);
  expect(found.map((v) => `${v.id}: ${v.help}`)).toEqual(['meta-refresh: Delayed refresh under 20 hours must not be used']);
  await screenshots(page, name);
}

// The demo phone (DESIGN §4, manual §3(1)): what VIP Access would show, on a page without script.
describe('the demo VIP Access screen (/softtoken) in a browser without JavaScript', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world.close());

  test('when no token has been provisioned, then the page says how to provision one', async () => {
    const page = await newPage(world, WIDTHS.phone);
    await openStill(page, `${world.customerUrl}/softtoken`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('VIP Access（デモ）');
    await expect(page.getByText('ソフトウェアトークンが登録されていません。').isVisible()).resolves.toBe(true);
    await expect(page.getByText('npm run cli -- token provision --platform mobile').isVisible()).resolves.toBe(true);
    await checkRefreshingScreen(world, page, 'softtoken-empty');
  });

  test('when a phone token and a PC token exist, then each card shows its grouped Credential ID, the current Security Code, the seconds left and its QR code, and the page asks to be reloaded when the code changes', async () => {
    // Arrange: 12 s into a 30-s step, so 18 s are left.
    nextStep(world.ctx);
    world.ctx.clock.advance(12_000);
    const phone = await givenToken(world.ctx, 'mobile');
    const pc = await givenToken(world.ctx, 'desktop');
    const page = await newPage(world);

    // Act
    const res = await openStill(page, `${world.customerUrl}/softtoken`);

    // Assert
    expect(res?.status()).toBe(200);
    expect(res?.headers()['cache-control']).toBe('no-store');
    expect(res?.headers()['content-security-policy']).toContain("script-src 'none'");
    // No script may run, so a meta refresh reloads the page when the code changes.
    const html = await page.content();
    expect(html).toContain('<meta http-equiv="refresh" content="18">');
    expect(html).not.toMatch(/<script/i);
    await expect(page.getByText('デモ専用画面').isVisible()).resolves.toBe(true);
    await expect(page.getByText(/この画面は 18 秒後に自動で更新されます。/).isVisible()).resolves.toBe(true);

    const phoneCard = page.getByRole('region', { name: new RegExp(`${grouped(phone.credentialId)}$`) });
    await expect(phoneCard.getByRole('heading').textContent()).resolves.toBe(`Credential ID（トークンID）${grouped(phone.credentialId)}`);
    await expect(phoneCard.getByText(phone.code(), { exact: true }).isVisible()).resolves.toBe(true);
    expect(phone.code()).toMatch(/^\d{6}$/);
    await expect(phoneCard.getByText('あと 18 秒', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(phoneCard.getByText('スマートフォン', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(phoneCard.getByText(PC_NOTE).count()).resolves.toBe(0);
    const qr = phoneCard.getByRole('img', { name: `${grouped(phone.credentialId)} を認証アプリに追加するQRコード（otpauth）` });
    await expect(qr.isVisible()).resolves.toBe(true);
    await expect(qr.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0)).resolves.toBe(true);

    const pcCard = page.getByRole('region', { name: new RegExp(`${grouped(pc.credentialId)}$`) });
    await expect(pcCard.getByText(pc.code(), { exact: true }).isVisible()).resolves.toBe(true);
    await expect(pcCard.getByText(PC_NOTE).isVisible()).resolves.toBe(true);
    await expect(pcCard.getByRole('img', { name: `${grouped(pc.credentialId)} を認証アプリに追加するQRコード（otpauth）` }).isVisible()).resolves.toBe(true);
    // The secret itself never reaches the page: only the code and the QR image do.
    expect(html).not.toContain('otpauth://');
    await checkRefreshingScreen(world, page, 'softtoken');
  });

  test('when the person stops the automatic refresh, then the page no longer reloads itself and offers to show the latest code or resume', async () => {
    const phone = await givenToken(world.ctx, 'mobile');
    const page = await newPage(world, WIDTHS.phone);
    await openStill(page, `${world.customerUrl}/softtoken`);

    await page.getByRole('link', { name: '自動更新を止める' }).click();

    const html = await page.content();
    expect(html).not.toContain('http-equiv="refresh"');
    await expect(page.getByText(/自動更新は止めています。/).isVisible()).resolves.toBe(true);
    const card = page.getByRole('region', { name: new RegExp(`${grouped(phone.credentialId)}$`) });
    await expect(card.getByText(phone.code(), { exact: true }).isVisible()).resolves.toBe(true);
    await checkScreen(world, page, 'softtoken-stopped');
    nextStep(world.ctx);
    await page.getByRole('link', { name: '最新のセキュリティコードを表示' }).click();
    await expect(card.getByText(phone.code(), { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.content()).resolves.not.toContain('http-equiv="refresh"');
    await expect(page.getByRole('link', { name: '自動更新を再開する' }).getAttribute('href')).resolves.toBe('/softtoken');
  });

  test('when the step ends, then the page reloads itself without script and shows the next Security Code', async () => {
    // Arrange: one second left in the step, so the page asks to be reloaded in 1 s.
    nextStep(world.ctx);
    world.ctx.clock.advance(29_000);
    const phone = await givenToken(world.ctx, 'mobile');
    const page = await newPage(world);
    const url = `${world.customerUrl}/softtoken`;
    const card = page.getByRole('region', { name: new RegExp(`${grouped(phone.credentialId)}$`) });
    // Read from the response, not the page, which may already be reloading.
    const first = await (await page.goto(url))!.text();
    expect(first).toContain('あと 1 秒');
    expect(first).toContain('<meta http-equiv="refresh" content="1">');

    // Act: the code changes; the browser reloads on its own (until then each reload still shows 1 s left).
    nextStep(world.ctx);
    const reloaded = page.waitForResponse(async (r) => r.url() === url && (await r.text()).includes('<meta http-equiv="refresh" content="30">'), { timeout: 15_000 });

    // Assert
    await reloaded;
    await card.getByText(phone.code(), { exact: true }).waitFor();
    await expect(card.getByText('あと 30 秒', { exact: true }).isVisible()).resolves.toBe(true);
    await page.close();
  });
});
