import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSmtpSink } from './smtpSink';
import { load, type LoadResult } from './load';
import { planFrom, type Flow } from './plan';
import { activitySince, copyFromSqlite, loggedErrors, pgActivity, startCluster, statementsReset, topStatements, type PgCluster } from './postgres';
import { topSelfTime } from './profile';
import { summarize, printTable, type RoundFigures } from './report';
import { baselineShot, runRound, warmUp, type Stage } from './rounds';
import { confirmShots, loginShots, menuShots } from './scenarios';
import { makeSecrets, seedDatabase, type Fixture } from './seed';
import { appEnvFor, freePort, migrateApp, startServer, type ServerHandle } from './servers';
import { checkLedger, type LedgerSource } from './verify';

/**
 * npm run bench [-- --quick | --rounds N | --profile menu|confirm|login] [--db postgres]: the
 * service against the stack's own limit, in one run on one machine (issue 5).
 * Every figure that matters is a ratio of two measurements taken side by side,
 * the scenarios interleaved round by round, because one core's speed here
 * moves by up to 1.5× from minute to minute.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const plan = planFrom(process.argv);

/** Server on core 0, load generator (this process) on the last core, when the machine and taskset allow. */
function pinCores(): { serverCpus: string | null; serverCores: number; cores: number; note: string } {
  const cpus = os.availableParallelism();
  try {
    if (cpus < 2) throw new Error('one core');
    execFileSync('taskset', ['-pc', String(cpus - 1), String(process.pid)], { stdio: 'ignore' });
    return { serverCpus: '0', serverCores: 1, cores: cpus, note: `server on core 0, load generator on core ${cpus - 1}` };
  } catch {
    return { serverCpus: null, serverCores: cpus, cores: cpus, note: `not pinned (${cpus} core(s) shared, taskset unavailable or one core)` };
  }
}

/** The app's pool (DATABASE_POOL_SIZE, the service's default unless set for the run), also the commit bound's. */
const PG_POOL_SIZE = process.env.DATABASE_POOL_SIZE ?? '10';

// --db postgres: the throwaway cluster, stopped and removed however the run ends.
let cluster: PgCluster | undefined;
const stopCluster = (): void => {
  if (cluster) {
    const errors = loggedErrors(cluster);
    if (errors.length > 0) console.log(`PostgreSQL logged ${errors.reduce((n, e) => n + e.count, 0)} statement errors:`);
    for (const e of errors.slice(0, 12)) console.log(`  ${String(e.count).padStart(6)}  ${e.error}  — ${e.statement}`);
  }
  cluster?.stop();
  cluster = undefined;
};

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** One flow alone for 10 s under the CPU profiler; bench/results/<flow>.cpuprofile opens in speedscope or DevTools. */
async function profile(stage: Stage, flow: Flow, pgUrl?: string): Promise<void> {
  const file = path.join(ROOT, 'bench', 'results', `${flow}.cpuprofile`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (pgUrl) await statementsReset(pgUrl);
  const before = pgUrl ? await pgActivity(pgUrl) : undefined;
  await stage.app.profileStart();
  const connections = flow === 'login' ? 8 : plan.connections;
  const result = await load({ base: stage.app.base, connections, durationS: 10, next: stage.shots[flow] });
  await stage.app.profileStop(file);
  console.log(`${flow}: ${result.rps.toFixed(0)} rps under the profiler, ${result.unexpected} unexpected; profile ${file}`);
  console.log(topSelfTime(file).join('\n'));
  if (pgUrl && before) {
    // What each request cost the database: statements (pg_stat_statements), transactions, rollbacks, WAL flushes.
    const done = result.okShots.length || 1;
    const act = activitySince(before, await pgActivity(pgUrl));
    const statements = await topStatements(pgUrl, 40);
    const total = statements.reduce((n, st) => n + st.calls, 0);
    console.log(`PostgreSQL during the ${flow} window, per ${flow} answered as expected (${done}): ` +
      `${(total / done).toFixed(1)} statements, ${(act.commits / done).toFixed(2)} commits, ${(act.rollbacks / done).toFixed(3)} rollbacks, ` +
      `${(act.walSyncs / done).toFixed(2)} WAL syncs (${(act.walSyncMs / Math.max(1, act.walSyncs)).toFixed(2)} ms each); deadlocks ${act.deadlocks}`);
    for (const st of statements) console.log(`  ${(st.calls / done).toFixed(2).padStart(6)} × ${(st.totalMs / st.calls).toFixed(3)} ms  ${st.query.slice(0, 150)}`);
  }
}

/** One flow alone for 10 s after 10 s of the baseline, three times: a before/after check of one change, no ledger read. */
async function alone(stage: Stage, flow: Flow): Promise<void> {
  const connections = flow === 'login' ? 8 : plan.connections;
  for (let i = 1; i <= 3; i += 1) {
    const base = await load({ base: stage.baseline.base, connections: plan.connections, durationS: 10, next: baselineShot });
    const result = await load({ base: stage.app.base, connections, durationS: 10, next: stage.shots[flow] });
    console.log(`${i}/3: baseline ${base.rps.toFixed(0)} rps, ${flow} ${result.rps.toFixed(0)} rps, ratio ${(result.rps / base.rps).toFixed(3)}, unexpected ${result.unexpected}`);
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const pin = pinCores();
  const bcryptCost = Number(process.env.BCRYPT_COST ?? 12);
  if (bcryptCost < 10) throw new Error('the login target needs BCRYPT_COST ≥ 10');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-bench-'));
  // --db postgres: the app's database in a throwaway cluster, its processes on the server's core(s) like the app.
  if (plan.db === 'postgres') {
    cluster = startCluster({ cpus: pin.serverCpus, pgStatStatements: Boolean(plan.profile) });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        stopCluster();
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
    }
    for (const name of ['webfb_large', 'webfb_small', 'webfb_commit']) await cluster.createDatabase(name);
  }
  const pgUrl = (size: 'large' | 'small'): string | undefined => cluster?.url(`webfb_${size}`);
  const engine = cluster ? `${cluster.version}, pool ${PG_POOL_SIZE} (fsync=on, synchronous_commit=on)` : 'SQLite (WAL, synchronous=FULL, group commit)';
  const secrets = makeSecrets(bcryptCost);
  // Production sends its notices over SMTP: to a sink here, so their outbox rows and deliveries are measured.
  const smtp = await startSmtpSink();
  const appEnv = appEnvFor(secrets, smtp.url, PG_POOL_SIZE);

  const files = { large: path.join(work, 'large.db'), small: path.join(work, 'small.db'), fsync: path.join(work, 'fsync.db') };
  const seedStart = Date.now();
  const fixtures = {} as Record<'large' | 'small', Fixture>;
  let copyMs = 0;
  for (const size of ['large', 'small'] as const) {
    migrateApp(ROOT, files[size], appEnv(files[size], 0, 0));
    fixtures[size] = seedDatabase(files[size], plan[size], secrets, Date.now());
    const url = pgUrl(size);
    if (url) {
      // PostgreSQL gets the very rows SQLite was seeded with, into its own migrated schema.
      const copyStart = Date.now();
      migrateApp(ROOT, files[size], appEnv(files[size], 0, 0, url));
      const copied = await copyFromSqlite(files[size], url);
      copyMs += Date.now() - copyStart;
      console.log(`copied ${size} to PostgreSQL in ${((Date.now() - copyStart) / 1000).toFixed(1)} s: ${copied.rows} rows in ${copied.tables} tables`);
    }
  }
  const seedMs = Date.now() - seedStart;
  const { counts } = fixtures.large;
  console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s${cluster ? ` (the copy to PostgreSQL ${(copyMs / 1000).toFixed(1)} s)` : ''}: ` +
    `${counts.companies} companies, ${counts.users} users and tokens, ${counts.transfers} transfers, ${counts.audit} audit rows; ${pin.note}`);
  console.log(`app on ${engine}`);

  const servers: ServerHandle[] = [];
  const start = async (name: string, entry: string, env: Record<string, string>): Promise<ServerHandle> => {
    const handle = await startServer({ name, entry, env, cpus: pin.serverCpus, logDir: work });
    servers.push(handle);
    return handle;
  };
  const stopAll = async (): Promise<void> => {
    for (const s of servers.splice(0)) await s.stop();
  };
  try {
    const ports: number[] = [];
    while (ports.length < 7) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const app = path.join(ROOT, 'dist', 'server.js');
    const [large, small, baseline, fsyncBound, pgCommitBound] = await Promise.all([
      start('app', app, appEnv(files.large, ports[0]!, ports[1]!, pgUrl('large'))),
      start('app-small', app, appEnv(files.small, ports[2]!, ports[3]!, pgUrl('small'))),
      start('baseline', path.join(__dirname, 'baselineServer.js'), { NODE_ENV: 'production', PORT: String(ports[4]) }),
      start('fsync', path.join(__dirname, 'fsyncServer.js'), { NODE_ENV: 'production', PORT: String(ports[5]), DATABASE_FILE: files.fsync }),
      cluster
        ? start('pg-commit', path.join(__dirname, 'pgCommitServer.js'),
          { NODE_ENV: 'production', PORT: String(ports[6]), DATABASE_URL: cluster.url('webfb_commit'), DATABASE_POOL_SIZE: PG_POOL_SIZE })
        : undefined,
    ]);
    const memoryBefore = await large.report();
    const runStartedAt = Date.now();
    const stage: Stage = {
      plan, app: large, small, baseline, fsyncBound, ...(pgCommitBound ? { pgCommitBound } : {}),
      fixtures, serverCpus: pin.serverCpus, serverCores: pin.serverCores, bcryptCost,
      shots: { menu: menuShots(fixtures.large), confirm: confirmShots(fixtures.large), login: loginShots(fixtures.large, secrets.password) },
    };
    // The quick mode judges no figure and skips the warm-up.
    const warmConfirms = plan.quick ? [] : [await warmUp(stage)];
    if (plan.profile) {
      await profile(stage, plan.profile, pgUrl('large'));
      await stopAll();
      return;
    }
    if (plan.only) {
      await alone(stage, plan.only);
      await stopAll();
      return;
    }

    const activityBefore = cluster ? await pgActivity(pgUrl('large')!) : undefined;
    const rounds: RoundFigures[] = [];
    for (let r = 1; r <= plan.rounds; r += 1) {
      const round = await runRound(stage);
      rounds.push(round);
      console.log(`round ${r}/${plan.rounds}: baseline ${round.baseline.menu.rps.toFixed(0)} rps, menu ${round.menu.rps.toFixed(0)}, ` +
        `confirm ${round.confirm.rps.toFixed(0)}, fsync bound ${round.fsync.rps.toFixed(0)}, login ${round.login.rps.toFixed(1)} ` +
        `(bound ${round.loginBoundRps.toFixed(1)}), max loop delay ${round.maxEventLoopDelayMs.toFixed(1)} ms`);
    }
    const memoryAfter = await large.report();
    // Transactions the large database ran during the rounds; a serialization failure or deadlock ends in a rollback.
    const activity = activityBefore ? activitySince(activityBefore, await pgActivity(pgUrl('large')!)) : undefined;
    if (activity) {
      console.log(`PostgreSQL (large) during the rounds: ${activity.commits} commits, ${activity.rollbacks} rollbacks, ` +
        `${activity.deadlocks} deadlocks, ${activity.walSyncs} WAL syncs (${(activity.walSyncMs / Math.max(1, activity.walSyncs)).toFixed(2)} ms each)`);
    }
    console.log(`app memory before → after: rss ${mb(memoryBefore.rssBytes)} → ${mb(memoryAfter.rssBytes)} MiB, ` +
      `V8 heap ${mb(memoryBefore.heapTotalBytes)} → ${mb(memoryAfter.heapTotalBytes)} MiB, ` +
      `retained after a full GC ${mb(memoryBefore.retainedHeapBytes)} → ${mb(memoryAfter.retainedHeapBytes)} MiB`);
    // A graceful stop lets every request in flight finish before the ledger is read.
    await stopAll();
    console.log(`notices delivered to the SMTP sink during the run: ${smtp.received()}`);

    const keys = (results: LoadResult[], pick: 'okShots' | 'cutOff'): string[] => results.flatMap((l) => l[pick].map((shot) => shot.key!));
    const source: LedgerSource = cluster ? { engine: 'postgres', url: pgUrl('large')! } : { engine: 'sqlite', file: files.large };
    const ledger = await checkLedger(source, runStartedAt, {
      confirmed: keys([...warmConfirms, ...rounds.map((r) => r.confirm)], 'okShots'),
      confirmCutOff: keys([...warmConfirms, ...rounds.map((r) => r.confirm)], 'cutOff'),
      loggedIn: keys(rounds.map((r) => r.login), 'okShots'),
      loginCutOff: keys(rounds.map((r) => r.login), 'cutOff'),
    });
    const summary = summarize(rounds, { rssBefore: memoryBefore.rssBytes, rssAfter: memoryAfter.rssBytes, ledger, quick: plan.quick,
      machine: machineLine(pin.cores, pin.note), seedMs, counts, bcryptCost, seconds: (Date.now() - t0) / 1000,
      engine, db: plan.db, ...(activity && cluster ? { extra: { postgres: { copy_seconds: copyMs / 1000, pool_size: Number(PG_POOL_SIZE),
        during_rounds: activity, logged_errors: loggedErrors(cluster).slice(0, 20) } } } : {}) });
    printTable(summary);
    const out = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(out, { recursive: true });
    const { headline: _headline, ...json } = summary; // the headline figures are already its top-level keys
    // Each engine keeps its own latest figures: SQLite's latest.json is the one the README quotes.
    const name = plan.db === 'postgres' ? 'latest-postgres.json' : 'latest.json';
    fs.writeFileSync(path.join(out, name), `${JSON.stringify(json, null, 2)}\n`);
    console.log(`wrote bench/results/${name} (${summary.seconds.toFixed(0)} s)`);
    stopCluster();
    fs.rmSync(work, { recursive: true, force: true });
    if (summary.problems.length > 0) {
      console.error(`FAILED:\n  ${summary.problems.join('\n  ')}`);
      process.exitCode = 1;
    }
  } catch (err) {
    await stopAll();
    if (cluster) {
      // The cluster goes; its log stays beside the servers' logs.
      fs.copyFileSync(path.join(cluster.dir, 'server.log'), path.join(work, 'postgres.log'));
    }
    console.error(`logs kept in ${work}`);
    throw err;
  } finally {
    stopCluster();
    await smtp.stop();
  }
}

function machineLine(cores: number, pinNote: string): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cores} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; ${pinNote}`;
}

main().catch((err: unknown) => {
  stopCluster();
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
