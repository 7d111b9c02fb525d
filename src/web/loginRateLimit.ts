import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Deps } from '../deps';
import type { Realm } from './session';
import { perMinute } from './userRateLimit';

/**
 * Login attempts per client address and minute (DESIGN §6), on either
 * listener, each counted apart: past the limit the login form is shown again
 * with a 429.
 */
export function loginRateLimit(deps: Deps, realm: Realm, view: string, title: string): RequestHandler {
  return rateLimit({
    // Keyed by the client address Express derives under TRUST_PROXY (the library's default key).
    ...perMinute(deps, `login:${realm}:`, deps.config.loginRateLimitPerMinute),
    handler: (_req, res) => {
      res.status(429).render(view, {
        title,
        errors: { _form: 'ログインの試行が多すぎます。しばらくしてから再度お試しください。' },
        values: {},
      });
    },
  });
}
