import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, types as pgTypes, type PoolClient, type QueryArrayResult } from 'pg';
import type { Dialect, Params, RunResult, Storage, TransactionOptions } from './port';
import { StorageUnavailableError } from './port';
import { asUnavailable, isRetryable, isUnavailable, toStorageError, withStatement } from './postgresErrors';
import { bindValues, translateSql, type TranslatedSql } from './postgresSql';

/** The defaults of DATABASE_POOL_SIZE and DATABASE_STATEMENT_TIMEOUT_MS, and of the waits nobody configures. */
export const POSTGRES_DEFAULTS = {
  poolSize: 10,
  statementTimeoutMs: 5000,
  connectionTimeoutMs: 5000,
  pingTimeoutMs: 2000,
  maxAttempts: 8,
} as const;

export interface PostgresStorageOptions {
  /** DATABASE_URL: postgres://user:pass@host:port/db, or postgres://user@/db?host=/socket/dir. */
  connectionString: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Sets search_path on every connection: the tests give each context its own schema. */
  searchPath?: string;
  /** Runs of a transaction lost to serialization failures or deadlocks before it gives up (503). */
  maxAttempts?: number;
  /** Where connection errors outside any request go (an idle client whose server went away). */
  logger?: { warn(details: object, message: string): void };
}

/** A key of jsonText: a plain identifier, since it is written into the SQL text. */
const JSON_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const postgresDialect: Dialect = {
  engine: 'postgres',
  jsonText(column, key) {
    if (!JSON_KEY.test(key)) throw new RangeError(`jsonText: not a plain key: ${key}`);
    return `(${column}::jsonb ->> '${key}')`;
  },
  // greatest(): lpad cuts a longer text down to N, where printf('%0Nd') keeps every digit. The
  // subquery names the text once, so the expression (and any `?` in it) is written once.
  zeroPad: (expression, width) =>
    `(SELECT lpad(v, greatest(${width}, length(v)), '0') FROM (SELECT (${expression})::text AS v) AS zero_pad)`,
  forUpdate: ' FOR UPDATE',
  likeIgnoringCase: 'ILIKE',
  containsText: (haystack, needle) => `strpos(${haystack}, ${needle}) > 0`,
};

// int8 (BIGINT columns, count(*)) and numeric (sum() of BIGINT) as JS numbers,
// as SQLite gives them: the values are epoch milliseconds and yen, far below 2^53.
const toNumber = (text: string): number => Number(text);
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pgTypes.builtins.INT8 || oid === pgTypes.builtins.NUMERIC
      ? toNumber
      : pgTypes.getTypeParser(oid, format ?? 'text')) as typeof pgTypes.getTypeParser,
};

const MAX_CACHED_STATEMENTS = 2000;

/** The ambient transaction: its client, and the first error a statement in it met. */
interface Tx {
  client: PoolClient;
  failure?: unknown;
}

/**
 * The PostgreSQL adapter of the storage port (issue 12): a pool of
 * connections, the port's SQL translated once per text, and ambient
 * SERIALIZABLE transactions retried on serialization failures.
 */
export class PostgresStorage implements Storage {
  readonly dialect = postgresDialect;
  private readonly pool: Pool;
  private readonly ambient = new AsyncLocalStorage<Tx>();
  private readonly statements = new Map<string, TranslatedSql>();
  private readonly maxAttempts: number;
  private readonly pingTimeoutMs: number = POSTGRES_DEFAULTS.pingTimeoutMs;
  private closed = false;

  constructor(options: PostgresStorageOptions) {
    const statementTimeoutMs = options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs;
    this.maxAttempts = options.maxAttempts ?? POSTGRES_DEFAULTS.maxAttempts;
    const logger = options.logger ?? { warn: (details: object, message: string) => console.warn(message, details) };
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? POSTGRES_DEFAULTS.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? POSTGRES_DEFAULTS.connectionTimeoutMs,
      statement_timeout: statementTimeoutMs,
      // A node that stops mid-transaction must not hold its row locks for ever.
      idle_in_transaction_session_timeout: Math.max(4 * statementTimeoutMs, 10_000),
      application_name: 'webfb',
      keepAlive: true,
      types: typeParsers,
      ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    });
    // An idle client whose server went away (restart, crash) is dropped by the
    // pool and reported here; unhandled, the event would end the process.
    this.pool.on('error', (err) => logger.warn({ err }, 'PostgreSQL: an idle connection failed; the pool replaces it'));
  }

  async all<T>(sql: string, params?: Params): Promise<T[]> {
    const [statement, result] = await this.query(sql, params);
    const names = result.fields.map((f) => statement.columns.get(f.name) ?? f.name);
    return result.rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i += 1) record[names[i]!] = row[i];
      return record as T;
    });
  }

  async get<T>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params?: Params): Promise<RunResult> {
    const [, result] = await this.query(sql, params);
    return { changes: result.rowCount ?? 0 };
  }

  /**
   * Durability needs no option here: every COMMIT waits for its WAL flush
   * (synchronous_commit stays on), so 'group' and 'relaxed' are as durable.
   */
  async transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T> {
    const outer = this.ambient.getStore();
    if (outer) return this.nested(outer, fn);
    // One statement on a pooled connection in autocommit: its own transaction, at the server's READ COMMITTED.
    if (options?.single) return await fn();
    const begin = options?.isolation === 'readCommitted' ? 'BEGIN ISOLATION LEVEL READ COMMITTED' : 'BEGIN ISOLATION LEVEL SERIALIZABLE';
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(fn, begin);
      if (outcome.done) return outcome.value;
      if (attempt >= this.maxAttempts) {
        throw new StorageUnavailableError(`PostgreSQL: the transaction lost ${attempt} races (serialization failure or deadlock)`, { cause: outcome.cause });
      }
      // A jittered pause, growing with the attempts, so that racers fall apart.
      await sleep(Math.random() * Math.min(100, 2 ** attempt));
    }
  }

  /**
   * A transaction inside the open one joins it in a savepoint, as on SQLite:
   * if it throws, its own writes are undone and the outer one goes on (a
   * service gives a checked code back this way). A statement error inside it
   * is undone with it, but a lost race or a lost connection is not: the whole
   * transaction must then be run again, or fail.
   */
  private async nested<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
    const before = tx.failure;
    await this.query('SAVEPOINT nested');
    try {
      const value = await fn();
      await this.query('RELEASE SAVEPOINT nested');
      return value;
    } catch (err) {
      const failure = tx.failure;
      if (failure !== before && (isRetryable(failure) || isUnavailable(failure))) throw err;
      await this.query('ROLLBACK TO SAVEPOINT nested');
      await this.query('RELEASE SAVEPOINT nested');
      tx.failure = before;
      throw err;
    }
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StorageUnavailableError(`PostgreSQL did not answer within ${this.pingTimeoutMs} ms`)), this.pingTimeoutMs);
    });
    const probe = this.pool.query('SELECT 1');
    probe.catch(() => undefined); // when the timeout wins, the probe's own failure is nobody's
    try {
      await Promise.race([probe, timeout]);
    } catch (err) {
      throw asUnavailable(err, 'ping');
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private translate(sql: string): TranslatedSql {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      statement = translateSql(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** One statement on the ambient transaction's client, or on any pooled one (autocommit). */
  private async query(sql: string, params?: Params): Promise<[TranslatedSql, QueryArrayResult<unknown[]>]> {
    const statement = this.translate(sql);
    const config = { text: statement.text, values: bindValues(statement, params, sql), rowMode: 'array' as const };
    const tx = this.ambient.getStore();
    try {
      const result = tx ? await tx.client.query(config) : await this.pool.query(config);
      return [statement, result];
    } catch (err) {
      if (tx) tx.failure ??= err;
      throw toStorageError(withStatement(err, sql), 'statement');
    }
  }

  /** One run of a transaction: its value, or the race it lost; every other failure is thrown. */
  private async attempt<T>(fn: () => Promise<T>, begin: string): Promise<{ done: true; value: T } | { done: false; cause: unknown }> {
    const client = await this.pool.connect().catch((err: unknown) => {
      throw asUnavailable(err, 'connect');
    });
    const tx: Tx = { client };
    // A checked-out client has no listener of the pool's: its server going away between statements is noted here.
    const onError = (err: Error) => (tx.failure ??= err);
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const value = await this.ambient.run(tx, fn);
      // A statement failed and fn went on: PostgreSQL has aborted the transaction, and COMMIT would quietly roll back.
      if (tx.failure !== undefined) throw tx.failure;
      await client.query('COMMIT');
      return { done: true, value };
    } catch (err) {
      const cause = tx.failure ?? err;
      broken = await rollback(client);
      if (isRetryable(cause)) return { done: false, cause };
      if (isUnavailable(cause)) {
        broken ??= cause instanceof Error ? cause : new Error(String(cause));
        throw asUnavailable(cause, 'transaction');
      }
      throw err;
    } finally {
      client.off('error', onError);
      // A client whose rollback failed is in an unknown state: the pool destroys it instead of reusing it.
      client.release(broken);
    }
  }
}

/** Rolls back; returns the error when even that failed (the connection is gone). */
async function rollback(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
