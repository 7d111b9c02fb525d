import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../../../deps';
import { otpCompleteRoutes } from './complete';
import { otpModeRoutes } from './mode';
import { otpOverviewRoutes } from './overview';
import { otpRegisterRoutes } from './register';
import { otpReplaceRoutes } from './replace';
import { otpUserRoutes } from './users';

/**
 * ワンタイムパスワード認証情報管理 (manual §3(2), §3(3)) under /admin/otp, one
 * module per step as the manual numbers them: ① overview, ② mode, ④ register,
 * ⑤ complete, and §3(3) the users' registration and unregistration.
 */
export function otpRoutes(deps: Deps, otpLimit: RequestHandler): Router {
  const router = Router();
  router.use(otpOverviewRoutes(deps));
  router.use(otpModeRoutes(deps));
  router.use(otpRegisterRoutes(deps, otpLimit));
  router.use(otpCompleteRoutes(deps));
  router.use(otpUserRoutes(deps, otpLimit));
  router.use(otpReplaceRoutes(deps, otpLimit));
  return router;
}
