import { Router } from 'express';
import type { Deps } from '../../deps';
import { fetchPage } from '../paging';
import { allAuditPage } from '../../services/auditLog';

/** 操作履歴 for branch staff: every company's entries, newest first (R11). */
export function auditRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const { rows, pager } = fetchPage(req.query.page, (limit, offset) => allAuditPage(deps.repos.audit, limit, offset));
    res.render('staff/audit', { title: '操作履歴', rows, pager });
  });
  return router;
}
