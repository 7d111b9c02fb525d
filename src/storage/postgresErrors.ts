import { StorageUnavailableError } from './port';

/**
 * How the PostgreSQL adapter reads node-postgres' errors (issue 12): which
 * mean "run the transaction again", which mean "the database cannot serve
 * now" (the web layer's 503, nothing changed), and which are the caller's.
 */

interface PgLikeError {
  code?: unknown;
  message?: unknown;
}

const codeOf = (err: unknown): string =>
  typeof err === 'object' && err !== null && typeof (err as PgLikeError).code === 'string' ? ((err as PgLikeError).code as string) : '';

/** 40001 serialization_failure, 40P01 deadlock_detected: the transaction lost a race and may simply run again. */
export function isRetryable(err: unknown): boolean {
  const code = codeOf(err);
  return code === '40001' || code === '40P01';
}

const UNAVAILABLE_CODES = new Set([
  // The socket: the server is down, restarting or unreachable.
  'ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down).
  '57P01', '57P02', '57P03',
  // query_canceled: the statement_timeout ran out.
  '57014',
  // too_many_connections: the server's max_connections is spent.
  '53300',
]);

// What node-postgres says when a connection ends or a pool waits too long; these errors carry no code.
const UNAVAILABLE_MESSAGES = /Connection terminated|Connection closed|connection error|not queryable|timeout exceeded when trying to connect|Query read timeout/i;

export function isUnavailable(err: unknown): boolean {
  if (err instanceof StorageUnavailableError) return true;
  const code = codeOf(err);
  // Class 08: connection_exception and its kinds.
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
  const message = typeof err === 'object' && err !== null ? (err as PgLikeError).message : undefined;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** The error as a StorageUnavailableError whatever it was: for the steps where any failure means "cannot serve" (connect, ping). */
export function asUnavailable(err: unknown, what: string): StorageUnavailableError {
  if (err instanceof StorageUnavailableError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new StorageUnavailableError(`PostgreSQL unavailable (${what}): ${reason}`, { cause: err });
}

/** The error as the port promises it: StorageUnavailableError for the database's unavailability, the error itself otherwise. */
export function toStorageError(err: unknown, what: string): unknown {
  return isUnavailable(err) ? asUnavailable(err, what) : err;
}

/**
 * 42P18 indeterminate_datatype, 42725 ambiguous_function: PostgreSQL could not
 * infer a parameter's type (`? IS NULL` alone, `? + ?`). The statement is named
 * in the message so that the shared SQL gets its `CAST(? AS …)`, which both
 * engines accept.
 */
export function withStatement(err: unknown, sql: string): unknown {
  const code = codeOf(err);
  if ((code === '42P18' || code === '42725') && err instanceof Error) {
    err.message = `${err.message} — add CAST(? AS BIGINT|TEXT) to the parameter in: ${sql.replace(/\s+/g, ' ').trim()}`;
  }
  return err;
}
