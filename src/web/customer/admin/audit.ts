import { Router } from 'express';
import type { Deps } from '../../../deps';
import { currentUser } from '../../auth';
import { PAGE_SIZE, paginate, requestedOffset } from '../../paging';

/** 操作履歴: the own company's audit log only, newest first (R11). */
export function auditRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/audit', (req, res) => {
    const { companyId } = currentUser(res);
    const asked = requestedOffset(req.query.page);
    const first = deps.repos.audit.listForCompany(companyId, PAGE_SIZE, asked);
    const pager = paginate(req.query.page, first.total);
    // A page past the end is clamped to the last one, which then needs its own read.
    const { rows } = pager.offset === asked ? first : deps.repos.audit.listForCompany(companyId, PAGE_SIZE, pager.offset);
    res.render('admin/audit', { title: '操作履歴', rows, pager });
  });
  return router;
}
