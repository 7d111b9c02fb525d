import request from 'supertest';
import type { Express } from 'express';
import type { Response } from 'supertest';
import { createTestContext, type TestContext } from '../helpers/app';
import { csrfTokenOf, FormClient, setCookieOf } from '../helpers/client';
import { ADMIN_PASSWORD, auditEvents, givenContract, TRANSFER_PASSWORD, VALID_TRANSFER_FORM } from '../helpers/fixtures';

// DESIGN §6: security headers on every response, error pages included, on both
// listeners. Each listener is checked on a page, a 404 and a CSRF refusal.
const listeners = [
  { name: 'customer site', app: (c: TestContext) => c.app, page: '/login', cookie: 'webfb.sid' },
  { name: 'branch console', app: (c: TestContext) => c.staffApp, page: '/staff/login', cookie: 'webfb.staff.sid' },
] as const;

function expectSecurityHeaders(res: Response): void {
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("script-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'none'");
  expect(res.headers['x-frame-options']).toBeDefined();
  expect(res.headers['referrer-policy']).toBe('same-origin');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['cache-control']).toBe('no-store');
}


const cookieValue = (header: string | undefined): string | undefined => header?.split(';')[0];

describe.each(listeners)('security headers on the $name', ({ app, page }) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when a page is shown, then it carries the strict headers and no cache', async () => {
    const res = await request(app(ctx)).get(page);
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
  });

  test('when a page does not exist, then the 404 page carries the same headers', async () => {
    const res = await request(app(ctx)).get('/no-such-page');
    expect(res.status).toBe(404);
    expectSecurityHeaders(res);
  });

  test('when a form is posted without its CSRF token, then the 403 page carries the same headers', async () => {
    const res = await request(app(ctx)).post(page).type('form').send({ any: 'thing' });
    expect(res.status).toBe(403);
    expectSecurityHeaders(res);
  });
});

describe.each(listeners)('session cookie of the $name', ({ app, page, cookie }) => {
  test('when a form page starts a session over plain HTTP, then the cookie is HttpOnly, SameSite=Lax and path-wide', async () => {
    const ctx = await createTestContext();
    const header = setCookieOf(await request(app(ctx)).get(page), cookie);
    expect(header).toBeDefined();
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);
    expect(header).toMatch(/; Path=\//i);
    expect(header).not.toMatch(/; Secure/i);
  });

  test('when the app sits behind a TLS proxy (TRUST_PROXY=1), then the cookie is also Secure', async () => {
    const ctx = await createTestContext({ TRUST_PROXY: '1' });
    const header = setCookieOf(await request(app(ctx)).get(page).set('X-Forwarded-Proto', 'https'), cookie);
    expect(header).toMatch(/; Secure/i);
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);
  });

  test('when the proxy is not trusted, then a forged X-Forwarded-Proto is ignored', async () => {
    const ctx = await createTestContext();
    const header = setCookieOf(await request(app(ctx)).get(page).set('X-Forwarded-Proto', 'https'), cookie);
    expect(header).not.toMatch(/; Secure/i);
  });
});

const PRODUCTION = { NODE_ENV: 'production', SECRET_KEY: 'production-secret-key-0123456789', SESSION_SECRET: 'production-session-secret-0123456789', SMTP_URL: 'smtp://127.0.0.1:2525' };

describe.each(listeners)('session cookie of the $name in production (issue 10)', ({ app, page, cookie }) => {
  test('when a page starts a session over plain HTTP with no proxy trusted, then the cookie is still Secure, with the __Host- prefix', async () => {
    const ctx = await createTestContext(PRODUCTION);
    const header = setCookieOf(await request(app(ctx)).get(page), `__Host-${cookie}`);
    expect(header).toBeDefined();
    expect(header).toMatch(/; Path=\/(;|$)/i);
    expect(header).toMatch(/; Secure/i);
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);
    expect(header).not.toMatch(/; Domain=/i);
  });
});

describe('signing in and out in production (issue 10)', () => {
  test('when the administrator signs in and out with the __Host- cookie, then the menu opens and the logout clears the same cookie', async () => {
    const ctx = await createTestContext(PRODUCTION);
    const { admin } = await givenContract(ctx.deps);
    // supertest's cookie jar keeps Secure cookies off plain HTTP, as a browser would: carry it by hand.
    const page = await request(ctx.app).get('/login');
    const before = cookieValue(setCookieOf(page, '__Host-webfb.sid'))!;
    const login = await request(ctx.app).post('/login').set('Cookie', before).type('form')
      .send({ _csrf: csrfTokenOf(page.text)!, loginId: admin.loginId, password: ADMIN_PASSWORD });
    expect(login.status).toBe(303);
    const signedIn = cookieValue(setCookieOf(login, '__Host-webfb.sid'))!;
    expect(signedIn).not.toBe(before);

    const menu = await request(ctx.app).get('/').set('Cookie', signedIn);
    expect(menu.status).toBe(200);
    const logout = await request(ctx.app).post('/logout').set('Cookie', signedIn).type('form').send({ _csrf: csrfTokenOf(menu.text)! });

    expect(logout.status).toBe(303);
    const cleared = setCookieOf(logout, '__Host-webfb.sid')!;
    expect(cleared).toMatch(/^__Host-webfb\.sid=;/);
    expect(cleared).toMatch(/; Secure/i);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect((await request(ctx.app).get('/').set('Cookie', signedIn)).headers.location).toBe('/login');
  });
});

describe('the receipt cookie in production', () => {
  test('when a transfer is confirmed in production, then 受付完了 is told by a __Host- cookie that is Secure, HttpOnly and path-wide', async () => {
    const ctx = await createTestContext(PRODUCTION);
    const { admin } = await givenContract(ctx.deps);
    const page = await request(ctx.app).get('/login');
    const login = await request(ctx.app).post('/login').set('Cookie', cookieValue(setCookieOf(page, '__Host-webfb.sid'))!).type('form')
      .send({ _csrf: csrfTokenOf(page.text)!, loginId: admin.loginId, password: ADMIN_PASSWORD });
    const session = cookieValue(setCookieOf(login, '__Host-webfb.sid'))!;
    const form = await request(ctx.app).get('/transfers/new').set('Cookie', session);
    const drafted = await request(ctx.app).post('/transfers').set('Cookie', session).type('form')
      .send({ _csrf: csrfTokenOf(form.text)!, ...VALID_TRANSFER_FORM });
    const confirmPath = drafted.headers.location as string;
    const confirmPage = await request(ctx.app).get(confirmPath).set('Cookie', session);

    const done = await request(ctx.app).post(confirmPath).set('Cookie', session).type('form')
      .send({ _csrf: csrfTokenOf(confirmPage.text)!, transferPassword: TRANSFER_PASSWORD });

    expect(done.status).toBe(303);
    const receipt = setCookieOf(done, '__Host-webfb.receipt')!;
    expect(receipt).toMatch(/; Path=\/(;|$)/i);
    expect(receipt).toMatch(/; Secure/i);
    expect(receipt).toMatch(/; HttpOnly/i);
    expect(receipt).toMatch(/; SameSite=Lax/i);
    expect(receipt).not.toMatch(/; Domain=/i);
    const shown = await request(ctx.app).get(done.headers.location as string).set('Cookie', [session, cookieValue(receipt)!]);
    expect(shown.text).toContain('<h1>受付完了</h1>');
    expect(setCookieOf(shown, '__Host-webfb.receipt')).toMatch(/^__Host-webfb\.receipt=;.*; Secure/i);
  });
});

describe('CSRF synchronizer token (DESIGN §6)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  /** A token that is valid, but for another browser's session. */
  async function foreignToken(app: Express, page: string): Promise<string> {
    const other = new FormClient(app);
    await other.get(page);
    return other.csrfToken()!;
  }

  test('when a login is posted with another session’s token, then it is refused with 403 and nobody logs in', async () => {
    const { admin } = await givenContract(ctx.deps);
    const victim = new FormClient(ctx.app);
    await victim.get('/login');
    const token = await foreignToken(ctx.app, '/login');

    const res = await victim.agent.post('/login').type('form').send({ _csrf: token, loginId: admin.loginId, password: ADMIN_PASSWORD });

    expect(res.status).toBe(403);
    expect(res.text).toContain('画面の有効期限が切れたか、正しくない操作です。');
    expect(await auditEvents(ctx.deps, 'login')).toHaveLength(0);
    expect((await victim.get('/')).headers.location).toBe('/login');
  });

  test('when a signed-in user is made to post logout with another session’s token, then the session survives', async () => {
    const { admin } = await givenContract(ctx.deps);
    const victim = new FormClient(ctx.app);
    await victim.login(admin.loginId, ADMIN_PASSWORD);
    const token = await foreignToken(ctx.app, '/login');

    const res = await victim.agent.post('/logout').type('form').send({ _csrf: token });

    expect(res.status).toBe(403);
    expect(await auditEvents(ctx.deps, 'logout')).toHaveLength(0);
    expect((await victim.get('/')).status).toBe(200);
  });

  test('when the customer site’s token is posted to the branch console, then it is refused', async () => {
    const customerToken = await foreignToken(ctx.app, '/login');
    const staff = new FormClient(ctx.staffApp);
    await staff.get('/staff/login');

    const res = await staff.agent.post('/staff/login').type('form').send({ _csrf: customerToken, staffId: 'x', password: 'y' });

    expect(res.status).toBe(403);
    expect(await auditEvents(ctx.deps, 'staff.login')).toHaveLength(0);
  });

  test('when a session cookie of the customer site is sent to the branch console, then it opens no session there', async () => {
    const { admin } = await givenContract(ctx.deps);
    const customer = new FormClient(ctx.app);
    const res = await customer.login(admin.loginId, ADMIN_PASSWORD);
    const sid = cookieValue(setCookieOf(res, 'webfb.sid'))!.split('=')[1];

    const staffPage = await request(ctx.staffApp).get('/staff/companies').set('Cookie', `webfb.staff.sid=${sid}`);

    expect(staffPage.status).toBe(303);
    expect(staffPage.headers.location).toMatch(/^\/staff\/login/);
  });
});
