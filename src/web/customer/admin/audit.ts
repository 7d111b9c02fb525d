import { Router } from 'express';
import type { Deps } from '../../../deps';
import { companyAuditPage } from '../../../services/auditLog';
import { parseAuditFilter } from '../../auditFilter';
import { renderAuditPage } from '../../auditPage';
import { currentUser } from '../../auth';
import { fetchPage } from '../../paging';

/** 操作履歴: the own company's audit log only, newest first, by date range and operation (R11). */
export function auditRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const admin = currentUser(res);
    const filter = parseAuditFilter(req.query, 'customer');
    if (!filter.ok) return renderAuditPage(res, 'admin/audit', 'customer', filter);
    const page = await fetchPage(req.query.page, async (limit, offset) => await companyAuditPage(deps.repos.audit, admin, filter.query, limit, offset), filter.pagerQuery);
    return renderAuditPage(res, 'admin/audit', 'customer', filter, page);
  });
  return router;
}
