import express, { type Express, type Router } from 'express';
import path from 'node:path';
import type { Deps } from './deps';
import { requestLog } from './web/requestLog';
import { securityHeaders, noStore, exposeCsrfToken, csrfProtection } from './web/security';
import { createSessionMiddleware, flash, type Realm } from './web/session';
import { loadCustomer, loadStaff } from './web/auth';
import { errorHandler, notFoundHandler } from './web/errors';
import { viewHelpers } from './web/format';
import { outboxHealth } from './services/mailOps';
import { durableResponses } from './web/durableResponses';
import { customerRoutes } from './web/customer';
import type { InFlightRequests } from './web/inFlight';
import { staffRoutes } from './web/staff';

const ROOT = path.resolve(__dirname, '..');

/**
 * The middleware both listeners share, in the order that matters: headers
 * first (so error pages get them too), static files before sessions, the body
 * parser with a small limit, the session, responses held until what they show
 * is durable, then CSRF on every state change.
 */
function createBaseApp(deps: Deps, realm: Realm, routes: Router, inFlight: InFlightRequests | undefined): Express {
  const app = express();
  app.disable('x-powered-by');
  // Every dynamic page is Cache-Control: no-store, so no browser ever revalidates
  // it: hashing each body for an ETag was pure cost (issue 5). express.static
  // keeps its own ETags for the stylesheet and images.
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxy);
  app.set('views', path.join(ROOT, 'views'));
  app.set('view engine', 'ejs');
  Object.assign(app.locals, viewHelpers, { realm });

  app.use(requestLog(deps.logger));
  app.use(securityHeaders);
  app.use('/static', express.static(path.join(ROOT, 'public'), { index: false, maxAge: '1h' }));
  app.get('/healthz', async (_req, res) => {
    await deps.storage.ping();
    // The outbox backlog (issue 14): a monitor alerts on mail piling up or failing for good.
    res.set('Cache-Control', 'no-store').json({ status: 'ok', outbox: await outboxHealth(deps.repos.outbox, deps.clock) });
  });
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }));
  const { middleware: session } = createSessionMiddleware(deps, realm);
  if (inFlight) app.use(inFlight.track);
  app.use(session, durableResponses(deps.sqlite), noStore, exposeCsrfToken, flash);
  app.use(realm === 'customer' ? loadCustomer(deps) : loadStaff(deps));
  app.use(csrfProtection);
  app.use(routes);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

/** The customer site (PORT). No staff route exists on it. */
export const createCustomerApp = (deps: Deps, inFlight?: InFlightRequests): Express => createBaseApp(deps, 'customer', customerRoutes(deps), inFlight);

/** The branch console (STAFF_HOST:STAFF_PORT, loopback by default). */
export const createStaffApp = (deps: Deps, inFlight?: InFlightRequests): Express => createBaseApp(deps, 'staff', staffRoutes(deps), inFlight);
