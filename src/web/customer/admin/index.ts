import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../../deps';
import { requireAdmin, requireLogin } from '../../auth';
import { approvalRateLimit } from '../../userRateLimit';
import { auditRoutes } from './audit';
import { limitsRoutes } from './limits';
import { otpRoutes } from './otp';
import { userDetailRoutes } from './userDetail';
import { userEmailRoutes } from './userEmail';
import { userRoutes } from './users';

/** 管理機能 (manual §3(2)①): the administrator's screens, under /admin. */
export function adminRoutes(deps: Deps, otpLimit: RequestHandler): Router {
  const router = Router();
  // Decided on the server for every request (DESIGN §6): a 利用者 gets 403 on
  // every /admin path, including ones added later.
  router.use(requireLogin, requireAdmin);
  // One limiter for every form that takes the 承認用パスワード, so their count is shared (issue 10).
  router.use(approvalRateLimit(deps));
  router.get('/', (_req, res) => res.render('admin/index', { title: '管理機能' }));
  router.use(otpRoutes(deps, otpLimit));
  router.use(userRoutes(deps));
  router.use(userDetailRoutes(deps));
  router.use(userEmailRoutes(deps));
  router.use(limitsRoutes(deps));
  router.use(auditRoutes(deps));
  return router;
}
