import type { Response } from 'express';

/** res.end as a middleware calls it on: one signature for its overloads. */
export type End = (this: Response, ...args: unknown[]) => Response;

/**
 * Puts `wrap(end)` in place of res.end, for a middleware that must act when
 * its handler answers. A middleware mounted later wraps over this one, so
 * its wrapper runs first and calls this one's.
 */
export function wrapEnd(res: Response, wrap: (end: End) => End): void {
  const target = res as unknown as { end: End };
  target.end = wrap(target.end);
}
