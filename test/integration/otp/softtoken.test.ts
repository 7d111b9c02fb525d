import crypto from 'node:crypto';
import QRCode from 'qrcode';
import request from 'supertest';
import { codeAt } from '../../../src/domain/totp';
import { DEMO, seedDemoIfEmpty } from '../../../src/demo/seed';
import { provisionToken } from '../../../src/services/tokenRegister';
import { createTestContext, type TestContext } from '../../helpers/app';
import { readPage } from '../../helpers/page';

// The demo phone (DESIGN §4, manual §3(1)): GET /softtoken, DEMO=1 only.
describe('demo VIP Access screen (GET /softtoken)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext({ DEMO: '1' });
  });

  /** The part of the page that shows one token (its card). */
  function cardOf(html: string, credentialId: string): string {
    const start = html.indexOf(`id="token-${credentialId}"`);
    expect(start).toBeGreaterThan(-1);
    return html.slice(start, html.indexOf('</section>', start));
  }

  test('when a token is provisioned, then its grouped Credential ID, current Security Code, seconds left and QR code are shown', async () => {
    const secret = new Uint8Array(crypto.randomBytes(20));
    const { credentialId, uri } = await provisionToken(ctx.deps, 'mobile', { secret, credentialId: 'SYMC12345678' });
    ctx.clock.advance(12_000);

    const res = await request(ctx.app).get('/softtoken');

    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>VIP Access（デモ）');
    expect(res.text).toContain('デモ専用画面');
    const card = cardOf(res.text, credentialId);
    expect(card).toContain('SYMC 1234 5678');
    expect(card).toContain(`<span class="security-code">${codeAt(secret, ctx.clock.now())}</span>`);
    expect(card).toContain('あと 18 秒');
    expect(card).toContain('<dd>スマートフォン</dd>');
    // The image is the QR code of exactly this token's otpauth URI.
    const qr = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, scale: 4 });
    expect(card).toContain(`<img class="softtoken-qr" src="${qr}" alt="SYMC 1234 5678 を認証アプリに追加するQRコード（otpauth）">`);
    expect(res.text).not.toContain(uri);
  });

  test('when the page is shown, then it refreshes itself when the code changes, without script and with the strict CSP', async () => {
    await provisionToken(ctx.deps, 'mobile');
    ctx.clock.advance(25_500);

    const res = await request(ctx.app).get('/softtoken');
    const login = await request(ctx.app).get('/login');

    expect(res.text).toContain('<meta http-equiv="refresh" content="5">');
    expect(res.text).not.toMatch(/<script/i);
    expect(res.headers['content-security-policy']).toBe(login.headers['content-security-policy']);
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(login.text).not.toContain('http-equiv="refresh"');
  });

  test('when the code has changed, then the page shows the new one', async () => {
    // The RFC 6238 test secret: a fixed secret makes the two codes known to differ.
    const secret = new Uint8Array(Buffer.from('12345678901234567890'));
    const { credentialId } = await provisionToken(ctx.deps, 'mobile', { secret });
    const before = codeAt(secret, ctx.clock.now());
    ctx.clock.advance(30_000);
    const after = codeAt(secret, ctx.clock.now());
    expect(after).not.toBe(before);

    const card = cardOf((await request(ctx.app).get('/softtoken')).text, credentialId);

    expect(card).toContain(`<span class="security-code">${after}</span>`);
    expect(card).not.toContain(before);
  });

  test('when a PC token is in the register, then it is marked パソコン and said to be unusable for WEB-FB', async () => {
    const { credentialId } = await provisionToken(ctx.deps, 'desktop');

    const card = cardOf((await request(ctx.app).get('/softtoken')).text, credentialId);

    expect(credentialId).toMatch(/^SYDC/);
    expect(card).toContain('パソコン');
    expect(card).toContain('WEB-FBサービスではご利用になれません');
  });

  test('when the demo data is loaded, then each demo token says whom it is meant for and where the walk uses it', async () => {
    await seedDemoIfEmpty(ctx.deps);

    const page = readPage((await request(ctx.app).get('/softtoken')).text);

    const card = (credentialId: string) => page.section(`Credential ID（トークンID）${credentialId.replace(/^(.{4})(.{4})(.{4})$/, '$1 $2 $3')}`);
    expect(card(DEMO.tokens.admin.credentialId)?.term('用途')).toBe(`管理者 ${DEMO.admin.loginId} 用`);
    expect(card(DEMO.tokens.admin.credentialId)?.term('使う場面')).toContain('④-1 トークン登録');
    expect(card(DEMO.tokens.user1.credentialId)?.term('用途')).toBe(`利用者 ${DEMO.users[0].loginId} 用`);
    expect(card(DEMO.tokens.user1.credentialId)?.term('使う場面')).toContain('登録・登録解除');
    expect(card(DEMO.tokens.spare.credentialId)?.term('用途')).toBe('予備（新しいスマートフォン・共用トークン）');
    expect(card(DEMO.tokens.spare.credentialId)?.term('使う場面')).toContain('共用トークン（④-2）');
    expect(card(DEMO.tokens.pc.credentialId)?.term('用途')).toBe('PCトークン（登録できない例）');
    expect(card(DEMO.tokens.pc.credentialId)?.term('導入端末')).toContain('パソコン');
  });

  test('when an operator provisioned a token of their own, then its card names no purpose', async () => {
    await seedDemoIfEmpty(ctx.deps);
    const { credentialId } = await provisionToken(ctx.deps, 'mobile', { credentialId: 'SYMC12345678' });

    const page = readPage((await request(ctx.app).get('/softtoken')).text);

    const card = page.section('Credential ID（トークンID）SYMC 1234 5678');
    expect(credentialId).toBe('SYMC12345678');
    expect(card?.term('Security Code（セキュリティコード）')).toMatch(/^\d{6}$/);
    expect(card?.term('用途')).toBeUndefined();
  });

  test('when demo mode is off, then /softtoken is the normal 404 page and shows no code', async () => {
    const production = await createTestContext({ DEMO: '0' });
    const secret = new Uint8Array(crypto.randomBytes(20));
    await provisionToken(production.deps, 'mobile', { secret });

    const res = await request(production.app).get('/softtoken');

    expect(res.status).toBe(404);
    expect(res.text).toContain('お探しのページは見つかりませんでした。');
    expect(res.text).not.toContain(codeAt(secret, production.clock.now()));
    expect(res.text).not.toContain('data:image/png');
  });
});
