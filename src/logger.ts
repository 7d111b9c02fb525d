import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets never reach them: request logs carry no body,
 * and cookie / authorization headers are redacted as a second line of defence.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'webfb' },
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.otp'],
      censor: '[redacted]',
    },
  });
}
