import { Router } from 'express';
import type { Deps } from '../../deps';
import { loginHistory } from '../../services/loginHistory';
import { currentUser, requireLogin } from '../auth';

/** ログイン履歴 (issue 13, item 5): the user's last login attempts; the administrator also sees the company's. */
export function loginHistoryRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', requireLogin, async (_req, res) => {
    const { own, company } = await loginHistory(deps.repos.loginHistory, currentUser(res));
    res.render('customer/loginHistory', { title: 'ログイン履歴', own, company });
  });
  return router;
}
