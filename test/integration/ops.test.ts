import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import pino from 'pino';
import { createCustomerApp, createStaffApp } from '../../src/app';
import { FakeClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/connection';
import { migrate } from '../../src/db/migrate';
import { createDeps } from '../../src/deps';
import { SqliteStorage } from '../../src/storage/sqlite';
import { createLogger, prettyLogs } from '../../src/logger';
import { startService } from '../../src/service';
import { createTestContext, type TestContext } from '../helpers/app';
import { csrfTokenOf, FormClient } from '../helpers/client';
import { ADMIN_PASSWORD, givenContract } from '../helpers/fixtures';
import { DEMO } from '../../src/demo/data';

describe('health endpoint (DESIGN §7)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test.each(['customer site', 'branch console'])('when the %s is asked GET /healthz, then it answers 200 ok', async (name) => {
    const app = name === 'customer site' ? ctx.app : ctx.staffApp;
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', outbox: { pending: 0, failed: 0, oldestPendingSeconds: 0 } });
    expect(res.headers['cache-control']).toBe('no-store');
    // A probe every few seconds must not fill the sessions table.
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('the two listeners are separate', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when the branch console is asked for the customer login, then it does not know the page', async () => {
    expect((await request(ctx.staffApp).get('/login')).status).toBe(404);
  });

  test('when the customer site is asked for the staff login, then it does not know the page', async () => {
    expect((await request(ctx.app).get('/staff/login')).status).toBe(404);
    expect((await request(ctx.app).get('/staff/companies')).status).toBe(404);
  });
});

/** Every line the app logs, parsed, with the raw text kept for substring checks. */
function capturingContext() {
  const raw: string[] = [];
  // Plain pino without the production redaction, so this proves that the
  // request serializers alone keep bodies, cookies and query strings out.
  const logger = pino({ level: 'info' }, { write: (line: string) => void raw.push(line) });
  const config = loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', LOGIN_RATE_LIMIT: '1000', DATABASE_FILE: ':memory:' });
  const db = openDatabase(':memory:');
  migrate(db);
  const deps = createDeps(config, new SqliteStorage(db, logger), new FakeClock(), logger);
  return { deps, app: createCustomerApp(deps), staffApp: createStaffApp(deps), raw };
}

const cookieOf = (headers: Record<string, unknown>, name: string): string | undefined =>
  ((headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`))?.split(';')[0]?.slice(name.length + 1);

describe('structured request logs', () => {
  test('when a user logs in, then the log has method, path and status but no password, cookie or CSRF token', async () => {
    const { deps, app, raw } = capturingContext();
    const { admin } = await givenContract(deps);
    const client = new FormClient(app);
    const wrongPassword = 'Wrong-Pass-9';

    const page = await client.get('/login');
    const token = client.csrfToken()!;
    const firstCookie = cookieOf(page.headers, 'webfb.sid')!;
    await client.post('/login', { loginId: admin.loginId, password: wrongPassword });
    const res = await client.post('/login', { loginId: admin.loginId, password: ADMIN_PASSWORD });
    const signedInCookie = cookieOf(res.headers, 'webfb.sid')!;
    await client.get('/?note=query-is-not-logged');

    expect(res.status).toBe(303);
    const text = raw.join('');
    const secrets = [ADMIN_PASSWORD, wrongPassword, token, encodeURIComponent(token), 'query-is-not-logged'];
    for (const cookie of [firstCookie, signedInCookie]) {
      // The signed value is s:<sid>.<signature>; neither the whole nor the sid may appear.
      const sid = decodeURIComponent(cookie).replace(/^s:/, '').split('.')[0]!;
      secrets.push(cookie, decodeURIComponent(cookie), sid);
    }
    for (const secret of secrets) expect(text).not.toContain(secret);

    const entries = raw.map((line) => JSON.parse(line) as { req?: { method: string; path: string }; res?: { statusCode: number } });
    const requests = entries.filter((e) => e.req && e.res).map((e) => [e.req!.method, e.req!.path, e.res!.statusCode]);
    expect(requests).toEqual([
      ['GET', '/login', 200],
      ['POST', '/login', 401],
      ['POST', '/login', 303],
      ['GET', '/', 200],
    ]);
  });

  test('when a request fails unexpectedly, then the error log and the request line carry the short support id shown on the page', async () => {
    const { app, deps, raw } = capturingContext();
    deps.sqlite!.db.close();

    const res = await request(app).get('/healthz');

    const supportId = /お問い合わせ番号: ([2-9A-HJKMNP-TV-Z]{8})</.exec(res.text)?.[1];
    expect(supportId).toBeDefined();
    const logged = raw.map((line) => JSON.parse(line) as { level: number; supportId?: string; msg: string; req?: { id: string } });
    expect(logged).toContainEqual(expect.objectContaining({ level: 50, supportId, msg: 'unexpected error' }));
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'request completed', req: expect.objectContaining({ id: supportId, path: '/healthz' }), res: { statusCode: 503 } }));
    // One search for the number finds exactly those two lines.
    expect(raw.filter((line) => line.includes(supportId!))).toHaveLength(2);
  });

  test('when a request is refused (404), then the page\'s support id is in the refusal and the request line', async () => {
    const { app, raw } = capturingContext();

    const res = await request(app).get('/no-such-page');

    const supportId = /お問い合わせ番号: ([2-9A-HJKMNP-TV-Z]{8})</.exec(res.text)?.[1];
    expect(res.status).toBe(404);
    const logged = raw.filter((line) => line.includes(supportId!)).map((line) => JSON.parse(line) as { msg: string });
    expect(logged.map((e) => e.msg)).toEqual(['request refused', 'request completed']);
  });
});

describe('start-up log (issue 15: a demo a branch can show)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-start-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the real service on free ports with the log written into `lines`, as the server would (same logger choice). */
  async function started(env: Record<string, string>) {
    const lines: string[] = [];
    const config = loadConfig({ BCRYPT_COST: '4', PORT: '0', STAFF_PORT: '0', DATABASE_FILE: path.join(dir, 'webfb.db'), ...env });
    const destination = { write: (line: string) => void lines.push(line) };
    // A terminal in front: production must still write JSON.
    const logger = createLogger('info', { pretty: prettyLogs(config, true), destination });
    const service = await startService(config, logger);
    return { lines, service };
  }

  test('when the demo starts, then its log says in plain words where to open the customer site, the branch console and the demo phone', async () => {
    const { lines, service } = await started({ NODE_ENV: 'test', DEMO: '1' });
    try {
      const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      const site = `http://127.0.0.1:${service.customer.port}`;
      expect(messages).toContain(`Customer site: open ${site}/`);
      expect(messages).toContain(`Branch console: open http://127.0.0.1:${service.staff.port}/staff/login`);
      expect(messages).toContain(`Demo phone (VIP Access): open ${site}/softtoken`);
      // The URLs are real: both listeners answer there.
      expect((await fetch(`${site}/login`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${service.staff.port}/staff/login`)).status).toBe(200);
    } finally {
      await service.stop();
    }
  });

  test('when a client goes away while its login is still comparing the password, then stopping waits for that login: its audit row and its new session are both written', async () => {
    // Cost 12: the compare takes a few hundred milliseconds, and the client leaves in the middle of it.
    const { service } = await started({ NODE_ENV: 'test', DEMO: '1', BCRYPT_COST: '12' });
    const site = `http://127.0.0.1:${service.customer.port}`;
    const form = await fetch(`${site}/login`);
    const cookie = form.headers.get('set-cookie')!.split(';')[0]!;
    const body = new URLSearchParams({ _csrf: csrfTokenOf(await form.text())!, loginId: DEMO.users[0].loginId, password: DEMO.users[0].password }).toString();
    await new Promise<void>((resolve) => {
      const req = http.request(`${site}/login`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
      req.on('error', () => undefined);
      req.end(body, () => setTimeout(() => (req.destroy(), resolve()), 100));
    });

    await service.stop();

    const db = openDatabase(path.join(dir, 'webfb.db'));
    try {
      const logins = db.prepare("SELECT count(*) FROM audit_log WHERE event = 'login' AND outcome = 'success'").pluck().get();
      const sessions = (db.prepare("SELECT data FROM sessions WHERE realm = 'customer'").pluck().all() as string[]).map((data) => JSON.parse(data) as { userId?: number });
      expect({ logins, signedIn: sessions.filter((s) => s.userId !== undefined).length, preLogin: sessions.filter((s) => s.userId === undefined).length })
        .toEqual({ logins: 1, signedIn: 1, preLogin: 0 });
    } finally {
      db.close();
    }
  });

  test('when a client keeps its connection open, then the server says it keeps it 65 s, past the 60 s of load balancers', async () => {
    const { service } = await started({ NODE_ENV: 'test' });
    try {
      const res = await fetch(`http://127.0.0.1:${service.customer.port}/login`);
      await res.text();
      expect(res.headers.get('keep-alive')).toBe('timeout=65');
    } finally {
      await service.stop();
    }
  });

  test('when production starts, then every log line is JSON, the URLs included, and it listens on every interface', async () => {
    const { lines, service } = await started({ NODE_ENV: 'production', LOG_PRETTY: '1', SECRET_KEY: 'k'.repeat(44), SESSION_SECRET: 's'.repeat(44), SMTP_URL: 'smtp://127.0.0.1:2525' });
    try {
      expect(lines.length).toBeGreaterThan(0);
      const entries = lines.map((line) => JSON.parse(line) as { msg: string; url?: string; service: string });
      expect(entries.every((e) => e.service === 'webfb')).toBe(true);
      expect(entries).toContainEqual(expect.objectContaining({
        msg: `Customer site: open http://localhost:${service.customer.port}/ (listening on every interface, 0.0.0.0)`,
        url: `http://localhost:${service.customer.port}/`,
      }));
      expect(entries.map((e) => e.msg)).not.toContainEqual(expect.stringContaining('Demo phone'));
    } finally {
      await service.stop();
    }
  });
});
