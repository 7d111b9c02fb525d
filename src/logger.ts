import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets never reach them: request logs carry no body,
 * and cookie / authorization headers are redacted as a second line of defence.
 */
export function createLogger(level: string, opts: { buffered?: boolean } = {}): Logger {
  // The server buffers its lines (up to 8 KiB, written asynchronously): a
  // synchronous write per request line cost the menu about 8% (issue 5). pino
  // flushes the buffer when the process exits, uncaught errors included; only
  // a kill -9 or a power cut can lose the last lines — the audit log, the
  // record that matters, is in the database.
  const destination = pino.destination({ dest: 1, sync: !opts.buffered, minLength: opts.buffered ? 8192 : 0 });
  return pino({
    level,
    base: { service: 'webfb' },
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.otp'],
      censor: '[redacted]',
    },
  }, destination);
}
