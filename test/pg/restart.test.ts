import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config';
import { createDeps, type Deps } from '../../src/deps';
import { createLogger } from '../../src/logger';
import { PostgresStorage } from '../../src/storage/postgres';
import { USER_PASSWORD, VALID_TRANSFER_FORM, TRANSFER_PASSWORD, givenContract, givenUser } from '../helpers/fixtures';
import { NodeClient, createNodesDatabase, startNode, type AppNode, type HttpAnswer } from '../helpers/nodes';

/**
 * PostgreSQL restarted under load (issue 12, item 4): `pg_ctl restart -m
 * fast` while two nodes confirm transfers. The nodes must recover by
 * themselves; every confirmation answered with its receipt is in the
 * database once; nothing is debited twice; what arrives during the outage
 * gets the 503 page; /healthz says 503 while the database is down and 200
 * after. The figures are printed for the closing note.
 */
jest.setTimeout(120_000);

const SECRETS = { SECRET_KEY: randomBytes(32).toString('base64'), SESSION_SECRET: randomBytes(32).toString('base64') };
const SETTINGS = { BCRYPT_COST: '4', LOG_LEVEL: 'warn', MAIL_DISABLED: 'true', DEMO: '0', LOGIN_RATE_LIMIT: '100000', OTP_RATE_LIMIT: '100000', APPROVAL_RATE_LIMIT: '100000' };
const run = promisify(execFile);

async function restartPostgres(): Promise<void> {
  const { PG_BIN, PGDATA, PGHOST, PG_CLUSTER_OWNER } = process.env;
  if (!PG_BIN || !PGDATA || !PGHOST) throw new Error('PG_BIN/PGDATA/PGHOST are not set: run through npm run test:pg');
  const pgCtl = [path.join(PG_BIN, 'pg_ctl'), '-D', PGDATA, '-l', path.join(PGHOST, 'server.log'), '-m', 'fast', '-w', '-t', '30', 'restart'];
  const asOwner = process.getuid?.() === 0 && PG_CLUSTER_OWNER && PG_CLUSTER_OWNER !== 'root';
  const [command, ...args] = asOwner ? ['runuser', '-u', PG_CLUSTER_OWNER, '--', ...pgCtl] : pgCtl;
  await run(command!, args);
}

describe('PostgreSQL restarted during a load of confirmations', () => {
  let storage: PostgresStorage;
  let deps: Deps;
  let nodes: AppNode[] = [];

  beforeAll(async () => {
    const url = await createNodesDatabase('restart');
    storage = new PostgresStorage({ connectionString: url, poolSize: 2 });
    deps = createDeps(loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, ...SECRETS, ...SETTINGS }), storage, { now: () => Date.now() }, createLogger('silent'));
    const env = { NODE_ENV: 'development', DATABASE_URL: url, DATABASE_STATEMENT_TIMEOUT_MS: '2000', ...SECRETS, ...SETTINGS };
    nodes = [await startNode(env), await startNode(env)];
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await storage?.close();
  });

  test('when the database restarts, then the nodes recover within seconds, every receipt is in the ledger once and nothing is debited twice', async () => {
    const { company } = await givenContract(deps, { balance: 100_000_000 });
    const user = await givenUser(deps, company.id);
    const client = new NodeClient();
    expect((await client.login(nodes[0]!.base, user.loginId, USER_PASSWORD)).status).toBe(303);
    const drafts: number[] = [];
    for (let i = 0; i < 400; i += 1) {
      await client.get(nodes[i % 2]!.base, '/transfers/new');
      const res = await client.post(nodes[i % 2]!.base, '/transfers', VALID_TRANSFER_FORM);
      drafts.push(Number(/(\d+)\/confirm$/.exec(res.location!)![1]));
    }
    const opening = (await storage.get<{ balance: number }>('SELECT balance FROM companies WHERE id = ?', [company.id]))!.balance;

    // The load: four confirmations at a time, alternately on each node, each for its own draft.
    const answers: { id: number; at: number; answer: HttpAnswer | { status: 0; location: null; text: string } }[] = [];
    let loading = true;
    // A confirmation answered 503 is tried again later, as its customer would: the drafts last through the outage.
    const queue = [...drafts];
    const worker = async (w: number) => {
      while (loading && queue.length > 0) {
        const id = queue.shift()!;
        const answer = await client
          .post(nodes[(w + id) % 2]!.base, `/transfers/${id}/confirm`, { transferPassword: TRANSFER_PASSWORD })
          .catch((err: Error) => ({ status: 0 as const, location: null, text: err.message }));
        answers.push({ id, at: Date.now(), answer });
        if (answer.status === 503) {
          queue.push(id);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const health: { at: number; status: number }[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const status = await fetch(`${nodes[1]!.base}/healthz`).then((r) => r.status, () => 0);
        health.push({ at: Date.now(), status });
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const load = Promise.all([0, 1, 2, 3].map(worker));

    await new Promise((r) => setTimeout(r, 1_000));
    const restartAt = Date.now();
    await restartPostgres();
    const upAt = Date.now();
    // Load goes on until a confirmation after the restart succeeded, and a little more.
    const deadline = upAt + 20_000;
    while (!answers.some((a) => a.at > upAt && a.answer.status === 303) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    loading = false;
    await load;
    probing = false;
    await probe;

    const firstSuccessAfter = answers.find((a) => a.at > upAt && a.answer.status === 303)?.at;
    const statuses = answers.reduce<Record<string, number>>((m, a) => ({ ...m, [a.answer.status]: (m[a.answer.status] ?? 0) + 1 }), {});
    const healthDown = health.filter((h) => h.status === 503);
    console.log(JSON.stringify({
      confirmations: answers.length, statuses, restartMs: upAt - restartAt,
      recoveredMsAfterRestart: firstSuccessAfter === undefined ? null : firstSuccessAfter - upAt,
      healthz503: healthDown.length, healthzLastStatus: health.at(-1)?.status,
    }));

    // Recovery by themselves, within seconds.
    expect(firstSuccessAfter).toBeDefined();
    expect(firstSuccessAfter! - upAt).toBeLessThan(10_000);
    // During the outage: the 503 page, never a 500 or a dropped answer.
    expect(Object.keys(statuses).sort()).toEqual(expect.arrayContaining(['303']));
    // Anything else is shown with what the client saw and when (ms after PostgreSQL was back).
    const dropped = answers.filter((a) => a.answer.status !== 303 && a.answer.status !== 503);
    expect(dropped.map((a) => ({ status: a.answer.status, atMsAfterUp: a.at - upAt, text: a.answer.text.slice(0, 200) }))).toEqual([]);
    for (const a of answers.filter((x) => x.answer.status === 503)) expect(a.answer.text).toContain('ただいまご利用いただけません');
    expect(healthDown.length).toBeGreaterThan(0);
    expect(health.at(-1)?.status).toBe(200);

    // The ledger: every receipt answered is a completed transfer, once; the balance is the opening minus what completed.
    const rows = await storage.all<{ id: number; status: string; amount: number; fee: number; receipt: string | null }>(
      'SELECT id, status, amount, fee, receipt_number AS receipt FROM transfers WHERE company_id = ?', [company.id]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const a of answers.filter((x) => x.answer.status === 303)) {
      expect(a.answer.location).toBe(`/transfers/${a.id}`);
      expect(byId.get(a.id)?.status).toBe('completed');
    }
    const done = rows.filter((r) => r.status === 'completed');
    expect(new Set(done.map((r) => r.receipt)).size).toBe(done.length);
    const closing = (await storage.get<{ balance: number }>('SELECT balance FROM companies WHERE id = ?', [company.id]))!.balance;
    expect(closing).toBe(opening - done.reduce((sum, r) => sum + r.amount + r.fee, 0));
    const audited = (await storage.get<{ n: number }>(
      "SELECT count(*) AS n FROM audit_log WHERE company_id = ? AND event = 'transfer.confirm' AND outcome = 'success'", [company.id]))!.n;
    expect(audited).toBe(done.length);
  });
});
