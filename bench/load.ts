import autocannon from 'autocannon';

/** One request the load sends, and the answer that counts as success. */
export interface Shot {
  method: 'GET' | 'POST';
  path: string;
  cookie?: string;
  body?: string;
  expect: { status: number; location?: string };
  /** What the outcome is checked by afterwards: a draft id, a pre-login session id. */
  key?: string;
}

export interface LoadOptions {
  base: string;
  connections: number;
  durationS: number;
  next: () => Shot;
  /** Requests per second over all connections; unlimited when absent. */
  overallRate?: number;
}

export interface LoadResult {
  rps: number;
  total: number;
  ok: number;
  /** Answers other than the expected status (and Location), errors and timeouts. */
  unexpected: number;
  errors: number;
  timeouts: number;
  p50Ms: number;
  p99Ms: number;
  examples: string[];
  /** Shots answered as expected. */
  okShots: Shot[];
  /**
   * Shots sent but cut off unanswered when the time was up: the server may
   * still have carried them out, so their outcome is read from the database.
   */
  cutOff: Shot[];
}

const header = (headers: Record<string, unknown> | undefined, name: string): string | undefined => {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : String(headers![key]);
};

/**
 * Drives one scenario with autocannon for a bounded time. Every answer is
 * checked against what that request should get (a redirect after a form is
 * the success of the PRG pattern, so success is "the expected status and
 * Location", not "2xx").
 */
export async function load(opts: LoadOptions): Promise<LoadResult> {
  let unexpected = 0;
  const okShots: Shot[] = [];
  const inFlight = new Set<Shot>();
  const examples: string[] = [];
  const request: autocannon.Request = {
    setupRequest: (req, context) => {
      const shot = opts.next();
      (context as { shot?: Shot }).shot = shot;
      inFlight.add(shot);
      const headers: Record<string, string> = {};
      if (shot.cookie) headers.cookie = shot.cookie;
      if (shot.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      return { ...req, method: shot.method, path: shot.path, headers, body: shot.body };
    },
    onResponse: (status, _body, context, headers) => {
      const shot = (context as { shot: Shot }).shot;
      inFlight.delete(shot);
      const location = header(headers as Record<string, unknown>, 'location');
      if (status === shot.expect.status && (shot.expect.location === undefined || location === shot.expect.location)) {
        okShots.push(shot);
      } else {
        unexpected += 1;
        if (examples.length < 5) examples.push(`${shot.method} ${shot.path} → ${status}${location ? ` ${location}` : ''}`);
      }
    },
  };
  const result = await autocannon({
    url: opts.base,
    connections: opts.connections,
    duration: opts.durationS,
    timeout: 10,
    requests: [request],
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
  });
  const total = result.requests.total;
  return {
    rps: total / result.duration,
    total,
    ok: okShots.length,
    unexpected: unexpected + result.errors,
    errors: result.errors,
    timeouts: result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    examples,
    okShots,
    cutOff: [...inFlight],
  };
}
