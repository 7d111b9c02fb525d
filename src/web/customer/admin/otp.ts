import { Router } from 'express';
import type { Deps } from '../../../deps';
import { otpRateLimit } from '../../userRateLimit';
import { otpModeRoutes } from './otpMode';
import { otpOverviewRoutes } from './otpOverview';
import { otpRegisterRoutes } from './otpRegister';
import { otpUserRoutes } from './otpUsers';

/** ワンタイムパスワード認証情報管理 (manual §3(2), §3(3)) under /admin/otp. */
export function otpRoutes(deps: Deps): Router {
  const router = Router();
  // One limiter for every form that takes a code, so its count is shared between them (DESIGN §6).
  const otpLimit = otpRateLimit(deps);
  router.use(otpOverviewRoutes(deps));
  router.use(otpModeRoutes(deps));
  router.use(otpRegisterRoutes(deps, otpLimit));
  router.use(otpUserRoutes(deps, otpLimit));
  return router;
}
