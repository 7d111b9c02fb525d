import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestContext, secondNode, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { scalar } from '../../helpers/engine';
import { ADMIN_PASSWORD, givenContract, givenStaff, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken, type TestToken } from '../../helpers/otp';
import { readPage } from '../../helpers/page';

/**
 * The rate limits are counted in the database (issue 12, item 2): two app
 * nodes on one database spend one count per user (or per client address, for
 * login), so a client cannot multiply its limit by the number of nodes
 * behind the load balancer. Each node here is a whole app with its own
 * limiters, connections and fake clock, on one database (a shared SQLite
 * file, or one PostgreSQL schema under npm run test:pg).
 */
describe('rate limits shared by two nodes on one database (DESIGN §6, issue 12)', () => {
  let dir: string;
  let a: TestContext;
  let b: TestContext;
  const startBoth = async (env: Record<string, string>) => {
    a = await createTestContext(env, path.join(dir, 'shared.db'));
    b = secondNode(a);
  };
  const advanceBoth = (ms: number) => [a, b].forEach((node) => node.clock.advance(ms));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-ratelimit-'));
  });
  afterEach(async () => {
    await Promise.all([a.storage.close(), b.storage.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The administrator with a token, signed in on both nodes, a draft open on each: where a code is posted. */
  async function adminOnBothNodes(): Promise<{ adminId: number; token: TestToken; on: { path: string; client: FormClient }[] }> {
    const { company, admin } = await givenContract(a.deps);
    const token = await givenToken(a);
    await givenRegistered(a.deps, company.id, 'individual', [{ userId: admin.id, token }]);
    const on = [];
    for (const node of [a, b]) {
      const client = new FormClient(node.app);
      await client.login(admin.loginId, ADMIN_PASSWORD);
      const drafted = await client.submit('/transfers/new', '/transfers', VALID_TRANSFER_FORM);
      on.push({ path: drafted.headers.location as string, client });
    }
    return { adminId: admin.id, token, on };
  }

  test('when two codes are posted on node 1 and one on node 2, then the next on either node is refused with 429 and the Japanese page', async () => {
    await startBoth({ OTP_RATE_LIMIT: '3' });
    const { adminId, token, on } = await adminOnBothNodes();
    const [one, two] = on as [{ path: string; client: FormClient }, { path: string; client: FormClient }];
    const wrong = token.code() === '000000' ? '111111' : '000000';
    await one.client.submit(one.path, one.path, { otp: wrong });
    await one.client.submit(one.path, one.path, { otp: wrong });
    const third = await two.client.submit(two.path, two.path, { otp: wrong });

    const onTwo = await two.client.submit(two.path, two.path, { otp: token.code() });
    const onOne = await one.client.submit(one.path, one.path, { otp: token.code() });

    expect(third.status).toBe(400);
    for (const limited of [onTwo, onOne]) {
      expect(limited.status).toBe(429);
      expect(readPage(limited.text).text()).toContain('ワンタイムパスワードの入力が多すぎます。しばらくしてから再度お試しください。');
      expect(limited.headers['ratelimit-policy']).toMatch(/q=3; w=60/);
    }
    expect(await scalar(a.storage, "SELECT count(*) FROM transfers WHERE status = 'completed'")).toBe(0);
    expect(await scalar(b.storage, 'SELECT hits FROM rate_limits WHERE key = ?', [`otp:user:${adminId}`])).toBe(5);
  });

  test('when the minute has passed on the clock, then the spent count starts again and the right code is accepted on either node', async () => {
    await startBoth({ OTP_RATE_LIMIT: '3' });
    const { token, on } = await adminOnBothNodes();
    const [one, two] = on as [{ path: string; client: FormClient }, { path: string; client: FormClient }];
    const wrong = token.code() === '000000' ? '111111' : '000000';
    for (const { client, path: at } of [one, two, one]) await client.submit(at, at, { otp: wrong });
    expect((await two.client.submit(two.path, two.path, { otp: wrong })).status).toBe(429);

    advanceBoth(60_000);
    const accepted = await two.client.submit(two.path, two.path, { otp: token.code() });

    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toMatch(/^\/transfers\/\d+$/);
    expect(accepted.headers.ratelimit).toMatch(/r=2; t=60$/);
  });

  test('when wrong logins from one address are spread over both nodes, then the limit counts them together, and the console’s login apart', async () => {
    await startBoth({ LOGIN_RATE_LIMIT: '2' });
    const { admin } = await givenContract(a.deps);
    const staffId = await givenStaff(a.deps);
    const wrong = { loginId: admin.loginId, password: 'Wrong-Pass-9' };
    await new FormClient(a.app).submit('/login', '/login', wrong);
    await new FormClient(b.app).submit('/login', '/login', wrong);

    const limited = await new FormClient(a.app).submit('/login', '/login', { loginId: admin.loginId, password: ADMIN_PASSWORD });
    const console = await new FormClient(b.staffApp).submit('/staff/login', '/staff/login', { staffId, password: 'Wrong-Pass-9' });

    expect(limited.status).toBe(429);
    expect(readPage(limited.text).text()).toContain('ログインの試行が多すぎます。しばらくしてから再度お試しください。');
    expect(console.status).toBe(401);
  });
});
