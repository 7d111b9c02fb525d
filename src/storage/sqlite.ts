import { AsyncLocalStorage } from 'node:async_hooks';
import type { Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Db } from '../db/connection';
import { GroupCommit } from '../db/groupCommit';
import { WalSync } from '../db/walSync';
import { StorageUnavailableError, type Dialect, type Params, type RunResult, type Storage, type TransactionOptions } from './port';

export const sqliteDialect: Dialect = {
  engine: 'sqlite',
  jsonText: (column, key) => `json_extract(${column}, '$.${key}')`,
  zeroPad: (expression, width) => `printf('%0${width}d', ${expression})`,
  forUpdate: '',
  likeIgnoringCase: 'LIKE',
  containsText: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
};

/** The ambient transaction: an identity carried by AsyncLocalStorage, compared with the writer's. */
type Tx = { readonly id: number };

/**
 * The storage port on embedded SQLite (better-sqlite3, issue 12). Statements
 * are prepared once per SQL text and run synchronously; the promises only
 * carry the answer. The one connection has one transaction at a time, so the
 * connection is a writer lock: while one async context's transaction is open,
 * queries and transactions of every other context wait in arrival order (a
 * read outside it would see its uncommitted rows, a write would land inside
 * it); the transaction's own queries, found through AsyncLocalStorage, run at
 * once. Durability (port.ts): 'durable' commits alone and answers once the
 * commit is on disk, 'group' shares the group commit (src/db/groupCommit.ts),
 * 'relaxed' commits without waiting for a sync.
 */
export class SqliteStorage implements Storage {
  readonly dialect = sqliteDialect;
  /** Makes commits durable off the event loop once started; the group commit and responses wait for it. */
  readonly walSync: WalSync;
  readonly commits: GroupCommit;
  private readonly statements = new Map<string, Statement>();
  private readonly ambient = new AsyncLocalStorage<Tx>();
  private owner: Tx | null = null;
  /** Who waits for the writer, in arrival order; each is run when its turn comes (see release). */
  private waiting: (() => void)[] = [];
  private nextTx = 1;
  /** A read transaction is open that the reads of this moment share (see shareRead). */
  private reading = false;
  private readonly settleSoon = (): void => this.settleReads();
  /** Queued as a microtask: its nextTick runs once every promise of the current callback has run. */
  private readonly settleAfterPromises = (): void => process.nextTick(this.settleSoon);

  constructor(
    /**
     * The raw handle, for what is SQLite's alone: migrations, checkpointer,
     * backup, bench. The reads of the current callback may hold a read
     * transaction open on it (shareRead): call settleReads() before writing
     * through it or running what needs no open transaction.
     */
    readonly db: Db,
    logger: Logger,
  ) {
    this.walSync = new WalSync(db, logger, { settle: () => this.settleReads(), open: () => this.reading });
    this.commits = new GroupCommit(db, this.walSync, (body) => this.exclusive(body));
  }

  all<T>(sql: string, params?: Params): Promise<T[]> {
    if (this.mustWait()) return this.later(() => this.allNow<T>(sql, params));
    try {
      return Promise.resolve(this.allNow<T>(sql, params));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  get<T>(sql: string, params?: Params): Promise<T | undefined> {
    if (this.mustWait()) return this.later(() => this.getNow<T>(sql, params));
    try {
      return Promise.resolve(this.getNow<T>(sql, params));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  run(sql: string, params?: Params): Promise<RunResult> {
    if (this.mustWait()) return this.later(() => this.runNow(sql, params));
    try {
      return Promise.resolve(this.runNow(sql, params));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (this.owner !== null && this.ambient.getStore() === this.owner) return this.nested(fn);
    const durability = options?.durability ?? 'durable';
    if (durability === 'group') return this.commits.run(fn);
    // With the WAL sync running, a relaxed write (a rate-limit hit, a lockout reservation) joins the next group
    // commit and is answered once that COMMIT is done, without waiting for its sync: one COMMIT less per request.
    if (durability === 'relaxed' && this.walSync.active) return this.commits.run(fn, { durable: false });
    const { value, durable } = await this.exclusive(async () => {
      // 'relaxed' (a lockout reservation, issue 10): this one commit at synchronous=NORMAL — atomic and
      // crash-safe in WAL, only a power cut may lose it. With the WAL sync running every commit is at NORMAL.
      const relax = durability === 'relaxed' && !this.walSync.active;
      if (relax) this.exec('PRAGMA synchronous = NORMAL');
      try {
        const result = await this.inTransaction(fn);
        return { value: result, durable: durability === 'durable' ? this.walSync.whenDurable() : undefined };
      } finally {
        if (relax) this.exec('PRAGMA synchronous = FULL');
      }
    });
    if (durable) await durable;
    return value;
  }

  /**
   * undefined when everything committed is durable, else a promise of it
   * (WalSync.whenDurable) — asked once no transaction is open, since one
   * still open would be counted before it is committed.
   */
  whenDurable(): Promise<void> | undefined {
    if (this.owner === null) return this.walSync.whenDurable();
    return this.later(() => this.walSync.whenDurable()).then(() => undefined);
  }

  async ping(): Promise<void> {
    try {
      await this.get('SELECT 1');
    } catch (err) {
      throw new StorageUnavailableError('the SQLite database cannot be read', { cause: err });
    }
  }

  async close(): Promise<void> {
    if (this.owner !== null) await this.later(() => undefined);
    this.settleReads();
    if (this.db.open) this.db.close();
  }

  /**
   * Ends the read transaction the reads of this moment share, if one is open:
   * before the raw handle (`db`) is used for what must run outside any
   * transaction (VACUUM INTO). Everything in this class that writes or begins
   * a transaction does it first, and so does the WAL sync.
   */
  settleReads(): void {
    if (!this.reading) return;
    this.reading = false;
    if (this.db.open && this.db.inTransaction) this.exec('COMMIT');
  }

  /** BEGIN IMMEDIATE … COMMIT around `fn`, rolled back when it throws; the caller holds the writer. */
  private async inTransaction<T>(fn: () => Promise<T>): Promise<T> {
    this.exec('BEGIN IMMEDIATE');
    try {
      const value = await fn();
      this.exec('COMMIT');
      return value;
    } catch (err) {
      if (this.db.inTransaction) this.exec('ROLLBACK');
      throw err;
    }
  }

  /** A transaction inside the open one joins it, in a savepoint: if it throws, its own writes are undone. */
  private async nested<T>(fn: () => Promise<T>): Promise<T> {
    this.exec('SAVEPOINT nested');
    try {
      const value = await fn();
      this.exec('RELEASE nested');
      return value;
    } catch (err) {
      if (this.db.inTransaction) {
        this.exec('ROLLBACK TO nested');
        this.exec('RELEASE nested');
      }
      throw err;
    }
  }

  /** Runs `body` holding the writer, as the ambient transaction of everything it awaits. */
  private async exclusive<T>(body: () => Promise<T>): Promise<T> {
    const tx: Tx = { id: this.nextTx++ };
    if (this.owner !== null) await new Promise<void>((resolve) => this.waiting.push(() => ((this.owner = tx), resolve())));
    else this.owner = tx;
    this.settleReads();
    try {
      return await this.ambient.run(tx, body);
    } finally {
      this.release();
      // Node 20's AsyncLocalStorage tracks every promise through async hooks while
      // it is enabled: 5% of a confirmation's CPU and a sixth of its garbage,
      // spent on requests that never ask (issue 11). The ambient transaction is
      // only asked for while the writer is held, so the hooks run only then:
      // once the writer is free, the store is disabled (getStore() answers
      // undefined, as it would outside any transaction) and the next run()
      // enables it again.
      if (this.owner === null) this.ambient.disable();
    }
  }

  /** The writer is free: waiters run in arrival order — queries at once — until one takes the writer. */
  private release(): void {
    this.owner = null;
    while (this.owner === null && this.waiting.length > 0) this.waiting.shift()!();
  }

  /** A query from outside the open transaction must wait for it to end. */
  private mustWait(): boolean {
    return this.owner !== null && this.ambient.getStore() !== this.owner;
  }

  private later<T>(query: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.waiting.push(() => {
        try {
          resolve(query());
        } catch (err) {
          reject(err);
        }
      }),
    );
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private exec(sql: string): void {
    this.statement(sql).run();
  }

  /**
   * Outside a transaction every statement of SQLite's is its own: a read
   * takes and drops the WAL read lock and checks the file, three system
   * calls that cost 6 µs on this machine against 0.4 µs for the read
   * itself inside a transaction (issue 11). So the reads made outside a
   * transaction by one callback and the promises it sets going — one
   * request's session, user and page data — share one read transaction
   * (BEGIN … COMMIT, a snapshot of one moment, as a single read would see).
   * It ends once that callback's promises have all run (a microtask that
   * queues a process.nextTick: the tick runs after the microtask queue is
   * drained), or before anything writes or begins a transaction on this
   * connection. It never spans two callbacks, so a request always reads
   * after whatever another connection — a second node, the CLI — committed
   * before it arrived. A statement that writes (RETURNING included) never
   * joins it. A bare process.nextTick ended it too early: a request's
   * session is read in the socket's callback and its page in the promises
   * after it, and each request paid for two (strace: 4 fcntl + 2 fstat a
   * menu). Ending it in the loop's check phase instead (setImmediate) shared
   * it among requests too — menu +9% — but then a request could read a
   * snapshot older than another node's answered commit (the two-node
   * lockout test caught it).
   */
  private shareRead(statement: Statement): void {
    if (this.owner !== null) return; // inside the writer's transaction: its own reads
    if (!statement.readonly) return this.settleReads();
    if (this.reading || this.db.inTransaction) return;
    this.exec('BEGIN');
    this.reading = true;
    queueMicrotask(this.settleAfterPromises);
  }

  private allNow<T>(sql: string, params: Params | undefined): T[] {
    const statement = this.statement(sql);
    this.shareRead(statement);
    return (params === undefined ? statement.all() : statement.all(params)) as T[];
  }

  private getNow<T>(sql: string, params: Params | undefined): T | undefined {
    const statement = this.statement(sql);
    this.shareRead(statement);
    return (params === undefined ? statement.get() : statement.get(params)) as T | undefined;
  }

  private runNow(sql: string, params: Params | undefined): RunResult {
    const statement = this.statement(sql);
    this.shareRead(statement);
    return { changes: (params === undefined ? statement.run() : statement.run(params)).changes };
  }
}
