import type { Params, Storage } from '../../src/storage/port';

/**
 * Which engine the suite runs on (issue 12): `npm test` on SQLite,
 * `npm run test:pg` (scripts/with-postgres.sh exports DATABASE_URL) the same
 * integration tests on PostgreSQL.
 */
export const onPostgres = /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '');

/**
 * A describe block about what only SQLite has (its WAL sync, the group
 * commit, the checkpointer, the database file, its query plans). On
 * PostgreSQL it is skipped, and the reason is in its name, so that the run
 * lists it as skipped and says why.
 */
export function describeSqliteOnly(name: string, reason: string, fn: () => void): void {
  if (onPostgres) describe.skip(`${name} [SQLite only: ${reason}]`, fn);
  else describe(name, fn);
}

/** One test about what only SQLite has, skipped on PostgreSQL with its reason in its name. */
export function testSqliteOnly(name: string, reason: string, fn: jest.ProvidesCallback): void {
  if (onPostgres) test.skip(`${name} [SQLite only: ${reason}]`, fn);
  else test(name, fn);
}

/** The first column of the first row (a count, a sum, one value) on either engine; undefined when there is no row. */
export async function scalar<T = number>(storage: Storage, sql: string, params?: Params): Promise<T | undefined> {
  const row = await storage.get<Record<string, unknown>>(sql, params);
  return row === undefined ? undefined : (Object.values(row)[0] as T);
}

/** The first column of every row, on either engine. */
export async function column<T = unknown>(storage: Storage, sql: string, params?: Params): Promise<T[]> {
  return (await storage.all<Record<string, unknown>>(sql, params)).map((row) => Object.values(row)[0] as T);
}
