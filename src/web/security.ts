import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import type { RequestHandler } from 'express';

/**
 * Security headers on every response, error pages included (DESIGN §6). The
 * CSP allows no script at all: every screen is plain HTML forms.
 */
export const securityHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'same-origin' },
  crossOriginEmbedderPolicy: false,
});

/** Pages behind login must never be kept by the browser or a proxy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  next();
};

// Synchronizer token pattern (csurf is deprecated): the token lives in the
// server-side session and every state-changing form posts it back as _csrf.
const csrf = csrfSync({
  getTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
});

export const csrfProtection: RequestHandler = csrf.csrfSynchronisedProtection;

/** Views call csrfToken() only where they render a form, so no page creates a session needlessly. */
export const exposeCsrfToken: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = () => csrf.generateToken(req);
  next();
};
