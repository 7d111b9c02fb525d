import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, auditEvents, givenContract } from '../../helpers/fixtures';
import { PasswordHasher } from '../../../src/services/passwords';

describe('login under a flood (issue 5: bounded bcrypt queue)', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext();
  });

  test('when bcrypt is busy and its queue is full, then a login is answered 503 at once and counts as no failure', async () => {
    const { admin } = await givenContract(ctx.deps);
    ctx.deps.hasher = new PasswordHasher(4, 1, 0); // one compare at a time, nobody may wait
    const first = new FormClient(ctx.app);
    const second = new FormClient(ctx.app);
    await first.get('/login');
    await second.get('/login');

    const [a, b] = await Promise.all([
      first.post('/login', { loginId: admin.loginId, password: ADMIN_PASSWORD }),
      second.post('/login', { loginId: admin.loginId, password: ADMIN_PASSWORD }),
    ]);

    expect([a.status, b.status].sort()).toEqual([303, 503]);
    const refused = a.status === 503 ? a : b;
    expect(refused.text).toContain('ただいま混み合っています。しばらくしてから再度お試しください。');
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.text).not.toMatch(/at .*\.ts:\d+/);
    expect((await auditEvents(ctx.deps, 'login')).map((e) => e.outcome)).toEqual(['success']);
    expect((await ctx.deps.repos.locks.get(admin.id, 'login')).failures).toBe(0);
    // The refused attempt gave its place back: nothing stays reserved (R15).
    expect(ctx.db.prepare("SELECT pending FROM credential_locks WHERE user_id = ? AND kind = 'login'").pluck().get(admin.id)).toBe(0);
  });
});
