import { spawn } from 'node:child_process';
import path from 'node:path';
import { customerWalk, type Observation, type WalkResult } from '../helpers/customerWalk';
import { findNginx, startPostgresBehindNginx, startSqliteDemo, type Setup } from '../helpers/readmeSetups';

/**
 * Issue 12's must-show: a black-box run against two nodes on one PostgreSQL,
 * started from the README's instructions alone, behaves exactly as one SQLite
 * node does. Both setups are started as the README says (test/helpers/
 * readmeSetups.ts), the same customer walks through both over HTTP alone
 * (test/helpers/customerWalk.ts) — behind nginx its requests alternate
 * between the nodes — and every page must say the same.
 */
jest.setTimeout(120_000);

const nginx = findNginx();
const describeWithNginx = nginx
  ? describe
  : (name: string, fn: () => void) => describe.skip(`${name} [skipped: Debian's nginx not found in PATH or /usr/sbin (apt-get install nginx)]`, fn);

/** Starts every setup, or stops those that did start and throws. */
async function startAll<T extends Setup[]>(...starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failed) {
    await Promise.all(started.map((s) => s.stop()));
    throw failed.reason;
  }
  return started as T;
}

const stepOf = (walk: WalkResult, name: string): Observation => {
  const found = walk.steps.find((s) => s.step === name);
  if (!found) throw new Error(`the walk has no step 「${name}」: ${walk.steps.map((s) => s.step).join(', ')}`);
  return found;
};

describeWithNginx('the README walked on one SQLite node and on two PostgreSQL nodes behind nginx (issue 12)', () => {
  let sqlite: Setup;
  let postgres: Setup;
  let walks: { sqlite: WalkResult; postgres: WalkResult };

  beforeAll(async () => {
    [sqlite, postgres] = await startAll<[Setup, Setup]>(startSqliteDemo(), startPostgresBehindNginx(nginx!));
    // The two setups share nothing, so the walks (each waits once for the phone's next code) run side by side.
    const [onSqlite, onPostgres] = await Promise.all([customerWalk(sqlite.base), customerWalk(postgres.base)]);
    walks = { sqlite: onSqlite, postgres: onPostgres };
  });

  afterAll(async () => {
    if (process.env.SHOW_NODE_OUTPUT) console.log(`${sqlite?.output()}\n${postgres?.output()}`);
    await Promise.all([sqlite?.stop(), postgres?.stop()]);
  });

  test('when the demo user transfers on one SQLite node, then the README’s story holds: receipt, balance, 振込履歴, single-use code, lock after six, logout', () => {
    const walk = walks.sqlite;
    expect(stepOf(walk, 'ログイン（demo-admin）')).toMatchObject({ status: 303, location: '/' });
    expect(stepOf(walk, '登録完了（demo-user1）')).toMatchObject({ status: 200, heading: '登録完了' });
    expect(stepOf(walk, 'メニュー（demo-user1）').text).toContain('残高 10,000,000円');
    expect(stepOf(walk, '振込内容確認（1件目）').text).toMatch(/みずほ.*東京営業部.*110円/);
    expect(stepOf(walk, '確定（誤ったコード）')).toMatchObject({ status: 400, alerts: ['ワンタイムパスワードが正しくありません。あと 5 回誤るとロックされます。'] });
    expect(stepOf(walk, '受付完了')).toMatchObject({ status: 200, heading: '受付完了' });
    expect(walk.receiptNumber).toMatch(/^\d{8}-\d{8}$/);
    expect(walk.receiptInHistory).toBe(true);
    expect(stepOf(walk, 'メニュー（振込の後）').text).toContain('残高 9,989,890円'); // 10,000 and the 110円 fee
    expect(stepOf(walk, '確定（使用済みのコード）').status).toBe(400);
    const wrong = walk.steps.filter((s) => s.step.startsWith('確定（誤ったコード ')).map((s) => s.alerts?.[0]);
    expect(wrong.at(-1)).toBe('ワンタイムパスワードがロックされています。管理者に「利用者管理」でのロック解除を依頼してください。');
    expect(stepOf(walk, 'ログアウト（demo-user1）')).toMatchObject({ status: 303, location: '/login' });
    expect(stepOf(walk, 'メニュー（demo-user1 のログアウト後）')).toMatchObject({ status: 303, location: '/login' });
  });

  test('when the same walk goes through nginx to two PostgreSQL nodes, then every page says what the SQLite node said', () => {
    expect(walks.postgres.steps).toEqual(walks.sqlite.steps);
    expect(walks.postgres.receiptNumber).toMatch(/^\d{8}-\d{8}$/);
    expect(walks.postgres.receiptInHistory).toBe(true);
  });

  test('when nginx balances round robin, then the customer’s session crosses nodes at almost every step', () => {
    const { upstreams } = walks.postgres;
    expect(new Set(upstreams).size).toBe(2);
    const switches = upstreams.filter((u, i) => i > 0 && u !== upstreams[i - 1]).length;
    expect(switches).toBeGreaterThanOrEqual(upstreams.length / 3);
  });
});

describe('a node started on PostgreSQL without the shared secrets (issue 12)', () => {
  test('when DATABASE_URL is set but SECRET_KEY and SESSION_SECRET are not, then the node exits at once with 1 and names both', async () => {
    const server = path.resolve(__dirname, '..', '..', 'dist', 'server.js');
    const child = spawn(process.execPath, [server], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'postgres://webfb@/webfb?host=/nonexistent', PORT: '0', STAFF_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('Refusing to start on PostgreSQL (DATABASE_URL) without SECRET_KEY and SESSION_SECRET.');
  });
});
