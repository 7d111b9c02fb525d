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
import { RESYNC_PATH } from './otpMessages';

/** Every customer screen, wired in one place (DESIGN §4). */
export function customerRoutes(deps: Deps): Router {
  const router = Router();
  // One limiter for every form that takes a one-time password — 振込内容確認 and the
  // token registrations alike — so a user's count is shared between them (DESIGN §6).
  const otpLimit = otpRateLimit(deps);
  // Each screen's routes are mounted under its path, as the staff realm's are: a request enters
  // only its own screen's router, where each nested router it passed through used to cost it
  // a dispatch (issue 11). メニュー (/) and ログイン/ログアウト share no prefix; they come last.
  router.use('/transfers', transferRoutes(deps, otpLimit));
  router.use('/login-history', loginHistoryRoutes(deps));
  router.use(RESYNC_PATH, resyncRoutes(deps, otpLimit));
  router.use('/admin', adminRoutes(deps, otpLimit));
  router.use('/settings', settingsRoutes(deps));
  router.use('/softtoken', softtokenRoutes(deps));
  router.use(menuRoutes(deps));
  router.use(authRoutes(deps));
  return router;
}
