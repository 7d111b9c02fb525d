import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

export interface LoggerOptions {
  /** Lines buffered and written asynchronously (the server); synchronous otherwise (the CLI, tests). */
  buffered?: boolean;
  /** Human-readable lines through pino-pretty instead of JSON (see prettyLogs). */
  pretty?: boolean;
  /** Where JSON lines go instead of stdout (tests). */
  destination?: DestinationStream;
}

/**
 * Whether the server's log is for a person at a terminal: in development only,
 * when stdout is a TTY or LOG_PRETTY=1 says so (LOG_PRETTY=0 turns it off).
 * Production logs stay JSON whatever LOG_PRETTY says: they are read by the
 * log collector, and pino-pretty's worker thread has no place there.
 */
export function prettyLogs(config: Pick<Config, 'env' | 'logPretty'>, stdoutIsTTY: boolean): boolean {
  if (config.env !== 'development') return false;
  return config.logPretty ?? stdoutIsTTY;
}

const REDACT = {
  paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.otp'],
  censor: '[redacted]',
};

/**
 * Structured JSON logs. Secrets never reach them: request logs carry no body,
 * and cookie / authorization headers are redacted as a second line of defence.
 */
export function createLogger(level: string, opts: LoggerOptions = {}): Logger {
  const options = { level, base: { service: 'webfb' }, redact: REDACT };
  if (opts.pretty) {
    // A transport: pino-pretty formats in a worker thread, off the event loop.
    // The time is the machine's local time; pid, hostname, the service name and
    // the start-up lines' url (already in their message) say nothing more to the
    // person watching the terminal.
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service,url', singleLine: false } },
    });
  }
  // The server buffers its lines (up to 8 KiB, written asynchronously): a
  // synchronous write per request line cost the menu about 8% (issue 5). pino
  // flushes the buffer when the process exits, uncaught errors included; only
  // a kill -9 or a power cut can lose the last lines — the audit log, the
  // record that matters, is in the database.
  const destination = opts.destination ?? pino.destination({ dest: 1, sync: !opts.buffered, minLength: opts.buffered ? 8192 : 0 });
  return pino(options, destination);
}
