import http from 'node:http';
import { codeAt, stepAt } from '../src/domain/totp';
import type { Fixture, ConfirmSlot } from './seed';
import type { Shot } from './load';

/** Round-robin over the signed-in menu users: GET / must answer 200 (the メニュー). */
export function menuShots(fixture: Fixture): () => Shot {
  let i = 0;
  return () => {
    const user = fixture.menu[i++ % fixture.menu.length]!;
    return { method: 'GET', path: '/', cookie: user.cookie, expect: { status: 200 } };
  };
}

/**
 * Each confirmation is another user's draft with that user's own token's
 * current code. A token accepts one code per 30-second step (R2), so a user
 * comes back only in a later step; running out of users is an error of the
 * benchmark's sizing, not a result.
 */
export function confirmShots(fixture: Fixture): () => Shot {
  const slots = fixture.confirm;
  const lastStep = new Map<ConfirmSlot, number>();
  let i = 0;
  return () => {
    const now = Date.now();
    const step = stepAt(now);
    for (let tried = 0; tried < slots.length; tried += 1) {
      const slot = slots[i++ % slots.length]!;
      if (slot.drafts.length === 0 || (lastStep.get(slot) ?? -1) >= step) continue;
      lastStep.set(slot, step);
      const draft = slot.drafts.shift()!;
      return {
        method: 'POST',
        path: `/transfers/${draft}/confirm`,
        cookie: slot.cookie,
        body: `_csrf=${slot.csrf}&otp=${codeAt(slot.secret, now)}`,
        expect: { status: 303, location: `/transfers/${draft}` },
        key: String(draft),
      };
    }
    throw new Error('benchmark sizing: no user left whose token can give a fresh code; seed more users or drafts');
  };
}

/** Each login spends one pre-login session (login regenerates the session id). */
export function loginShots(fixture: Fixture, password: string): () => Shot {
  let i = 0;
  return () => {
    const session = fixture.preLogin[i];
    if (!session) throw new Error('benchmark sizing: pre-login sessions exhausted');
    const loginId = fixture.loginIds[i % fixture.loginIds.length]!;
    i += 1;
    return {
      method: 'POST',
      path: '/login',
      cookie: session.cookie,
      body: `_csrf=${session.csrf}&loginId=${loginId}&password=${encodeURIComponent(password)}`,
      expect: { status: 303, location: '/' },
      key: session.sid,
    };
  };
}

/**
 * Latencies (ms) of one page requested back to back for `ms`, with
 * sub-millisecond precision (autocannon's histogram counts whole ms, too
 * coarse to compare two pages that take 1–3 ms).
 */
export async function sequentialLatencies(base: string, path: string, cookie: string, ms: number): Promise<{ samples: number[]; unexpected: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  let unexpected = 0;
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const t0 = process.hrtime.bigint();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.get(`${base}${path}`, { agent, headers: { cookie } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (status !== 200) unexpected += 1;
  }
  agent.destroy();
  return { samples, unexpected };
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
