import { Router } from 'express';
import type { Deps } from '../../deps';
import { companyOf } from '../../services/contracts';
import { currentUser, requireLogin } from '../auth';

export function menuRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', requireLogin, (_req, res) => {
    const user = currentUser(res);
    const company = companyOf(deps.repos.companies, user);
    res.render('customer/menu', { title: 'メニュー', company });
  });
  return router;
}
