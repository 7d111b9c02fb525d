// Time is injected everywhere (STYLE habit 4): lockouts, draft expiry, session
// timeouts and (later) OTP windows read this clock, so tests move a fake one.
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class FakeClock implements Clock {
  constructor(private current: number = Date.UTC(2026, 10, 26, 1, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
