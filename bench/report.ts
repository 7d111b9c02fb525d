import type { LoadResult } from './load';
import type { Ledger } from './verify';
import type { Fixture } from './seed';

export interface RoundFigures {
  baseline: { menu: LoadResult; confirm: LoadResult; fsync: LoadResult };
  menu: LoadResult;
  confirm: LoadResult;
  fsync: LoadResult;
  /** `--db postgres`: PostgreSQL's commit bound (bench/pgCommitServer.ts), one committed INSERT per request on a pool. */
  pgCommit?: LoadResult;
  login: LoadResult;
  floodMenu: LoadResult;
  loginBoundRps: number;
  bcryptCompareMs: number;
  maxEventLoopDelayMs: number;
  growth: { transfers: { smallMs: number; largeMs: number }; audit: { smallMs: number; largeMs: number }; unexpected: number };
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

const spread = (values: number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
};

/** The issue's targets: each a ratio or a bound measured in one run. */
const TARGETS: Array<{ key: string; op: '>=' | '<='; value: number }> = [
  { key: 'menu_ratio', op: '>=', value: 0.5 },
  { key: 'confirm_ratio', op: '>=', value: 0.2 },
  { key: 'login_ratio', op: '>=', value: 0.8 },
  { key: 'max_event_loop_delay_ms', op: '<=', value: 50 },
  { key: 'flood_menu_p99_ms', op: '<=', value: 200 },
  { key: 'growth_ratio', op: '<=', value: 1.5 },
  { key: 'rss_growth_mb', op: '<=', value: 64 },
];

export function summarize(
  rounds: RoundFigures[],
  run: { rssBefore: number; rssAfter: number; ledger: Ledger; quick: boolean; machine: string; seedMs: number;
    counts: Fixture['counts']; bcryptCost: number; seconds: number;
    /** Which engine the app servers ran on, in words (SQLite, or PostgreSQL's version and pool). */
    engine: string; db: 'sqlite' | 'postgres'; extra?: Record<string, unknown> },
) {
  const of = (f: (r: RoundFigures) => number): Spread => spread(rounds.map(f));
  const spreads = {
    baseline_rps: spread(rounds.flatMap((r) => [r.baseline.menu.rps, r.baseline.confirm.rps, r.baseline.fsync.rps])),
    menu_rps: of((r) => r.menu.rps),
    menu_ratio: of((r) => r.menu.rps / r.baseline.menu.rps),
    confirm_rps: of((r) => r.confirm.rps),
    confirm_ratio: of((r) => r.confirm.rps / r.baseline.confirm.rps),
    fsync_bound_rps: of((r) => r.fsync.rps),
    fsync_ratio: of((r) => r.fsync.rps / r.baseline.fsync.rps),
    confirm_vs_fsync_bound: of((r) => r.confirm.rps / r.fsync.rps),
    ...(rounds.every((r) => r.pgCommit) ? {
      pg_commit_bound_rps: of((r) => r.pgCommit!.rps),
      confirm_vs_pg_commit_bound: of((r) => r.confirm.rps / r.pgCommit!.rps),
    } : {}),
    login_rps: of((r) => r.login.rps),
    login_bound_rps: of((r) => r.loginBoundRps),
    login_ratio: of((r) => r.login.rps / r.loginBoundRps),
    bcrypt_compare_ms: of((r) => r.bcryptCompareMs),
    flood_menu_p99_ms: of((r) => r.floodMenu.p99Ms),
    max_event_loop_delay_ms: of((r) => r.maxEventLoopDelayMs),
    transfers_p50_small_ms: of((r) => r.growth.transfers.smallMs),
    transfers_p50_large_ms: of((r) => r.growth.transfers.largeMs),
    audit_p50_small_ms: of((r) => r.growth.audit.smallMs),
    audit_p50_large_ms: of((r) => r.growth.audit.largeMs),
    growth_ratio: of((r) => Math.max(r.growth.transfers.largeMs / r.growth.transfers.smallMs, r.growth.audit.largeMs / r.growth.audit.smallMs)),
  };
  // Bounds are judged on the worst round; ratios on the median of the rounds.
  const headline: Record<string, number> = Object.fromEntries(Object.entries(spreads).map(([k, s]) => [k, s.median]));
  headline.flood_menu_p99_ms = spreads.flood_menu_p99_ms.max;
  headline.max_event_loop_delay_ms = spreads.max_event_loop_delay_ms.max;
  headline.rss_growth_mb = (run.rssAfter - run.rssBefore) / 2 ** 20;

  const sum = (f: (r: RoundFigures) => number): number => rounds.reduce((n, r) => n + f(r), 0);
  const problems: string[] = [];
  // Each flow's loads, so that its count and its examples come from the same answers.
  const loads: Record<string, (r: RoundFigures) => LoadResult[]> = {
    baseline: (r) => [r.baseline.menu, r.baseline.confirm, r.baseline.fsync],
    menu: (r) => [r.menu, r.floodMenu],
    confirm: (r) => [r.confirm],
    login: (r) => [r.login],
    fsync: (r) => [r.fsync],
    pg_commit: (r) => (r.pgCommit ? [r.pgCommit] : []),
  };
  const unexpected: Record<string, number> = Object.fromEntries(
    Object.entries(loads).map(([flow, of]) => [flow, sum((r) => of(r).reduce((n, l) => n + l.unexpected, 0))]),
  );
  unexpected.growth = sum((r) => r.growth.unexpected);
  for (const [flow, n] of Object.entries(unexpected)) {
    if (n === 0) continue;
    const examples = loads[flow] ? rounds.flatMap((r) => loads[flow]!(r).flatMap((l) => l.examples)).slice(0, 5) : [];
    problems.push(`${flow}: ${n} unexpected answers, errors or timeouts${examples.length ? ` (${examples.join('; ')})` : ''}`);
  }
  problems.push(...run.ledger.problems);

  const targets = TARGETS.map((t) => {
    const value = headline[t.key]!;
    return { ...t, measured: value, met: t.op === '>=' ? value >= t.value : value <= t.value };
  });
  if (!run.quick) for (const t of targets.filter((x) => !x.met)) problems.push(`target missed: ${t.key} = ${t.measured.toFixed(2)} (${t.op} ${t.value})`);

  return {
    ...headline,
    headline,
    mode: run.quick ? 'quick' : 'full',
    db: run.db,
    engine: run.engine,
    rounds: rounds.length,
    machine: run.machine,
    bcrypt_cost: run.bcryptCost,
    data: run.counts,
    seed_seconds: run.seedMs / 1000,
    seconds: run.seconds,
    rss_before_mb: run.rssBefore / 2 ** 20,
    rss_after_mb: run.rssAfter / 2 ** 20,
    spreads,
    targets,
    correctness: { unexpected, ledger: run.ledger },
    ...(run.extra ?? {}),
    problems,
  };
}

export type Summary = ReturnType<typeof summarize>;

const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function printTable(s: Summary): void {
  const target = new Map(s.targets.map((t) => [t.key, t]));
  // The quick mode's few seconds on a small database say nothing about the targets.
  const verdict = (met: boolean): string => (s.mode === 'quick' ? '(quick)' : met ? 'met' : 'MISSED');
  const rows = Object.entries(s.spreads).map(([key, sp]) => {
    const t = target.get(key);
    const judged = t ? `${t.op === '>=' ? '≥' : '≤'} ${t.value} ${verdict(t.met)}` : '';
    return [key, fmt(s.headline[key]!), fmt(sp.min), fmt(sp.max), judged];
  });
  const rss = target.get('rss_growth_mb')!;
  rows.push(['rss_growth_mb', fmt(s.headline.rss_growth_mb!), '', '', `≤ 64 ${verdict(rss.met)}`]);
  const widths = [26, 10, 10, 10, 16];
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  console.log(`\n${s.machine}\napp on ${s.engine}; ${s.rounds} round(s), bcrypt cost ${s.bcrypt_cost}`);
  console.log(line(['metric', 'reported', 'min', 'max', 'target']));
  for (const row of rows) console.log(line(row));
  const c = s.correctness;
  console.log(`correctness: ${c.ledger.confirmSucceeded} confirmations = ${c.ledger.newCompleted} new transfers = ${c.ledger.confirmAudit} audit rows; ` +
    `${c.ledger.loginSucceeded} logins = ${c.ledger.loginAudit} audit rows; ${c.ledger.badBalances} bad balances; ` +
    `unexpected answers ${Object.values(c.unexpected).reduce((a, b) => a + b, 0)}`);
}
