import { Router } from 'express';
import type { Deps } from '../../deps';
import { authRoutes } from './auth';
import { loginHistoryRoutes } from './loginHistory';
import { menuRoutes } from './menu';
import { transferRoutes } from './transfers';
import { adminRoutes } from './admin';
import { softtokenRoutes } from './softtoken';
import { settingsRoutes } from './settings';
import { otpRateLimit } from '../userRateLimit';
import { resyncRoutes } from './resync';

/** Every customer screen, wired in one place (DESIGN §4). */
export function customerRoutes(deps: Deps): Router {
  const router = Router();
  // One limiter for every form that takes a one-time password — 振込内容確認 and the
  // token registrations alike — so a user's count is shared between them (DESIGN §6).
  const otpLimit = otpRateLimit(deps);
  router.use(authRoutes(deps));
  router.use(menuRoutes(deps));
  router.use(loginHistoryRoutes(deps));
  router.use(transferRoutes(deps, otpLimit));
  router.use(resyncRoutes(deps, otpLimit));
  router.use('/admin', adminRoutes(deps, otpLimit));
  router.use(softtokenRoutes(deps));
  router.use(settingsRoutes(deps));
  return router;
}
