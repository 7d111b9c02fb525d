import request from 'supertest';
import type { Response } from 'supertest';
import { createTestContext, type TestContext } from '../helpers/app';
import { csrfTokenOf } from '../helpers/client';
import { auditEvents, givenContract } from '../helpers/fixtures';

/**
 * TRUST_PROXY takes a hop count or the proxies' addresses, never "anyone"
 * (issue 10): the login rate limit and the audit log see the address the
 * trusted hops vouch for, not the one a client wrote into X-Forwarded-For.
 * supertest connects from loopback, so it plays the proxy when loopback is
 * trusted (one hop) and a direct client otherwise.
 */
describe('client addresses behind proxies (TRUST_PROXY)', () => {
  /** Posts a wrong login as a client whose request carries the given X-Forwarded-For. */
  async function wrongLogin(ctx: TestContext, loginId: string, forwardedFor: string): Promise<Response> {
    const agent = request.agent(ctx.app);
    const page = await agent.get('/login').set('X-Forwarded-For', forwardedFor);
    return agent.post('/login').set('X-Forwarded-For', forwardedFor).type('form')
      .send({ _csrf: csrfTokenOf(page.text)!, loginId, password: 'Wrong-Pass-9' });
  }

  const lastLoginAddress = async (ctx: TestContext): Promise<string | null> => (await auditEvents(ctx.deps, 'login'))[0]!.clientIp;

  test('when no proxy is trusted and a client sends X-Forwarded-For, then the audit records the connection’s own address', async () => {
    const ctx = await createTestContext();
    const { admin } = await givenContract(ctx.deps);

    await wrongLogin(ctx, admin.loginId, '203.0.113.66');

    expect(await lastLoginAddress(ctx)).toMatch(/127\.0\.0\.1$/);
  });

  test('when one proxy hop is trusted and the client spoofed the header, then the audit records the address the proxy appended', async () => {
    const ctx = await createTestContext({ TRUST_PROXY: '1' });
    const { admin } = await givenContract(ctx.deps);

    // The client wrote 203.0.113.66; the real proxy appended the address it saw.
    await wrongLogin(ctx, admin.loginId, '203.0.113.66, 198.51.100.7');

    expect(await lastLoginAddress(ctx)).toBe('198.51.100.7');
  });

  test('when the trusted proxy is another host, then a header sent straight to the service is ignored', async () => {
    const ctx = await createTestContext({ TRUST_PROXY: '10.0.0.5' });
    const { admin } = await givenContract(ctx.deps);

    await wrongLogin(ctx, admin.loginId, '203.0.113.66, 198.51.100.7');

    expect(await lastLoginAddress(ctx)).toMatch(/127\.0\.0\.1$/);
  });

  test('when a client spoofs a new address on every login behind one trusted hop, then the login rate limit still fires', async () => {
    const ctx = await createTestContext({ TRUST_PROXY: 'loopback', LOGIN_RATE_LIMIT: '3' });
    const { admin } = await givenContract(ctx.deps);

    const statuses: number[] = [];
    for (let i = 1; i <= 5; i += 1) statuses.push((await wrongLogin(ctx, admin.loginId, `203.0.113.${i}, 198.51.100.7`)).status);

    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
