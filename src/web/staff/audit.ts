import { Router } from 'express';
import type { Deps } from '../../deps';
import { paginate, requestedOffset, PAGE_SIZE } from '../paging';

/** 操作履歴 for branch staff: every company's entries, newest first (R11). */
export function auditRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const asked = requestedOffset(req.query.page);
    let result = deps.repos.audit.listAll(PAGE_SIZE, asked);
    const pager = paginate(req.query.page, result.total);
    if (pager.offset !== asked) result = deps.repos.audit.listAll(pager.limit, pager.offset);
    res.render('staff/audit', { title: '操作履歴', rows: result.rows, pager });
  });
  return router;
}
