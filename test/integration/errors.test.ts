import request from 'supertest';
import type { Response } from 'supertest';
import { createTestContext, type TestContext } from '../helpers/app';
import { FormClient } from '../helpers/client';
import { ADMIN_PASSWORD, auditEvents, givenContract } from '../helpers/fixtures';

// STYLE habit 5: one error path. Expected refusals and unexpected failures both
// end on a plain Japanese page with a support id (お問い合わせ番号) that matches
// the log line, never with a stack trace or other internals.
// 8 symbols a customer can read out on the phone: no 0/O, 1/I/L or U (issue 15).
const SUPPORT_ID = /お問い合わせ番号: ([2-9A-HJKMNP-TV-Z]{8})</;

function expectPlainErrorPage(res: Response): void {
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toContain('<html lang="ja">');
  expect(res.text).toMatch(SUPPORT_ID);
  // Nothing of the machinery: no error names, stack frames, source paths or SQL.
  expect(res.text).not.toMatch(/Error:|\bat .+\(|node_modules|\/src\/|\.ts\b|\.js:\d|SQLITE|database/i);
}

describe('error pages', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test.each([
    ['customer site', '/no-such-page'],
    // Unknown paths under /staff/ send a signed-out visitor to 行員ログイン first.
    ['branch console', '/no-such-page'],
  ])('when a path on the %s does not exist, then a Japanese 404 page with a support id is shown', async (name, path) => {
    const app = name === 'customer site' ? ctx.app : ctx.staffApp;
    const res = await request(app).get(path);
    expect(res.status).toBe(404);
    expect(res.text).toContain('ページが見つかりません');
    expect(res.text).toContain('お探しのページは見つかりませんでした。');
    expectPlainErrorPage(res);
  });

  test('when two requests fail, then each page has its own support id', async () => {
    const first = SUPPORT_ID.exec((await request(ctx.app).get('/missing-1')).text)?.[1];
    const second = SUPPORT_ID.exec((await request(ctx.app).get('/missing-2')).text)?.[1];
    expect(first).toBeDefined();
    expect(second).not.toBe(first);
  });

  // The storage port's ping rejects with StorageUnavailableError (issue 12): the database is down, not the code.
  test('when the database is unavailable, then /healthz answers 503 with a plain page', async () => {
    await ctx.storage.close();
    const res = await request(ctx.app).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.text).toContain('ただいまシステムに接続できないため、お手続きを完了できませんでした');
    expectPlainErrorPage(res);
  });

  test('when the database fails under a signed-in user, then the menu answers 500 without internals', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);
    await ctx.storage.close();

    const res = await client.get('/');

    expect(res.status).toBe(500);
    expect(res.text).toContain('システムエラー');
    expect(res.headers['cache-control']).toBe('no-store');
    expectPlainErrorPage(res);
  });
});

describe('oversized and overloaded forms', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when a login form is larger than 16 kB, then it is refused with 413 and nothing is recorded', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);

    const res = await client.submit('/login', '/login', { loginId: admin.loginId, password: 'x'.repeat(17 * 1024) });

    expect(res.status).toBe(413);
    expect(res.text).toContain('送信された内容が大きすぎます。入力内容を確認してください。');
    expectPlainErrorPage(res);
    expect(await auditEvents(ctx.deps, 'login')).toHaveLength(0);
    expect((await ctx.deps.repos.locks.get(admin.id, 'login')).failures).toBe(0);
  });

  test('when a signed-in user posts an oversized logout, then it is refused and the session stays', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);
    await client.get('/');

    const res = await client.post('/logout', { padding: 'x'.repeat(20 * 1024) });

    expect(res.status).toBe(413);
    expect(await auditEvents(ctx.deps, 'logout')).toHaveLength(0);
    expect((await client.get('/')).status).toBe(200);
  });

  test('when a form carries more than 100 fields, then it is refused with 413', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    const extra = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, '1']));

    const res = await client.submit('/login', '/login', { loginId: admin.loginId, password: ADMIN_PASSWORD, ...extra });

    expect(res.status).toBe(413);
    expect(res.text).toContain('送信された内容が大きすぎます。');
    expect(await auditEvents(ctx.deps, 'login')).toHaveLength(0);
  });

  test('when the branch console receives an oversized form, then it is refused with 413 too', async () => {
    const res = await request(ctx.staffApp)
      .post('/staff/login')
      .type('form')
      .send({ staffId: 'staff', password: 'x'.repeat(17 * 1024) });
    expect(res.status).toBe(413);
    expectPlainErrorPage(res);
    expect(await auditEvents(ctx.deps, 'staff.login')).toHaveLength(0);
  });
});
