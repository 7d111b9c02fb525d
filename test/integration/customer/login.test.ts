import type { Storage } from '../../../src/storage/port';
import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, auditEvents, givenContract, givenUser, USER_PASSWORD } from '../../helpers/fixtures';

const sessionCookie = (res: { headers: Record<string, unknown> }): string | undefined =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('webfb.sid='))?.split(';')[0];

describe('customer login (ログイン)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when the administrator logs in with the right password, then the menu shows the balance', async () => {
    const { admin } = await givenContract(ctx.deps, { balance: 1_000_000 });
    const client = new FormClient(ctx.app);
    const res = await client.login(admin.loginId, ADMIN_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const menu = await client.get('/');
    expect(menu.status).toBe(200);
    expect(menu.text).toContain('残高 <strong>1,000,000円</strong>');
    expect(menu.text).toContain('管理機能');
    expect(menu.headers['cache-control']).toBe('no-store');
    expect(menu.headers.etag).toBeUndefined(); // a no-store page is never revalidated: no body hash per response
    expect((await auditEvents(ctx.deps, 'login'))[0]).toMatchObject({ outcome: 'success', actor: admin.loginId });
  });

  test('when a user logs in, then the session id changes at login', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    const page = await client.get('/login');
    const before = sessionCookie(page);
    expect(before).toBeDefined();
    const res = await client.post('/login', { loginId: user.loginId, password: USER_PASSWORD });
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    // The old id no longer opens anything.
    const replay = await new FormClient(ctx.app).agent.get('/').set('Cookie', before!);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/login');
  });

  test('when the ID is unknown or the password wrong, then the same message is shown and the ID is kept', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    const wrong = await client.submit('/login', '/login', { loginId: admin.loginId, password: 'nope-1234' });
    const unknown = await client.submit('/login', '/login', { loginId: 'nobody', password: 'nope-1234' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = /<li>(ログインIDまたは[^<]+)<\/li>/;
    expect(message.exec(wrong.text)?.[1]).toBe(message.exec(unknown.text)?.[1]);
    expect(unknown.text).toContain('value="nobody"');
    expect(unknown.text).not.toContain('nope-1234');
  });

  test('when the password is wrong six times, then the ID is locked and the right password is refused', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    for (let i = 0; i < 6; i += 1) {
      expect((await client.submit('/login', '/login', { loginId: user.loginId, password: 'wrong-pass-1' })).status).toBe(401);
    }
    const res = await client.submit('/login', '/login', { loginId: user.loginId, password: USER_PASSWORD });
    expect(res.status).toBe(401);
    expect(await ctx.deps.repos.locks.isLocked(user.id, 'login')).toBe(true);
    expect(await auditEvents(ctx.deps, 'lock')).toHaveLength(1);
  });

  test('when the bank configures another threshold, then the login message states that count', async () => {
    const four = await createTestContext({ LOCKOUT_THRESHOLD: '4' });
    const { admin } = await givenContract(four.deps);
    const res = await new FormClient(four.app).submit('/login', '/login', { loginId: admin.loginId, password: 'Wrong-Pass-9' });
    expect(res.text).toContain('4回続けて誤るとロックされます。');
  });

  test('when five wrong passwords are followed by the right one, then the count starts again', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    for (let i = 0; i < 5; i += 1) await client.submit('/login', '/login', { loginId: user.loginId, password: 'wrong-pass-1' });
    expect((await client.login(user.loginId, USER_PASSWORD)).status).toBe(303);
    expect((await ctx.deps.repos.locks.get(user.id, 'login')).failures).toBe(0);
  });

  test('when the form is posted without a CSRF token, then it is refused with 403 and nobody logs in', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.get('/login');
    const res = await client.agent.post('/login').type('form').send({ loginId: admin.loginId, password: ADMIN_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.text).toContain('お問い合わせ番号');
    expect(await auditEvents(ctx.deps, 'login')).toHaveLength(0);
  });

  test('when the audit entry of a wrong password cannot be written, then the failure is not counted either', async () => {
    const { admin } = await givenContract(ctx.deps);
    const removeTrigger = await refuseFailureAudits(ctx.storage);
    const client = new FormClient(ctx.app);

    try {
      const res = await client.login(admin.loginId, 'Wrong-Pass-9');

      expect(res.status).toBe(500);
      expect(res.text).toContain('お問い合わせ番号');
      expect((await ctx.deps.repos.locks.get(admin.id, 'login')).failures).toBe(0);
    } finally {
      await removeTrigger();
    }
  });

  test('when the session is idle for longer than 15 minutes, then the user is logged out', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);
    ctx.clock.advance(14 * 60_000);
    expect((await client.get('/')).status).toBe(200);
    ctx.clock.advance(15 * 60_000 + 1);
    const res = await client.get('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?timeout=1');
    const page = await client.get(res.headers.location as string);
    expect(page.text).toContain('一定時間操作がなかったため、ログアウトしました。');
  });

  test('when a session has been used for more than 12 hours, then it ends even while active', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);
    for (let minutes = 0; minutes < 12 * 60; minutes += 10) {
      ctx.clock.advance(10 * 60_000);
      expect((await client.get('/')).status).toBe(200);
    }
    ctx.clock.advance(10 * 60_000);
    const res = await client.get('/');
    expect(res.headers.location).toBe('/login?timeout=1');
  });

  test('when the user logs out, then the menu needs a new login', async () => {
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);
    await client.get('/');
    const out = await client.post('/logout', {});
    expect(out.status).toBe(303);
    expect((await client.get('/')).headers.location).toBe('/login');
    expect(await auditEvents(ctx.deps, 'logout')).toHaveLength(1);
  });
});

/**
 * A trigger that refuses every failure's audit entry, in each engine's own
 * trigger language; returns what drops it (a PostgreSQL test schema is emptied
 * and reused, not dropped, so a trigger would outlive the test).
 */
async function refuseFailureAudits(storage: Storage): Promise<() => Promise<void>> {
  if (storage.dialect.engine === 'sqlite') {
    await storage.run(`CREATE TRIGGER no_failure_audit BEFORE INSERT ON audit_log WHEN NEW.outcome = 'failure'
      BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END`);
    return async () => void (await storage.run('DROP TRIGGER no_failure_audit'));
  }
  await storage.run(`CREATE FUNCTION no_failure_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.outcome = 'failure' THEN RAISE EXCEPTION 'audit unavailable'; END IF; RETURN NEW; END $$`);
  await storage.run('CREATE TRIGGER no_failure_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION no_failure_audit()');
  return async () => void (await storage.run('DROP FUNCTION no_failure_audit() CASCADE'));
}
