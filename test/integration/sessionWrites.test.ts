import type { Response } from 'supertest';
import { SESSION_REFRESH_STEP_MS } from '../../src/repositories/sessions';
import { createTestContext, type TestContext } from '../helpers/app';
import { FormClient } from '../helpers/client';
import { testSqliteOnly } from '../helpers/engine';
import { ADMIN_PASSWORD, givenContract, givenStaff, STAFF_PASSWORD } from '../helpers/fixtures';

// Issue 5: every write transaction costs an fsync, so a signed-in request that
// changes nothing in its session must write nothing.

interface SessionRow {
  sid: string;
  data: string;
  expiresAt: number;
}

const realms = [
  {
    realm: 'customer',
    cookie: 'webfb.sid',
    loginPage: '/login',
    page: '/',
    app: (ctx: TestContext) => ctx.app,
    signIn: async (ctx: TestContext, client: FormClient) => {
      const { admin } = await givenContract(ctx.deps);
      return client.login(admin.loginId, ADMIN_PASSWORD);
    },
  },
  {
    realm: 'staff',
    cookie: 'webfb.staff.sid',
    loginPage: '/staff/login',
    page: '/staff/companies',
    app: (ctx: TestContext) => ctx.staffApp,
    signIn: async (ctx: TestContext, client: FormClient) => client.staffLogin(await givenStaff(ctx.deps), STAFF_PASSWORD),
  },
] as const;

describe.each(realms)('session writes ($realm)', ({ realm, cookie, loginPage, page, app, signIn }) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const rows = (): Promise<SessionRow[]> =>
    ctx.storage.all<SessionRow>('SELECT sid, data, expires_at AS expiresAt FROM sessions WHERE realm = ? ORDER BY sid', [realm]);
  const totalChanges = (): number => ctx.db.prepare('SELECT total_changes()').pluck().get() as number;
  const keepMs = (): number => ctx.deps.config.sessionIdleMs * 2;
  const sidOf = (res: Response): string | undefined => {
    const value = ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? [])
      .find((c) => c.startsWith(`${cookie}=`))
      ?.split(';')[0]!
      .slice(cookie.length + 1);
    if (!value) return undefined;
    const signed = decodeURIComponent(value); // "s:<sid>.<signature>"
    return signed.slice(2, signed.lastIndexOf('.'));
  };

  /** Signs in and opens the page once, which stores the page's CSRF token in the session. */
  async function signedInClient(): Promise<FormClient> {
    const client = new FormClient(app(ctx));
    await signIn(ctx, client);
    expect((await client.get(page)).status).toBe(200);
    return client;
  }

  testSqliteOnly('when the signed-in page is opened again within a minute, then no row changes and no commit is waited for', "counts writes with SQLite's total_changes() and the group commit's statistics", async () => {
    const client = await signedInClient();
    ctx.clock.advance(SESSION_REFRESH_STEP_MS - 1);
    const before = { changes: totalChanges(), rows: await rows(), jobs: ctx.sqlite.commits.stats.jobs };

    const res = await client.get(page);

    expect(res.status).toBe(200);
    expect(totalChanges()).toBe(before.changes);
    expect(await rows()).toEqual(before.rows);
    expect(ctx.sqlite.commits.stats.jobs).toBe(before.jobs);
  });

  testSqliteOnly('when a minute has passed, then lastSeenAt and the expiry are refreshed in one write', "counts writes with SQLite's total_changes() and the group commit's statistics", async () => {
    const client = await signedInClient();
    const [signedIn] = await rows();
    const loginAt = (JSON.parse(signedIn!.data) as { loginAt: number }).loginAt;
    ctx.clock.advance(SESSION_REFRESH_STEP_MS);
    const before = totalChanges();

    expect((await client.get(page)).status).toBe(200);

    const [row] = await rows();
    expect(JSON.parse(row!.data)).toMatchObject({ loginAt, lastSeenAt: ctx.clock.now() });
    expect(row!.expiresAt).toBe(ctx.clock.now() + keepMs());
    expect(totalChanges()).toBe(before + 1);
  });

  test('when the login page is reopened, then its unchanged session moves its expiry only after a minute', async () => {
    const client = new FormClient(app(ctx));
    await client.get(loginPage); // stores the form's CSRF token
    const [saved] = await rows();
    ctx.clock.advance(SESSION_REFRESH_STEP_MS - 1);

    await client.get(loginPage);
    expect(await rows()).toEqual([saved]);

    ctx.clock.advance(1);
    await client.get(loginPage);
    expect(await rows()).toEqual([{ ...saved, expiresAt: ctx.clock.now() + keepMs() }]);
  });

  test('when someone signs in, then the session id changes, the old row is gone and the new one is stored before the answer', async () => {
    const client = new FormClient(app(ctx));
    const oldSid = sidOf(await client.get(loginPage));
    expect(oldSid).toBeDefined();
    expect((await rows()).map((r) => r.sid)).toEqual([oldSid]);

    const res = await signIn(ctx, client);

    const newSid = sidOf(res);
    expect(res.status).toBe(303);
    expect(newSid).toBeDefined();
    expect(newSid).not.toBe(oldSid);
    expect((await rows()).map((r) => r.sid)).toEqual([newSid]);
    expect(JSON.parse((await rows())[0]!.data)).toMatchObject({ loginAt: ctx.clock.now(), lastSeenAt: ctx.clock.now() });
  });
});

describe('idle timeout with the minute step (customer)', () => {
  test('when the last request came within a minute of the idle clock, then the session ends up to a minute early, never late', async () => {
    const ctx = await createTestContext();
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);
    ctx.clock.advance(SESSION_REFRESH_STEP_MS - 1);
    expect((await client.get('/')).status).toBe(200); // too soon to move the idle clock

    ctx.clock.advance(ctx.deps.config.sessionIdleMs - SESSION_REFRESH_STEP_MS + 2);
    const res = await client.get('/'); // idle 15 min − 59.998 s since the last request, 15 min + 1 ms by the clock

    expect(res.headers.location).toBe('/login?timeout=1');
  });
});
