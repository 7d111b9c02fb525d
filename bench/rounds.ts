import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { load, type LoadResult, type Shot } from './load';
import type { Plan } from './plan';
import type { RoundFigures } from './report';
import type { Fixture } from './seed';
import type { ServerHandle } from './servers';
import { percentile, sequentialLatencies } from './scenarios';

/** Everything a round drives: the four servers, the seeded fixtures and the shot sources. */
export interface Stage {
  plan: Plan;
  app: ServerHandle;
  small: ServerHandle;
  baseline: ServerHandle;
  fsyncBound: ServerHandle;
  /** `--db postgres`: PostgreSQL's commit bound (bench/pgCommitServer.ts). */
  pgCommitBound?: ServerHandle;
  fixtures: Record<'large' | 'small', Fixture>;
  shots: { menu: () => Shot; confirm: () => Shot; login: () => Shot };
  /** taskset CPU list of the servers (null: not pinned) and how many cores they may use. */
  serverCpus: string | null;
  serverCores: number;
  bcryptCost: number;
}

export const baselineShot = (): Shot => ({ method: 'GET', path: '/', expect: { status: 200 } });
const fsyncShot = (): Shot => ({ method: 'POST', path: '/', body: 'amount=1000', expect: { status: 200 } });
const GROWTH_PAGES = ['/transfers', '/admin/audit'] as const;

const throughput = (stage: Stage, server: ServerHandle, next: () => Shot): Promise<LoadResult> =>
  load({ base: server.base, connections: stage.plan.connections, durationS: stage.plan.seconds, next });

/** The median time of one bcrypt compare (ms), in a process pinned like the servers. */
function bcryptCompareMs(stage: Stage): number {
  const script = [path.join(__dirname, 'bcryptTime.js'), String(stage.bcryptCost), String(stage.plan.bcryptSamples)];
  const cpus = stage.serverCpus;
  const [cmd, ...args] = cpus ? ['taskset', '-c', cpus, process.execPath, ...script] : [process.execPath, ...script];
  return (JSON.parse(execFileSync(cmd!, args, { encoding: 'utf8' })) as { medianMs: number }).medianMs;
}

/**
 * Not measured: templates compiled, statements prepared, JIT settled. Both app
 * servers get the same warm-up of the growth pages, so the growth ratio
 * compares data, not JIT.
 */
export async function warmUp(stage: Stage): Promise<LoadResult> {
  for (const [server, fixture] of [[stage.app, stage.fixtures.large], [stage.small, stage.fixtures.small]] as const) {
    for (const page of ['/', ...GROWTH_PAGES]) {
      const shot = (): Shot => ({ method: 'GET', path: page, cookie: fixture.measured.cookie, expect: { status: 200 } });
      await load({ base: server.base, connections: 4, durationS: 2, next: shot });
    }
  }
  await throughput(stage, stage.baseline, baselineShot);
  await throughput(stage, stage.app, stage.shots.menu);
  // The confirmation's path too (OTP check, group commit, notices): round 1 measured it cold before. Its
  // confirmations are real ones; the ledger check counts them with the rounds'.
  return await throughput(stage, stage.app, stage.shots.confirm);
}

/** p50 (ms) of each growth page on the small and the large database, requested alternately in slices. */
async function growth(stage: Stage): Promise<RoundFigures['growth']> {
  const p50: Record<string, { small: number; large: number }> = {};
  let unexpected = 0;
  for (const page of GROWTH_PAGES) {
    const samples = { small: [] as number[], large: [] as number[] };
    for (let s = 0; s < stage.plan.growthSlices; s += 1) {
      for (const [size, server] of [['small', stage.small], ['large', stage.app]] as const) {
        const slice = await sequentialLatencies(server.base, page, stage.fixtures[size].measured.cookie, stage.plan.growthSliceMs);
        samples[size].push(...slice.samples);
        unexpected += slice.unexpected;
      }
    }
    p50[page] = { small: percentile(samples.small, 50), large: percentile(samples.large, 50) };
  }
  return {
    transfers: { smallMs: p50['/transfers']!.small, largeMs: p50['/transfers']!.large },
    audit: { smallMs: p50['/admin/audit']!.small, largeMs: p50['/admin/audit']!.large },
    unexpected,
  };
}

/** One round: each flow right after its own baseline, then the login flood, then growth. */
export async function runRound(stage: Stage): Promise<RoundFigures> {
  const { app, baseline, shots, plan } = stage;
  const baseMenu = await throughput(stage, baseline, baselineShot);
  const menu = await throughput(stage, app, shots.menu);
  const baseConfirm = await throughput(stage, baseline, baselineShot);
  const confirm = await throughput(stage, app, shots.confirm);
  const baseFsync = await throughput(stage, baseline, baselineShot);
  const fsync = await throughput(stage, stage.fsyncBound, fsyncShot);
  const pgCommit = stage.pgCommitBound ? await throughput(stage, stage.pgCommitBound, fsyncShot) : undefined;

  const compareMs = bcryptCompareMs(stage);
  await app.reset();
  const [login, floodMenu] = await Promise.all([
    load({ base: app.base, connections: 8, durationS: plan.floodSeconds, next: shots.login }),
    load({ base: app.base, connections: 2, durationS: plan.floodSeconds, next: shots.menu, overallRate: 40 }),
  ]);
  const delay = await app.report();
  return {
    baseline: { menu: baseMenu, confirm: baseConfirm, fsync: baseFsync },
    menu, confirm, fsync, ...(pgCommit ? { pgCommit } : {}), login, floodMenu,
    loginBoundRps: (stage.serverCores * 1000) / compareMs,
    bcryptCompareMs: compareMs,
    maxEventLoopDelayMs: delay.maxDelayMs,
    growth: await growth(stage),
  };
}
