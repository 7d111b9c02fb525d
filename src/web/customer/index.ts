import { Router } from 'express';
import type { Deps } from '../../deps';
import { authRoutes } from './auth';
import { menuRoutes } from './menu';
import { transferRoutes } from './transfers';
import { adminRoutes } from './admin';

/** Every customer screen, wired in one place (DESIGN §4). */
export function customerRoutes(deps: Deps): Router {
  const router = Router();
  router.use(authRoutes(deps));
  router.use(menuRoutes(deps));
  router.use(transferRoutes(deps));
  router.use('/admin', adminRoutes(deps));
  return router;
}
