import type { SeedSize } from './seed';

/** How long and how big a run is: the full benchmark, or `--quick` (CI: a few seconds, no targets judged). */
export interface Plan {
  quick: boolean;
  /** `--db postgres`: the app servers on a throwaway PostgreSQL cluster instead of SQLite files (issue 12). */
  db: Engine;
  rounds: number;
  seconds: number;
  floodSeconds: number;
  growthSliceMs: number;
  growthSlices: number;
  bcryptSamples: number;
  connections: number;
  large: SeedSize;
  small: SeedSize;
  /** `--profile menu|confirm|login`: that flow alone for 10 s under the CPU profiler instead of the rounds. */
  profile?: Flow;
  /** `--only menu|confirm|login`: that flow alone for 10 s beside the baseline, without the profiler (before/after checks). */
  only?: Flow;
}

export type Flow = 'menu' | 'confirm' | 'login';
export type Engine = 'sqlite' | 'postgres';

const QUICK: Omit<Plan, 'quick' | 'db'> = {
  rounds: 1, seconds: 1, floodSeconds: 2, growthSliceMs: 250, growthSlices: 1, bcryptSamples: 2, connections: 16,
  large: { companies: 240, usersPerCompany: 10, completedPerCompany: 30, auditPerCompany: 30, draftsPerUser: 2, preLoginSessions: 200 },
  small: { companies: 3, usersPerCompany: 10, completedPerCompany: 30, auditPerCompany: 30, draftsPerUser: 1, preLoginSessions: 0 },
};

const FULL: Omit<Plan, 'quick' | 'db'> = {
  rounds: 5, seconds: 4, floodSeconds: 8, growthSliceMs: 500, growthSlices: 4, bcryptSamples: 6, connections: 64,
  large: { companies: 4000, usersPerCompany: 10, completedPerCompany: 75, auditPerCompany: 75, draftsPerUser: 2, preLoginSessions: 2000 },
  small: { companies: 5, usersPerCompany: 10, completedPerCompany: 75, auditPerCompany: 75, draftsPerUser: 1, preLoginSessions: 0 },
};

/** Reads `--quick`, `--rounds N` (a shorter or longer full run), `--profile <flow>`, `--only <flow>` and `--db sqlite|postgres`. */
export function planFrom(argv: string[]): Plan {
  const quick = argv.includes('--quick');
  const dbAt = argv.indexOf('--db');
  const db = dbAt >= 0 ? argv[dbAt + 1] : 'sqlite';
  if (db !== 'sqlite' && db !== 'postgres') throw new Error('--db sqlite|postgres');
  const plan: Plan = { quick, db, ...(quick ? QUICK : FULL) };
  const rounds = argv.indexOf('--rounds');
  if (rounds >= 0) plan.rounds = Math.max(1, Number(argv[rounds + 1]) || plan.rounds);
  for (const option of ['--profile', '--only'] as const) {
    const at = argv.indexOf(option);
    if (at < 0) continue;
    const flow = argv[at + 1];
    if (flow !== 'menu' && flow !== 'confirm' && flow !== 'login') throw new Error(`${option} menu|confirm|login`);
    plan[option === '--profile' ? 'profile' : 'only'] = flow;
  }
  return plan;
}
