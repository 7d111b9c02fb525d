import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, auditEvents, givenContract } from '../../helpers/fixtures';
import { fire } from '../../helpers/race';
import { PasswordHasher } from '../../../src/services/passwords';

describe('login under a flood (issue 5: bounded bcrypt queue)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  test('when bcrypt is busy and its queue is full, then a login is answered 503 at once and counts as no failure', async () => {
    const { admin } = await givenContract(ctx.deps);
    const hasher = new PasswordHasher(4, 1, 0); // one compare at a time, nobody may wait
    ctx.deps.hasher = hasher;
    // The first compare holds the one slot until the second login has come and gone, whatever the timing.
    let entered!: () => void;
    let release!: () => void;
    const inSlot = new Promise<void>((resolve) => (entered = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const run = hasher.slots.run.bind(hasher.slots);
    hasher.slots.run = <T>(task: () => Promise<T>) =>
      run(async () => {
        entered();
        await held;
        return task();
      });
    const first = new FormClient(ctx.app);
    const second = new FormClient(ctx.app);
    await first.get('/login');
    await second.get('/login');

    const firstAnswer = fire(first.post('/login', { loginId: admin.loginId, password: ADMIN_PASSWORD }));
    await inSlot;
    const b = await second.post('/login', { loginId: admin.loginId, password: ADMIN_PASSWORD });
    release();
    const a = await firstAnswer;

    expect([a.status, b.status].sort()).toEqual([303, 503]);
    const refused = a.status === 503 ? a : b;
    expect(refused.text).toContain('ただいま混み合っています。しばらくしてから再度お試しください。');
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.text).not.toMatch(/at .*\.ts:\d+/);
    expect((await auditEvents(ctx.deps, 'login')).map((e) => e.outcome)).toEqual(['success']);
    expect((await ctx.deps.repos.locks.get(admin.id, 'login')).failures).toBe(0);
    // The refused attempt gave its place back: nothing stays reserved (R15).
    expect(await scalar(ctx.storage, "SELECT pending FROM credential_locks WHERE user_id = ? AND kind = 'login'", [admin.id])).toBe(0);
  });
});
