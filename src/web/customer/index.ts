import { Router } from 'express';
import type { Deps } from '../../deps';
import { authRoutes } from './auth';
import { menuRoutes } from './menu';
import { transferRoutes } from './transfers';
import { adminRoutes } from './admin';
import { softtokenRoutes } from './softtoken';

/** Every customer screen, wired in one place (DESIGN §4). */
export function customerRoutes(deps: Deps): Router {
  const router = Router();
  router.use(authRoutes(deps));
  router.use(menuRoutes(deps));
  router.use(transferRoutes(deps));
  router.use('/admin', adminRoutes(deps));
  router.use(softtokenRoutes(deps));
  return router;
}
