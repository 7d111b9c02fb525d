import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Deps } from '../deps';

/**
 * Login attempts per client address and minute (DESIGN §6), on either
 * listener: past the limit the login form is shown again with a 429.
 */
export function loginRateLimit(deps: Deps, view: string, title: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: deps.config.loginRateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Without a trusted proxy a client's own X-Forwarded-For is ignored by design (TRUST_PROXY, issue 10),
    // so the limiter is not to print a warning whenever one is sent.
    validate: { xForwardedForHeader: false },
    handler: (_req, res) => {
      res.status(429).render(view, {
        title,
        errors: { _form: 'ログインの試行が多すぎます。しばらくしてから再度お試しください。' },
        values: {},
      });
    },
  });
}
