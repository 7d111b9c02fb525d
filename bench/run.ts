import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSmtpSink } from './smtpSink';
import { load, type LoadResult } from './load';
import { planFrom, type Flow } from './plan';
import { topSelfTime } from './profile';
import { summarize, printTable, type RoundFigures } from './report';
import { runRound, warmUp, type Stage } from './rounds';
import { confirmShots, loginShots, menuShots } from './scenarios';
import { makeSecrets, seedDatabase, type Fixture } from './seed';
import { freePort, startServer, type ServerHandle } from './servers';
import { checkLedger } from './verify';

/**
 * npm run bench [-- --quick | --rounds N | --profile menu|confirm|login]: the
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

function migrate(file: string, env: Record<string, string>): void {
  execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), 'migrate'], {
    env: { ...process.env, ...env, DATABASE_FILE: file },
    stdio: 'ignore',
  });
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** One flow alone for 10 s under the CPU profiler; bench/results/<flow>.cpuprofile opens in speedscope or DevTools. */
async function profile(stage: Stage, flow: Flow): Promise<void> {
  const file = path.join(ROOT, 'bench', 'results', `${flow}.cpuprofile`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await stage.app.profileStart();
  const connections = flow === 'login' ? 8 : plan.connections;
  const result = await load({ base: stage.app.base, connections, durationS: 10, next: stage.shots[flow] });
  await stage.app.profileStop(file);
  console.log(`${flow}: ${result.rps.toFixed(0)} rps under the profiler, ${result.unexpected} unexpected; profile ${file}`);
  console.log(topSelfTime(file).join('\n'));
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const pin = pinCores();
  const bcryptCost = Number(process.env.BCRYPT_COST ?? 12);
  if (bcryptCost < 10) throw new Error('the login target needs BCRYPT_COST ≥ 10');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-bench-'));
  const secrets = makeSecrets(bcryptCost);
  // Production sends its notices over SMTP: to a sink here, so their outbox rows and deliveries are measured.
  const smtp = await startSmtpSink();
  const appEnv = (file: string, port: number, staffPort: number): Record<string, string> => ({
    NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), STAFF_HOST: '127.0.0.1', STAFF_PORT: String(staffPort),
    DATABASE_FILE: file, SECRET_KEY: secrets.secretKey, SESSION_SECRET: secrets.sessionSecret, SMTP_URL: smtp.url,
    BCRYPT_COST: String(bcryptCost), LOGIN_RATE_LIMIT: '1000000', LOG_LEVEL: 'info',
  });

  const files = { large: path.join(work, 'large.db'), small: path.join(work, 'small.db'), fsync: path.join(work, 'fsync.db') };
  const seedStart = Date.now();
  const fixtures = {} as Record<'large' | 'small', Fixture>;
  for (const size of ['large', 'small'] as const) {
    migrate(files[size], appEnv(files[size], 0, 0));
    fixtures[size] = seedDatabase(files[size], plan[size], secrets, Date.now());
  }
  const seedMs = Date.now() - seedStart;
  const { counts } = fixtures.large;
  console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s: ${counts.companies} companies, ${counts.users} users and tokens, ` +
    `${counts.transfers} transfers, ${counts.audit} audit rows; ${pin.note}`);

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
    while (ports.length < 6) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const app = path.join(ROOT, 'dist', 'server.js');
    const [large, small, baseline, fsyncBound] = await Promise.all([
      start('app', app, appEnv(files.large, ports[0]!, ports[1]!)),
      start('app-small', app, appEnv(files.small, ports[2]!, ports[3]!)),
      start('baseline', path.join(__dirname, 'baselineServer.js'), { NODE_ENV: 'production', PORT: String(ports[4]) }),
      start('fsync', path.join(__dirname, 'fsyncServer.js'), { NODE_ENV: 'production', PORT: String(ports[5]), DATABASE_FILE: files.fsync }),
    ]);
    const memoryBefore = await large.report();
    const runStartedAt = Date.now();
    const stage: Stage = {
      plan, app: large, small, baseline, fsyncBound, fixtures, serverCpus: pin.serverCpus, serverCores: pin.serverCores, bcryptCost,
      shots: { menu: menuShots(fixtures.large), confirm: confirmShots(fixtures.large), login: loginShots(fixtures.large, secrets.password) },
    };
    // The quick mode judges no figure and skips the warm-up.
    if (!plan.quick) await warmUp(stage);
    if (plan.profile) {
      await profile(stage, plan.profile);
      await stopAll();
      return;
    }

    const rounds: RoundFigures[] = [];
    for (let r = 1; r <= plan.rounds; r += 1) {
      const round = await runRound(stage);
      rounds.push(round);
      console.log(`round ${r}/${plan.rounds}: baseline ${round.baseline.menu.rps.toFixed(0)} rps, menu ${round.menu.rps.toFixed(0)}, ` +
        `confirm ${round.confirm.rps.toFixed(0)}, fsync bound ${round.fsync.rps.toFixed(0)}, login ${round.login.rps.toFixed(1)} ` +
        `(bound ${round.loginBoundRps.toFixed(1)}), max loop delay ${round.maxEventLoopDelayMs.toFixed(1)} ms`);
    }
    const memoryAfter = await large.report();
    console.log(`app memory before → after: rss ${mb(memoryBefore.rssBytes)} → ${mb(memoryAfter.rssBytes)} MiB, ` +
      `V8 heap ${mb(memoryBefore.heapTotalBytes)} → ${mb(memoryAfter.heapTotalBytes)} MiB, ` +
      `retained after a full GC ${mb(memoryBefore.retainedHeapBytes)} → ${mb(memoryAfter.retainedHeapBytes)} MiB`);
    // A graceful stop lets every request in flight finish before the ledger is read.
    await stopAll();
    console.log(`notices delivered to the SMTP sink during the run: ${smtp.received()}`);

    const keys = (results: LoadResult[], pick: 'okShots' | 'cutOff'): string[] => results.flatMap((l) => l[pick].map((shot) => shot.key!));
    const ledger = checkLedger(files.large, runStartedAt, {
      confirmed: keys(rounds.map((r) => r.confirm), 'okShots'),
      confirmCutOff: keys(rounds.map((r) => r.confirm), 'cutOff'),
      loggedIn: keys(rounds.map((r) => r.login), 'okShots'),
      loginCutOff: keys(rounds.map((r) => r.login), 'cutOff'),
    });
    const summary = summarize(rounds, { rssBefore: memoryBefore.rssBytes, rssAfter: memoryAfter.rssBytes, ledger, quick: plan.quick,
      machine: machineLine(pin.cores, pin.note), seedMs, counts, bcryptCost, seconds: (Date.now() - t0) / 1000 });
    printTable(summary);
    const out = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(out, { recursive: true });
    const { headline: _headline, ...json } = summary; // the headline figures are already its top-level keys
    fs.writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
    console.log(`wrote bench/results/latest.json (${summary.seconds.toFixed(0)} s)`);
    fs.rmSync(work, { recursive: true, force: true });
    if (summary.problems.length > 0) {
      console.error(`FAILED:\n  ${summary.problems.join('\n  ')}`);
      process.exitCode = 1;
    }
  } catch (err) {
    await stopAll();
    console.error(`logs kept in ${work}`);
    throw err;
  } finally {
    await smtp.stop();
  }
}

function machineLine(cores: number, pinNote: string): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cores} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; ${pinNote}`;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
