import type { RequestHandler, Response } from 'express';
import { wrapEnd } from './responseEnd';

/**
 * The requests whose handlers have not answered yet. A client that goes away
 * closes its connection while its handler may still run (a login in bcrypt),
 * so the servers' close() resolves under it, and closing the storage then
 * cuts the handler between its commits: a login's audit row without its new
 * session (the benchmark's ledger check saw one in CI). The service's stop()
 * waits for this count as well. Mounted before the session middleware, so its
 * res.end runs last: after the session's save and the durability wait
 * (durableResponses), which wrap it.
 */
export class InFlightRequests {
  private count = 0;
  private waiters: Array<() => void> = [];

  readonly track: RequestHandler = (_req, res, next) => {
    this.count += 1;
    let answered = false;
    const settle = (): void => {
      if (answered) return;
      answered = true;
      this.count -= 1;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    };
    wrapEnd(res, (end) => function trackedEnd(this: Response, ...args: unknown[]): Response {
      try {
        return end.apply(this, args);
      } finally {
        settle();
      }
    });
    next();
  };

  /** Resolves once every tracked handler has answered, or after `timeoutMs` (a handler that never answers). */
  settled(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
