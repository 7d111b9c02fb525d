import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/**
 * PostgreSQL's migrations (issue 12): migrations/postgres/ holds the schema of
 * migrations/ in PostgreSQL's types, under the same file names, so that both
 * engines record the same names in schema_migrations.
 */
export const POSTGRES_MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations', 'postgres');

const MIGRATION_FILE = /^\d{4}_[\w-]+\.sql$/;

/** The migration files of a directory, in the order they apply. */
export function migrationFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => MIGRATION_FILE.test(f)).sort();
}

export interface PostgresMigrateOptions {
  connectionString: string;
  /** The schema to migrate (search_path); the connection's default schema otherwise. */
  searchPath?: string;
  dir?: string;
}

/**
 * Applies the migrations not applied yet, each in its own transaction with
 * its schema_migrations row, and returns their names. Nodes that start
 * together take turns on an advisory lock (per schema), and each reads what
 * is applied only once it holds the lock: every migration runs once.
 */
export async function migratePostgres(options: PostgresMigrateOptions): Promise<string[]> {
  const dir = options.dir ?? POSTGRES_MIGRATIONS_DIR;
  const client = new Client({
    connectionString: options.connectionString,
    application_name: 'webfb-migrate',
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  await client.connect();
  try {
    // A session lock: it outlives each file's transaction, and ends with the connection if this node dies.
    await client.query("SELECT pg_advisory_lock(hashtext('webfb:migrate:' || current_schema()))");
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name TEXT PRIMARY KEY,
      applied_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))`);
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const file of migrationFiles(dir)) {
      if (done.has(file)) continue;
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
    return applied;
  } finally {
    // Ending the session releases the lock.
    await client.end();
  }
}
