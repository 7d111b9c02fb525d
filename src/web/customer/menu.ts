import { Router } from 'express';
import type { Deps } from '../../deps';
import { currentUser, requireLogin } from '../auth';

export function menuRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', requireLogin, (_req, res) => {
    const user = currentUser(res);
    const company = deps.repos.companies.find(user.companyId)!;
    res.render('customer/menu', { title: 'メニュー', company });
  });
  return router;
}
