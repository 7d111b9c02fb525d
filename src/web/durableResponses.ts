import type { RequestHandler, Response } from 'express';
import { wrapEnd } from './responseEnd';

/** Whatever can say when every commit made so far is durable (the SQLite storage: WalSync behind its writer lock). */
export interface DurableCommits {
  whenDurable(): Promise<void> | undefined;
}

/**
 * No response leaves before what it may show is durable (src/db/walSync.ts).
 * A page is built from whatever is committed, and with the WAL sync running a
 * commit is visible some milliseconds before it is on disk: a replayed
 * confirmation answering with the 受付番号 of a transfer committed a moment
 * earlier, or a balance, must not reach the customer if a power cut could
 * still undo it. So res.end waits until every commit made so far is synced —
 * at once when none is pending (every read-only page when nothing is being
 * written). Mounted after the session middleware, so that this wrapper runs
 * first and the session's own save (a group-commit write, answered when
 * durable) follows it. If the sync fails the response is dropped, never sent:
 * it may claim what the disk does not hold.
 */
export function durableResponses(walSync: DurableCommits | undefined): RequestHandler {
  // An engine whose commit is durable when it returns (PostgreSQL) holds nothing back.
  if (!walSync) return (_req, _res, next) => next();
  return (_req, res, next) => {
    wrapEnd(res, (end) => function durableEnd(this: Response, ...args: unknown[]): Response {
      const durable = walSync.whenDurable();
      if (!durable) return end.apply(this, args);
      durable.then(
        () => end.apply(this, args),
        (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
      );
      return this;
    });
    next();
  };
}
