import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load, type LoadResult } from './load';
import { freePort, startServer, type ServerHandle } from './servers';
import { makeSecrets, seedDatabase, type Fixture, type SeedSize } from './seed';
import { confirmShots, loginShots, menuShots, percentile, sequentialLatencies } from './scenarios';
import { checkLedger } from './verify';
import { topSelfTime } from './profile';
import { summarize, printTable, type RoundFigures } from './report';

/**
 * npm run bench [-- --quick]: the service against the stack's own limit, in
 * one run on one machine (issue 5). Every figure that matters is a ratio of
 * two measurements taken side by side, the scenarios interleaved round by
 * round, because one core's speed here moves by up to 1.5× from minute to minute.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const quick = process.argv.includes('--quick');

interface Plan {
  rounds: number;
  seconds: number;
  floodSeconds: number;
  growthSliceMs: number;
  growthSlices: number;
  bcryptSamples: number;
  connections: number;
  large: SeedSize;
  small: SeedSize;
}

const PLAN: Plan = quick
  ? {
      rounds: 1, seconds: 1, floodSeconds: 2, growthSliceMs: 250, growthSlices: 1, bcryptSamples: 2, connections: 16,
      large: { companies: 60, usersPerCompany: 10, completedPerCompany: 30, auditPerCompany: 30, draftsPerUser: 4, preLoginSessions: 200 },
      small: { companies: 3, usersPerCompany: 10, completedPerCompany: 30, auditPerCompany: 30, draftsPerUser: 1, preLoginSessions: 0 },
    }
  : {
      rounds: 5, seconds: 4, floodSeconds: 8, growthSliceMs: 500, growthSlices: 4, bcryptSamples: 6, connections: 64,
      large: { companies: 4000, usersPerCompany: 10, completedPerCompany: 75, auditPerCompany: 75, draftsPerUser: 2, preLoginSessions: 2000 },
      small: { companies: 5, usersPerCompany: 10, completedPerCompany: 75, auditPerCompany: 75, draftsPerUser: 1, preLoginSessions: 0 },
    };

// `--rounds N` shortens or lengthens a full run (the before/after figures of one optimisation).
const roundsArg = process.argv.indexOf('--rounds');
if (roundsArg > 0) PLAN.rounds = Math.max(1, Number(process.argv[roundsArg + 1]) || PLAN.rounds);

// `--profile menu|confirm|login` runs that flow alone for 10 s with the app under --cpu-prof and prints
// where its time goes; bench/results/<flow>.cpuprofile opens in a flame-graph viewer (speedscope, DevTools).
const profileArg = process.argv.indexOf('--profile');
const profileFlow = profileArg > 0 ? process.argv[profileArg + 1] : undefined;
if (profileFlow !== undefined && !['menu', 'confirm', 'login'].includes(profileFlow)) throw new Error('--profile menu|confirm|login');

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

function bcryptCompareMs(cost: number, samples: number, cpus: string | null): number {
  const script = [path.join(__dirname, 'bcryptTime.js'), String(cost), String(samples)];
  const [cmd, ...args] = cpus ? ['taskset', '-c', cpus, process.execPath, ...script] : [process.execPath, ...script];
  return (JSON.parse(execFileSync(cmd!, args, { encoding: 'utf8' })) as { medianMs: number }).medianMs;
}

function migrate(file: string, env: Record<string, string>): void {
  execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), 'migrate'], {
    env: { ...process.env, ...env, DATABASE_FILE: file },
    stdio: 'ignore',
  });
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const pin = pinCores();
  const bcryptCost = Number(process.env.BCRYPT_COST ?? 12);
  if (bcryptCost < 10) throw new Error('the login target needs BCRYPT_COST ≥ 10');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-bench-'));
  const secrets = makeSecrets(bcryptCost);
  const appEnv = (file: string, port: number, staffPort: number): Record<string, string> => ({
    NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), STAFF_HOST: '127.0.0.1', STAFF_PORT: String(staffPort),
    DATABASE_FILE: file, SECRET_KEY: secrets.secretKey, SESSION_SECRET: secrets.sessionSecret,
    BCRYPT_COST: String(bcryptCost), LOGIN_RATE_LIMIT: '1000000', LOG_LEVEL: 'info',
  });

  const files = { large: path.join(work, 'large.db'), small: path.join(work, 'small.db'), fsync: path.join(work, 'fsync.db') };
  const seedStart = Date.now();
  const fixtures: Record<'large' | 'small', Fixture> = {} as Record<'large' | 'small', Fixture>;
  for (const size of ['large', 'small'] as const) {
    migrate(files[size], appEnv(files[size], 0, 0));
    fixtures[size] = seedDatabase(files[size], PLAN[size], secrets, Date.now());
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
  try {
    const ports: number[] = [];
    while (ports.length < 6) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const [app, small, baseline, fsyncBound] = await Promise.all([
      start('app', path.join(ROOT, 'dist', 'server.js'), appEnv(files.large, ports[0]!, ports[1]!)),
      start('app-small', path.join(ROOT, 'dist', 'server.js'), appEnv(files.small, ports[2]!, ports[3]!)),
      start('baseline', path.join(__dirname, 'baselineServer.js'), { NODE_ENV: 'production', PORT: String(ports[4]) }),
      start('fsync', path.join(__dirname, 'fsyncServer.js'), { NODE_ENV: 'production', PORT: String(ports[5]), DATABASE_FILE: files.fsync }),
    ]);
    const memoryBefore = await app.report();
    const rssBefore = memoryBefore.rssBytes;
    const runStartedAt = Date.now();

    const nextMenu = menuShots(fixtures.large);
    const nextConfirm = confirmShots(fixtures.large);
    const nextLogin = loginShots(fixtures.large, secrets.password);
    const throughput = (base: string, next: Parameters<typeof load>[0]['next']): Promise<LoadResult> =>
      load({ base, connections: PLAN.connections, durationS: PLAN.seconds, next });
    const baselineShot = () => ({ method: 'GET' as const, path: '/', expect: { status: 200 } });
    const fsyncShot = () => ({ method: 'POST' as const, path: '/', body: 'amount=1000', expect: { status: 200 } });

    // Warm-up, not measured: templates compiled, statements prepared, JIT settled. Both app servers
    // get the same warm-up of the growth pages, so the growth ratio compares data, not JIT. The quick
    // mode judges no figure and skips it.
    for (const [server, fixture] of quick ? [] : ([[app, fixtures.large], [small, fixtures.small]] as const)) {
      for (const page of ['/', '/transfers', '/admin/audit']) {
        const shot = () => ({ method: 'GET' as const, path: page, cookie: fixture.measured.cookie, expect: { status: 200 } });
        await load({ base: server.base, connections: 4, durationS: 2, next: shot });
      }
    }
    if (!quick) {
      await throughput(baseline.base, baselineShot);
      await throughput(app.base, nextMenu);
    }

    if (profileFlow) {
      const next = { menu: nextMenu, confirm: nextConfirm, login: nextLogin }[profileFlow as 'menu' | 'confirm' | 'login'];
      const file = path.join(ROOT, 'bench', 'results', `${profileFlow}.cpuprofile`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await app.profileStart();
      const result = await load({ base: app.base, connections: profileFlow === 'login' ? 8 : PLAN.connections, durationS: 10, next });
      await app.profileStop(file);
      for (const s of servers.splice(0)) await s.stop();
      console.log(`${profileFlow}: ${result.rps.toFixed(0)} rps under the profiler, ${result.unexpected} unexpected; profile ${file}`);
      console.log(topSelfTime(file).join('\n'));
      return;
    }

    const rounds: RoundFigures[] = [];
    for (let r = 1; r <= PLAN.rounds; r += 1) {
      const baseMenu = await throughput(baseline.base, baselineShot);
      const menu = await throughput(app.base, nextMenu);
      const baseConfirm = await throughput(baseline.base, baselineShot);
      const confirm = await throughput(app.base, nextConfirm);
      const baseFsync = await throughput(baseline.base, baselineShot);
      const fsync = await throughput(fsyncBound.base, fsyncShot);

      const compareMs = bcryptCompareMs(bcryptCost, PLAN.bcryptSamples, pin.serverCpus);
      await app.reset();
      const [login, floodMenu] = await Promise.all([
        load({ base: app.base, connections: 8, durationS: PLAN.floodSeconds, next: nextLogin }),
        load({ base: app.base, connections: 2, durationS: PLAN.floodSeconds, next: nextMenu, overallRate: 40 }),
      ]);
      const delay = await app.report();

      const growth: Record<string, { small: number[]; large: number[]; unexpected: number }> = {};
      for (const page of ['/transfers', '/admin/audit']) {
        const g = (growth[page] = { small: [] as number[], large: [] as number[], unexpected: 0 });
        for (let s = 0; s < PLAN.growthSlices; s += 1) {
          for (const [size, server] of [['small', small], ['large', app]] as const) {
            const fixture = fixtures[size];
            const slice = await sequentialLatencies(server.base, page, fixture.measured.cookie, PLAN.growthSliceMs);
            g[size].push(...slice.samples);
            g.unexpected += slice.unexpected;
          }
        }
      }
      const p50 = (page: string, size: 'small' | 'large'): number => percentile(growth[page]![size], 50);
      rounds.push({
        baseline: { menu: baseMenu, confirm: baseConfirm, fsync: baseFsync },
        menu, confirm, fsync, login, floodMenu,
        loginBoundRps: (pin.serverCores * 1000) / compareMs,
        bcryptCompareMs: compareMs,
        maxEventLoopDelayMs: delay.maxDelayMs,
        growth: {
          transfers: { smallMs: p50('/transfers', 'small'), largeMs: p50('/transfers', 'large') },
          audit: { smallMs: p50('/admin/audit', 'small'), largeMs: p50('/admin/audit', 'large') },
          unexpected: growth['/transfers']!.unexpected + growth['/admin/audit']!.unexpected,
        },
      });
      console.log(`round ${r}/${PLAN.rounds}: baseline ${baseMenu.rps.toFixed(0)} rps, menu ${menu.rps.toFixed(0)}, ` +
        `confirm ${confirm.rps.toFixed(0)}, fsync bound ${fsync.rps.toFixed(0)}, login ${login.rps.toFixed(1)} ` +
        `(bound ${((pin.serverCores * 1000) / compareMs).toFixed(1)}), max loop delay ${delay.maxDelayMs.toFixed(1)} ms`);
    }
    const memoryAfter = await app.report();
    const rssAfter = memoryAfter.rssBytes;
    console.log(`app memory before → after: rss ${mb(rssBefore)} → ${mb(rssAfter)} MiB, V8 heap ${mb(memoryBefore.heapTotalBytes)} → ${mb(memoryAfter.heapTotalBytes)} MiB, external ${mb(memoryBefore.externalBytes)} → ${mb(memoryAfter.externalBytes)} MiB, retained after a full GC ${mb(memoryBefore.retainedHeapBytes)} → ${mb(memoryAfter.retainedHeapBytes)} MiB`);
    for (const s of servers.splice(0)) await s.stop();

    const keys = (results: LoadResult[], pick: 'okShots' | 'cutOff'): string[] => results.flatMap((l) => l[pick].map((shot) => shot.key!));
    const ledger = checkLedger(files.large, runStartedAt, {
      confirmed: keys(rounds.map((r) => r.confirm), 'okShots'),
      confirmCutOff: keys(rounds.map((r) => r.confirm), 'cutOff'),
      loggedIn: keys(rounds.map((r) => r.login), 'okShots'),
      loginCutOff: keys(rounds.map((r) => r.login), 'cutOff'),
    });
    const summary = summarize(rounds, { rssBefore, rssAfter, ledger, quick, machine: machineLine(pin.cores, pin.note), seedMs, counts, bcryptCost,
      seconds: (Date.now() - t0) / 1000 });
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
    for (const s of servers) await s.stop();
    console.error(`logs kept in ${work}`);
    throw err;
  }
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

function machineLine(cores: number, pinNote: string): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cores} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; ${pinNote}`;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
