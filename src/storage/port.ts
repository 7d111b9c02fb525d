/**
 * The storage port (issue 12): every repository reads and writes through this
 * one asynchronous interface, and two adapters serve it — embedded SQLite
 * (better-sqlite3, the default, DATABASE_FILE; src/storage/sqlite.ts) and
 * PostgreSQL (node-postgres, DATABASE_URL=postgres://…; src/storage/postgres.ts).
 *
 * SQL text is written once, in the dialect both engines share: `?` positional
 * placeholders or `@name` named ones (never both in one statement, and never
 * a `?` or `@` inside a string literal), `RETURNING` instead of a last-rowid,
 * `ON CONFLICT … DO UPDATE/NOTHING` for upserts, integers for booleans (0/1)
 * and for times (epoch milliseconds). The few places where the engines truly
 * differ are the named members of `Dialect`, never a copy of the statement.
 *
 * Transactions are ambient: inside `transaction(fn)`, every query made through
 * the storage — by any repository, at any depth of calls — runs in that
 * transaction (AsyncLocalStorage carries it), so services keep using their
 * repositories as they are. A transaction's function must await nothing but
 * this storage (no bcrypt, no network): on SQLite it holds the one writer.
 */

/** Values bound to a statement: positional for `?`, by name for `@name`. */
export type Params = readonly unknown[] | Readonly<Record<string, unknown>>;

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
}

export type Engine = 'sqlite' | 'postgres';

/** Where SQLite and PostgreSQL differ, each difference named once. */
export interface Dialect {
  readonly engine: Engine;
  /** A text field of a JSON document stored as text: json_extract(col, '$.key') / (col::jsonb ->> 'key'). */
  jsonText(column: string, key: string): string;
  /** Zero-padded decimal text of an integer expression: printf('%0Nd', x) / lpad(x::text, N, '0'). */
  zeroPad(expression: string, width: number): string;
  /** Row locks for a read that a write in the same transaction depends on: '' on SQLite (one writer), ' FOR UPDATE' on PostgreSQL. */
  readonly forUpdate: string;
  /** The LIKE that ignores letter case, as SQLite's LIKE does (for ASCII): 'LIKE' / 'ILIKE'. */
  readonly likeIgnoringCase: 'LIKE' | 'ILIKE';
  /** Whether `needle` occurs in `haystack` (both text expressions): instr(h, n) > 0 / strpos(h, n) > 0. */
  containsText(haystack: string, needle: string): string;
}

/**
 * How a transaction must be made durable. 'durable' (the default): answered
 * once the commit is on disk. 'group': the same, but on SQLite it may share
 * one commit (and one sync) with the transactions that arrive together (the
 * group commit; each in its own savepoint, so one that throws is rolled back
 * alone). 'relaxed': a write whose loss on a power cut is harmless (a lockout
 * reservation): SQLite commits it without waiting for a sync.
 */
export type Durability = 'durable' | 'group' | 'relaxed';

/**
 * The isolation a transaction needs. 'serializable' (the default): as if the
 * transactions ran one after another. 'readCommitted': for a transaction of
 * compare-and-set statements on rows found by their key (the outbox's
 * settlements), which hold at READ COMMITTED — a statement waits for the row
 * and re-checks its condition on the committed version — and which SERIALIZABLE
 * would abort for the reads of others on the same index pages — or for a
 * transaction that first locks the one row everything it touches hangs from
 * (a confirmation locks its company's ledger, so a company's confirmations
 * wait for each other instead of aborting each other). SQLite has one
 * writer: every transaction there is serializable.
 */
export type Isolation = 'serializable' | 'readCommitted';

export interface TransactionOptions {
  durability?: Durability;
  isolation?: Isolation;
  /**
   * The body runs exactly one statement, atomic by itself (a session's upsert,
   * a rate-limit hit): PostgreSQL runs it without BEGIN and COMMIT — one round
   * trip instead of three — at its default READ COMMITTED, so only a
   * statement that holds at 'readCommitted' may say so. SQLite runs it as any
   * transaction of its durability. Inside an open transaction it joins that
   * one as usual.
   */
  single?: boolean;
}

export interface Storage {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: Params): Promise<T[]>;
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  run(sql: string, params?: Params): Promise<RunResult>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when
   * it throws (and its error rethrown). Nested calls join the outer one in a
   * savepoint: one that throws undoes only its own writes. On
   * PostgreSQL it runs at SERIALIZABLE and a serialization failure or deadlock
   * runs `fn` again, a bounded number of times — so `fn` must do nothing but
   * read and write through this storage; past the bound it throws
   * StorageUnavailableError.
   */
  transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** A cheap round trip, for /healthz: rejects with StorageUnavailableError when the database cannot be reached. */
  ping(): Promise<void>;
  /** Ends every connection (after the service has stopped answering). */
  close(): Promise<void>;
}

/**
 * The database could not serve the request (unreachable, restarting, a
 * statement timeout, serialization retries exhausted): nothing was changed.
 * The web layer answers it with the 503 page.
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}
