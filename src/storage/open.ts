import type { Logger } from 'pino';
import type { Config } from '../config';
import { openDatabase } from '../db/connection';
import { migrate } from '../db/migrate';
import type { Storage } from './port';
import { PostgresStorage } from './postgres';
import { migratePostgres } from './postgresMigrate';
import { SqliteStorage } from './sqlite';

export interface OpenedStorage {
  storage: Storage;
  /** The migrations this opening applied, by file name (the same names on both engines). */
  applied: string[];
}

/**
 * The one place that chooses the engine (issue 12): PostgreSQL when
 * DATABASE_URL is set, the embedded SQLite file (DATABASE_FILE) otherwise.
 * Either way the schema is brought up to date before the storage is handed
 * out; on PostgreSQL nodes starting together migrate once (an advisory lock,
 * src/storage/postgresMigrate.ts).
 */
export async function openStorage(config: Config, logger: Logger): Promise<OpenedStorage> {
  if (config.databaseUrl) {
    const applied = await migratePostgres({ connectionString: config.databaseUrl });
    const storage = new PostgresStorage({
      connectionString: config.databaseUrl,
      poolSize: config.databasePoolSize,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      logger,
    });
    return { storage, applied };
  }
  const db = openDatabase(config.databaseFile);
  const applied = migrate(db);
  return { storage: new SqliteStorage(db, logger), applied };
}

/** The database in words for operators' messages: the file, or PostgreSQL's host and database, never the credentials. */
export function describeDatabase(config: Pick<Config, 'databaseFile' | 'databaseUrl'>): string {
  if (!config.databaseUrl) return config.databaseFile;
  // postgres://user:pass@host:port/db?host=/socket/dir — not a WHATWG URL when the host is empty (a Unix socket).
  const m = /^postgres(?:ql)?:\/\/(?:[^@/]*@)?([^/?]*)(\/[^?]*)?(?:\?(.*))?$/.exec(config.databaseUrl);
  const host = m?.[1] || new URLSearchParams(m?.[3] ?? '').get('host') || 'localhost';
  return `PostgreSQL ${host}${m?.[2] ?? ''}`;
}
