import type { NextFunction, Request, Response } from 'express';
import { InFlightRequests } from '../../src/web/inFlight';

/** A response whose end() is recorded, as the session and durability wrappers would call it. */
function response(): Response & { ended: boolean } {
  const res = { ended: false, end() { res.ended = true; return res; } };
  return res as unknown as Response & { ended: boolean };
}

function tracked(inFlight: InFlightRequests): Response & { ended: boolean } {
  const res = response();
  inFlight.track({} as Request, res, (() => undefined) as NextFunction);
  return res;
}

describe('requests in flight at shutdown', () => {
  afterEach(() => jest.useRealTimers());

  test('when no handler is running, then settled() resolves at once', async () => {
    await expect(new InFlightRequests().settled(1_000)).resolves.toBeUndefined();
  });

  test('when handlers are running, then settled() resolves only once the last has answered (its client gone or not)', async () => {
    const inFlight = new InFlightRequests();
    const [first, second] = [tracked(inFlight), tracked(inFlight)];
    let settled = false;
    const waiting = inFlight.settled(60_000).then(() => (settled = true));

    first.end();
    await Promise.resolve();
    expect(settled).toBe(false);
    second.end();
    second.end(); // a second end() counts once
    await waiting;
    expect({ settled, ended: [first.ended, second.ended] }).toEqual({ settled: true, ended: [true, true] });
  });

  test('when a handler never answers, then settled() gives up after its timeout', async () => {
    jest.useFakeTimers();
    const inFlight = new InFlightRequests();
    tracked(inFlight);
    let settled = false;
    const waiting = inFlight.settled(5_000).then(() => (settled = true));

    jest.advanceTimersByTime(4_999);
    await Promise.resolve();
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    await waiting;
    expect(settled).toBe(true);
  });
});
