import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'http' {
  interface IncomingMessage {
    /** The id of this request in the logs, shown as お問い合わせ番号 on error pages. */
    id?: string;
  }
}

/**
 * Crockford's base-32 letters without 0 and 1: no 0/O, 1/I/L or U/V mix-up when
 * a customer reads the number out on the phone. 30 symbols.
 */
export const SUPPORT_ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const SUPPORT_ID_LENGTH = 8;

/**
 * お問い合わせ番号: 8 random symbols (crypto), e.g. 7KQ4MZ2X. It is a lookup key,
 * not an identity: staff always search it together with the time of the
 * customer's call. 30^8 ≈ 6.6 × 10^11 values, so even at a million requests a
 * day the chance that another request of the same day carries the id a
 * customer reads out is about 1 in 650,000 — and the time and path of the two
 * lines would still tell them apart. Global uniqueness (a UUID) bought nothing
 * but a 36-character number nobody can read out.
 */
export function newSupportId(): string {
  let id = '';
  for (let i = 0; i < SUPPORT_ID_LENGTH; i++) id += SUPPORT_ID_ALPHABET[crypto.randomInt(SUPPORT_ID_ALPHABET.length)];
  return id;
}

/**
 * One log line per request: id, method, path (never the query string), status
 * and time taken; never bodies, cookies or headers. This replaces pino-http,
 * which built a child logger per request, serializing and redacting the
 * request on every call: a third of the menu's cost in the benchmark (issue 5).
 * The line is written when the response finishes, or when the client goes away.
 */
export function requestLog(logger: Logger): RequestHandler {
  // The line is built below from fixed fields only — no header, body or query
  // string can reach it — so it skips the logger's redaction pass, which
  // walked every line for its wildcard paths: 6.0 → 3.6 µs a line, and 2% of
  // a confirmation's garbage (issue 11). Every other log line keeps it.
  const lines = logger.child({}, { redact: { paths: [] } });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    req.id = newSupportId();
    const path = req.url.split('?')[0];
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      const responseTime = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
      // The shape pino-http wrote before, so that log queries keep working.
      const line = { req: { id: req.id, method: req.method, path }, res: { statusCode: res.statusCode }, responseTime };
      if (res.writableFinished) lines.info(line, 'request completed');
      else lines.warn(line, 'request aborted by the client');
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
