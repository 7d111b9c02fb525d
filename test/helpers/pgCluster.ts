import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PostgresStorage, type PostgresStorageOptions } from '../../src/storage/postgres';
import { migratePostgres } from '../../src/storage/postgresMigrate';

/**
 * Tests on a real PostgreSQL (issue 12). The cluster is started, for the
 * whole run, by scripts/with-postgres.sh (`npm run test:pg`), which exports
 * DATABASE_URL; here each test context gets a schema of its own in that
 * database — created and migrated, emptied at the end and then reused by the
 * worker's next context — so that contexts never see each other's rows, in
 * any order, on any number of jest workers. The cluster, schemas and all, is
 * removed by the script when the run ends.
 */

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:/.test(url)) {
    throw new Error('DATABASE_URL=postgres://… is not set: run the PostgreSQL tests through `npm run test:pg` (scripts/with-postgres.sh)');
  }
  return url;
}

export interface PgTestSchema {
  readonly schema: string;
  readonly connectionString: string;
  /** DATABASE_URL for this schema alone (search_path in its options), for a whole service or CLI run. */
  readonly url: string;
  /** A storage on this schema; each call is another pool (another "node"), closed by drop(). */
  storage(options?: Partial<PostgresStorageOptions>): PostgresStorage;
  /** Closes the storages made here and empties the schema for the next context (drops it, when not migrated). */
  drop(): Promise<void>;
}

let made = 0;
/** Schemas given back by drop(), emptied and ready for the next context of this jest worker. */
const spare: string[] = [];

/**
 * A fresh schema; migrated unless `migrate: false` (the migration tests run
 * it themselves). Creating and migrating one costs ~150 ms of DDL, so a
 * migrated schema is not dropped after its context but emptied (every row
 * deleted, every identity back at 1 — as a new database) and handed to the
 * next context of the same worker: a few ms.
 */
export async function createTestSchema(options: { migrate?: boolean } = {}): Promise<PgTestSchema> {
  const connectionString = databaseUrl();
  const migrated = options.migrate !== false;
  let schema = migrated ? spare.pop() : undefined;
  if (!schema) {
    made += 1;
    schema = `t_${process.pid}_${made}_${randomBytes(3).toString('hex')}`;
    await adminQuery(connectionString, `CREATE SCHEMA ${schema}`);
    if (migrated) await migratePostgres({ connectionString, searchPath: schema });
  }
  const name = schema;
  const storages: PostgresStorage[] = [];
  return {
    schema: name,
    connectionString,
    url: `${connectionString}${connectionString.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${name}`)}`,
    storage(overrides = {}) {
      const storage = new PostgresStorage({ connectionString, searchPath: name, poolSize: 4, ...overrides });
      storages.push(storage);
      return storage;
    },
    async drop() {
      await Promise.all(storages.map((s) => s.close()));
      if (!migrated) return adminQuery(connectionString, `DROP SCHEMA ${name} CASCADE`);
      await emptySchema(connectionString, name);
      spare.push(name);
    },
  };
}

/**
 * Deletes every row but the migrations' and restarts every identity. As the
 * cluster's superuser, with session_replication_role = replica, so that
 * neither foreign keys nor audit_log's append-only trigger stand in the way.
 */
async function emptySchema(connectionString: string, schema: string): Promise<void> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ sql: string }>(
      `SELECT 'DELETE FROM ' || quote_ident($1) || '.' || quote_ident(tablename) AS sql FROM pg_tables
        WHERE schemaname = $1 AND tablename <> 'schema_migrations'
       UNION ALL
       SELECT 'ALTER SEQUENCE ' || quote_ident($1) || '.' || quote_ident(sequencename) || ' RESTART' FROM pg_sequences
        WHERE schemaname = $1`,
      [schema],
    );
    await client.query(`SET session_replication_role = replica; ${rows.map((r) => r.sql).join('; ')}`);
  } finally {
    await client.end();
  }
}

/** One statement on a connection of its own (schema DDL, outside any test's pool). */
export async function adminQuery(connectionString: string, sql: string): Promise<void> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
