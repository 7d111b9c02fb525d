import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { createLogger } from '../../src/logger';
import { PostgresStorage } from '../../src/storage/postgres';
import type { TestContext } from '../helpers/app';
import { TRANSFER_PASSWORD, USER_PASSWORD, VALID_TRANSFER_FORM, givenContract, givenUser } from '../helpers/fixtures';
import { NodeClient, createNodesDatabase, startNode, type AppNode } from '../helpers/nodes';
import { givenRegistered, givenToken, type TestToken } from '../helpers/otp';

/**
 * Two app nodes on one PostgreSQL (issue 12, item 5): two processes of the
 * built service, as behind a load balancer without sticky sessions, and a
 * browser whose requests land on either. Every invariant must hold by the
 * database alone: nothing is shared between the processes but its rows.
 */
jest.setTimeout(60_000);

const SECRETS = { SECRET_KEY: randomBytes(32).toString('base64'), SESSION_SECRET: randomBytes(32).toString('base64') };
const SETTINGS = { BCRYPT_COST: '4', LOG_LEVEL: 'warn', MAIL_DISABLED: 'true', DEMO: '0', LOGIN_RATE_LIMIT: '1000', OTP_RATE_LIMIT: '1000', APPROVAL_RATE_LIMIT: '1000' };
const systemClock: Clock = { now: () => Date.now() };

describe('two app nodes on one PostgreSQL behave as one service', () => {
  let url: string;
  let storage: PostgresStorage;
  let deps: Deps;
  let nodes: [AppNode, AppNode];
  /** The fixtures' view of the world: the real clock, as the nodes have. */
  let ctx: TestContext;

  beforeAll(async () => {
    url = await createNodesDatabase('two_nodes');
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, ...SECRETS, ...SETTINGS });
    storage = new PostgresStorage({ connectionString: url, poolSize: 4 });
    deps = createDeps(config, storage, systemClock, createLogger('silent'));
    ctx = { deps, clock: systemClock } as unknown as TestContext;
    const env = { NODE_ENV: 'development', DATABASE_URL: url, ...SECRETS, ...SETTINGS };
    nodes = [await startNode(env), await startNode(env)];
  });

  afterAll(async () => {
    if (process.env.SHOW_NODE_OUTPUT) for (const n of nodes ?? []) console.log(n?.output());
    await Promise.all((nodes ?? []).map((n) => n?.stop()));
    await storage?.close();
  });

  const node = (i: number): string => nodes[i % 2]!.base;

  /** A company in 利用形態 A with OTP started, and a 利用者 with 都度振込 and a registered token. */
  async function otpUser(balance = 1_000_000): Promise<{ companyId: number; loginId: string; userId: number; token: TestToken }> {
    const { company, admin } = await givenContract(deps, { balance });
    const user = await givenUser(deps, company.id);
    const [adminToken, token] = [await givenToken(ctx), await givenToken(ctx)];
    await givenRegistered(deps, company.id, 'individual', [{ userId: admin.id, token: adminToken }, { userId: user.id, token }]);
    return { companyId: company.id, loginId: user.loginId, userId: user.id, token };
  }

  /** 都度振込 入力 → 次へ on the given node: the draft's id. */
  async function draftOn(client: NodeClient, base: string): Promise<number> {
    await client.get(base, '/transfers/new');
    const res = await client.post(base, '/transfers', VALID_TRANSFER_FORM);
    const id = /^\/transfers\/(\d+)\/confirm$/.exec(res.location ?? '')?.[1];
    if (res.status !== 303 || !id) throw new Error(`draft refused: ${res.status} ${res.location}`);
    return Number(id);
  }

  const completed = async (companyId: number) =>
    (await storage.get<{ n: number }>("SELECT count(*) AS n FROM transfers WHERE company_id = ? AND status = 'completed'", [companyId]))!.n;
  const balance = async (companyId: number) => (await storage.get<{ balance: number }>('SELECT balance FROM companies WHERE id = ?', [companyId]))!.balance;

  test('when a user signs in on node 1, then the same session works on node 2 (and a sign-out on node 2 ends it on node 1)', async () => {
    const { loginId } = await otpUser();
    const client = new NodeClient();
    const login = await client.login(node(0), loginId, USER_PASSWORD);
    expect(login).toMatchObject({ status: 303, location: '/' });

    const menu = await client.get(node(1), '/');
    expect(menu.status).toBe(200);
    expect(menu.text).toContain('メニュー');

    const copied = client.cookieHeader()!;
    await client.post(node(1), '/logout', {});
    const after = await client.get(node(0), '/');
    expect(after.status).toBe(303);
    expect(after.location).toMatch(/\/login/);
    // Not only the browser forgot it: the session cookie from before the sign-out is refused on node 1 too.
    const replayed = await fetch(`${node(0)}/`, { headers: { cookie: copied }, redirect: 'manual' });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/\/login/);
  });

  test('when one code is posted for eight drafts spread over both nodes at once, then exactly one transfer is executed', async () => {
    const { companyId, loginId, token } = await otpUser();
    const client = new NodeClient();
    await client.login(node(0), loginId, USER_PASSWORD);
    const drafts: number[] = [];
    for (let i = 0; i < 8; i += 1) drafts.push(await draftOn(client, node(i)));
    await client.get(node(0), `/transfers/${drafts[0]}/confirm`);
    const opening = await balance(companyId);

    const code = token.code();
    const answers = await Promise.all(drafts.map((id, i) => client.post(node(i), `/transfers/${id}/confirm`, { otp: code })));

    const accepted = answers.filter((a) => a.status === 303 && /^\/transfers\/\d+$/.test(a.location ?? ''));
    expect(accepted).toHaveLength(1);
    expect(answers.filter((a) => a.status >= 500)).toHaveLength(0);
    expect(await completed(companyId)).toBe(1);
    const fee = (await storage.get<{ fee: number }>("SELECT fee FROM transfers WHERE company_id = ? AND status = 'completed'", [companyId]))!.fee;
    expect(await balance(companyId)).toBe(opening - Number(VALID_TRANSFER_FORM.amount) - fee);
  });

  test('when twenty wrong codes arrive at once across both nodes, then the user is locked at exactly the threshold and the right code is refused', async () => {
    const { companyId, loginId, userId, token } = await otpUser();
    const client = new NodeClient();
    await client.login(node(0), loginId, USER_PASSWORD);
    const id = await draftOn(client, node(0));
    await client.get(node(1), `/transfers/${id}/confirm`);

    // Codes of steps far from now: wrong for the ±1 window and for the resync window alike.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => client.post(node(i), `/transfers/${id}/confirm`, { otp: token.codeAtOffset(40 + i) })));
    expect(answers.filter((a) => a.status >= 500).map((a) => `${a.status} ${a.text.slice(0, 300)}`)).toEqual([]);

    const lock = await storage.get<{ failures: number; locked: number }>(
      "SELECT failures, CASE WHEN locked_at IS NULL THEN 0 ELSE 1 END AS locked FROM credential_locks WHERE user_id = ? AND kind = 'otp'", [userId]);
    expect(lock).toEqual({ failures: 6, locked: 1 });

    const right = await client.post(node(1), `/transfers/${id}/confirm`, { otp: token.code() });
    expect(right.status).not.toBe(303);
    expect(await completed(companyId)).toBe(0);
  });

  test('when sixteen confirmations of one draft arrive at once across both nodes, then it is executed and debited once', async () => {
    // Without OTP: 送信確認パスワード, the same right secret sixteen times.
    const { company } = await givenContract(deps, { balance: 1_000_000 });
    const user = await givenUser(deps, company.id);
    const client = new NodeClient();
    await client.login(node(1), user.loginId, USER_PASSWORD);
    const id = await draftOn(client, node(1));
    await client.get(node(0), `/transfers/${id}/confirm`);
    const opening = await balance(company.id);

    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => client.post(node(i), `/transfers/${id}/confirm`, { transferPassword: TRANSFER_PASSWORD })));

    // A confirmation that finds the draft already executed shows its receipt too (PRG, a double click). One that
    // arrives while six compares of the same 送信確認パスワード are in flight is refused unchecked with the lock
    // page (403; R15: never more than the threshold compared at once). Nothing else, whatever the order, and only
    // one of them executed it.
    expect(answers.filter((a) => a.status !== 303 && a.status !== 403)).toEqual([]);
    expect(answers.filter((a) => a.status === 303 && a.location === `/transfers/${id}`).length).toBeGreaterThanOrEqual(1);
    expect(await completed(company.id)).toBe(1);
    const executed = await storage.get<{ n: number }>(
      "SELECT count(*) AS n FROM audit_log WHERE company_id = ? AND event = 'transfer.confirm' AND outcome = 'success'", [company.id]);
    expect(executed!.n).toBe(1);
    const { fee } = (await storage.get<{ fee: number }>('SELECT fee FROM transfers WHERE id = ?', [id]))!;
    expect(await balance(company.id)).toBe(opening - Number(VALID_TRANSFER_FORM.amount) - fee);
    const receipts = await storage.all<{ receipt: string }>('SELECT receipt_number AS receipt FROM transfers WHERE receipt_number IS NOT NULL');
    expect(new Set(receipts.map((r) => r.receipt)).size).toBe(receipts.length);
  });
});
