import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';

/**
 * `npm run bench -- --db postgres` (issue 12): a throwaway PostgreSQL cluster
 * for one run, started the way scripts/with-postgres.sh starts the test
 * cluster — initdb in a temporary directory, a Unix socket only, as the
 * `postgres` user through runuser when this runs as root — with durable
 * commits (fsync=on, synchronous_commit=on, as SQLite's synchronous=FULL)
 * and its server processes pinned to the app server's core(s): taskset on
 * pg_ctl's start, whose postmaster and every backend it forks inherit the
 * affinity. The load generator keeps the other core to itself.
 */
export interface PgCluster {
  dir: string;
  version: string;
  /** postgres://webfb@/<database>?host=<socket dir> */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): void;
}

function pgBin(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return fromEnv;
  try {
    return path.dirname(fs.realpathSync(execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim()));
  } catch {
    const root = '/usr/lib/postgresql';
    const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(a) - Number(b)) : [];
    if (versions.length === 0) throw new Error('--db postgres: initdb/pg_ctl not found (install Debian\'s postgresql package, or set PG_BIN)');
    return path.join(root, versions[versions.length - 1]!, 'bin');
  }
}

export function startCluster(opts: { cpus: string | null; pgStatStatements: boolean }): PgCluster {
  const bin = pgBin();
  const asRoot = process.getuid?.() === 0;
  // The cluster's directory lives beside the SQLite files (os.tmpdir(), the same disk), owned by its user.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-bench-pg-'));
  const data = path.join(dir, 'data');
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  const owner = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
  const run = (cmd: string, args: string[], pin = false): void => {
    const [command, argv] = owner(cmd, args);
    const [c, a] = pin && opts.cpus ? ['taskset', ['-c', opts.cpus, command, ...argv]] : [command, argv];
    execFileSync(c, a, { stdio: ['ignore', 'pipe', 'pipe'] });
  };
  let started = false;
  const stop = (): void => {
    // -m immediate: the cluster is thrown away, so nothing needs a clean shutdown.
    if (started) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already gone */
      }
      started = false;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'webfb', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const settings = [
      "listen_addresses=''", `unix_socket_directories=${dir}`,
      'fsync=on', 'synchronous_commit=on', 'full_page_writes=on', 'max_connections=200', 'track_wal_io_timing=on',
      // The large database is some 300 MB: its hot part fits, as it does in SQLite's page cache and the OS's.
      'shared_buffers=256MB',
      ...(opts.pgStatStatements ? ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'] : []),
    ];
    started = true;
    run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', settings.map((s) => `-c ${s}`).join(' '), 'start'], true);
  } catch (err) {
    const log = path.join(dir, 'server.log');
    const detail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
    stop();
    throw new Error(`--db postgres: the cluster did not start: ${(err as Error).message}\n${detail}`);
  }
  const version = execFileSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  const url = (database: string): string => `postgres://webfb@/${database}?host=${dir}`;
  return {
    dir,
    version,
    url,
    async createDatabase(name) {
      await withClient(url('postgres'), (c) => c.query(`CREATE DATABASE ${name}`));
    },
    stop,
  };
}

export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'webfb-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const BATCH_ROWS = 20_000;

/**
 * Copies every table of a seeded (and migrated) SQLite file into a migrated
 * PostgreSQL database: the same rows, ids included. Each batch is one
 * INSERT … SELECT FROM unnest($1::<type>[], …), typed from the PostgreSQL
 * table's own columns; the identities are then moved past the copied ids
 * (setval) and every table is analyzed. Setup only: the copy commits
 * without waiting for its WAL flush and skips the foreign-key triggers (the
 * SQLite file enforced them when it was written); the servers' commits are
 * durable ones.
 */
export async function copyFromSqlite(file: string, url: string): Promise<{ rows: number; tables: number }> {
  const sqlite = new Database(file, { readonly: true });
  try {
    return await withClient(url, async (pg) => {
      await pg.query('SET synchronous_commit = off');
      await pg.query('SET session_replication_role = replica');
      const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY name")
        .pluck().all() as string[]);
      let rows = 0;
      for (const table of tables) {
        const pgColumns = (await pg.query<{ column_name: string; udt_name: string }>(
          `SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [table],
        )).rows;
        if (pgColumns.length === 0) throw new Error(`--db postgres: table ${table} is in SQLite's schema but not in PostgreSQL's`);
        const sqliteColumns = new Set((sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]));
        const missing = pgColumns.filter((c) => !sqliteColumns.has(c.column_name)).map((c) => c.column_name);
        const extra = [...sqliteColumns].filter((c) => !pgColumns.some((p) => p.column_name === c));
        if (extra.length > 0) throw new Error(`--db postgres: ${table}.${extra.join(', ')} are in SQLite's schema but not in PostgreSQL's`);
        // A column PostgreSQL has and SQLite has not keeps its default.
        const columns = pgColumns.filter((c) => !missing.includes(c.column_name));
        const names = columns.map((c) => `"${c.column_name}"`).join(', ');
        const insert = `INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.udt_name}[]`).join(', ')})`;
        const select = sqlite.prepare(`SELECT ${names} FROM "${table}"`).raw();
        let batch: unknown[][] = columns.map(() => []);
        let inBatch = 0;
        const flush = async (): Promise<void> => {
          if (inBatch === 0) return;
          await pg.query(insert, batch);
          rows += inBatch;
          batch = columns.map(() => []);
          inBatch = 0;
        };
        for (const row of select.iterate() as Iterable<unknown[]>) {
          for (let i = 0; i < row.length; i += 1) {
            const v = row[i];
            batch[i]!.push(typeof v === 'bigint' ? v.toString() : v);
          }
          inBatch += 1;
          if (inBatch >= BATCH_ROWS) await flush();
        }
        await flush();
        const identities = (await pg.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'`,
          [table],
        )).rows;
        for (const { column_name: column } of identities) {
          await pg.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max("${column}") FROM "${table}"), 0) + 1, false)`, [table, column]);
        }
      }
      await pg.query('SET session_replication_role = DEFAULT');
      await pg.query('ANALYZE');
      return { rows, tables: tables.length };
    });
  } finally {
    sqlite.close();
  }
}

/** What the database did during a window: commits, rollbacks (serialization failures and deadlocks end in one), WAL flushes. */
export interface PgActivity {
  commits: number;
  rollbacks: number;
  deadlocks: number;
  walSyncs: number;
  walWriteMs: number;
  walSyncMs: number;
}

export async function pgActivity(url: string): Promise<PgActivity> {
  return withClient(url, async (c) => {
    const db = (await c.query(`SELECT xact_commit, xact_rollback, deadlocks FROM pg_stat_database WHERE datname = current_database()`)).rows[0];
    const wal = (await c.query(`SELECT wal_sync, wal_write_time, wal_sync_time FROM pg_stat_wal`)).rows[0];
    return {
      commits: Number(db.xact_commit), rollbacks: Number(db.xact_rollback), deadlocks: Number(db.deadlocks),
      walSyncs: Number(wal.wal_sync), walWriteMs: Number(wal.wal_write_time), walSyncMs: Number(wal.wal_sync_time),
    };
  });
}

export const activitySince = (before: PgActivity, after: PgActivity): PgActivity => ({
  commits: after.commits - before.commits,
  rollbacks: after.rollbacks - before.rollbacks,
  deadlocks: after.deadlocks - before.deadlocks,
  walSyncs: after.walSyncs - before.walSyncs,
  walWriteMs: after.walWriteMs - before.walWriteMs,
  walSyncMs: after.walSyncMs - before.walSyncMs,
});

/** pg_stat_statements, when the cluster loaded it: cleared before a window, read after it. */
export async function statementsReset(url: string): Promise<void> {
  await withClient(url, async (c) => {
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await c.query('SELECT pg_stat_statements_reset()');
  });
}

export interface StatementStat {
  calls: number;
  totalMs: number;
  query: string;
}

export async function topStatements(url: string, limit = 25): Promise<StatementStat[]> {
  return withClient(url, async (c) => (await c.query<{ calls: string; total: number; query: string }>(
    `SELECT calls, total_exec_time AS total, query FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY calls DESC LIMIT $1`, [limit])).rows.map((r) => ({ calls: Number(r.calls), totalMs: r.total, query: r.query.replace(/\s+/g, ' ') })));
}

/**
 * The errors the cluster logged (log_min_error_statement=error logs each with
 * its statement), grouped by message and statement: serialization failures
 * and deadlocks are what the service's bounded retries absorb, or answer 503.
 */
export function loggedErrors(cluster: PgCluster): Array<{ count: number; error: string; statement: string }> {
  const log = path.join(cluster.dir, 'server.log');
  if (!fs.existsSync(log)) return [];
  const lines = fs.readFileSync(log, 'utf8').split('\n');
  const groups = new Map<string, { count: number; error: string; statement: string }>();
  for (let i = 0; i < lines.length; i += 1) {
    const error = /\bERROR:\s+(.*)$/.exec(lines[i]!)?.[1];
    if (!error) continue;
    let statement = '';
    for (let j = i + 1; j < Math.min(lines.length, i + 4); j += 1) {
      const m = /\bSTATEMENT:\s+(.*)$/.exec(lines[j]!);
      if (m) {
        statement = m[1]!.replace(/\s+/g, ' ').slice(0, 120);
        break;
      }
    }
    const key = `${error}\u0000${statement}`;
    const group = groups.get(key) ?? { count: 0, error, statement };
    group.count += 1;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}
