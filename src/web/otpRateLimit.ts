import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Deps } from '../deps';

/**
 * One-time-password entries per signed-in user and minute (DESIGN §6), on
 * every form that takes a code. The lockout (R9) caps guesses in total; this
 * caps their speed, so scripted guessing cannot race the counter.
 */
export function otpRateLimit(deps: Deps): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: deps.config.otpRateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Only POSTs carry a code; keyed by user, so one office behind one address shares nothing.
    skip: (req) => req.method !== 'POST',
    keyGenerator: (req) => `user:${String(req.session.userId ?? 'anonymous')}`,
    handler: (req, res) => {
      res.status(429).render('errors/error', {
        title: '操作が多すぎます',
        message: 'ワンタイムパスワードの入力が多すぎます。しばらくしてから再度お試しください。',
        supportId: String(req.id),
      });
    },
  });
}
