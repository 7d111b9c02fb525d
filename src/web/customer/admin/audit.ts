import { Router } from 'express';
import type { Deps } from '../../../deps';
import { currentUser } from '../../auth';
import { fetchPage } from '../../paging';
import { companyAuditPage } from '../../../services/auditLog';

/** 操作履歴: the own company's audit log only, newest first (R11). */
export function auditRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/audit', (req, res) => {
    const admin = currentUser(res);
    const { rows, pager } = fetchPage(req.query.page, (limit, offset) => companyAuditPage(deps.repos.audit, admin, limit, offset));
    res.render('admin/audit', { title: '操作履歴', rows, pager });
  });
  return router;
}
