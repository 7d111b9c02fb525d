import { Router } from 'express';
import type { Deps } from '../../../deps';
import { currentUser } from '../../auth';
import { fetchPage } from '../../paging';

/** 操作履歴: the own company's audit log only, newest first (R11). */
export function auditRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/audit', (req, res) => {
    const { companyId } = currentUser(res);
    const { rows, pager } = fetchPage(req.query.page, (limit, offset) =>
      deps.repos.audit.listForCompany(companyId, limit, offset));
    res.render('admin/audit', { title: '操作履歴', rows, pager });
  });
  return router;
}
