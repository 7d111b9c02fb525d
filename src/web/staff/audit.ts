import { Router } from 'express';
import type { Deps } from '../../deps';
import { allAuditPage } from '../../services/auditLog';
import { parseAuditFilter } from '../auditFilter';
import { renderAuditPage } from '../auditPage';
import { fetchPage } from '../paging';

/** 操作履歴 for branch staff: every company's entries, newest first, by date range and operation (R11). */
export function auditRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const filter = parseAuditFilter(req.query, 'staff');
    if (!filter.ok) return renderAuditPage(res, 'staff/audit', 'staff', filter);
    const page = await fetchPage(req.query.page, async (limit, offset) => await allAuditPage(deps.repos.audit, filter.query, limit, offset), filter.pagerQuery);
    return renderAuditPage(res, 'staff/audit', 'staff', filter, page);
  });
  return router;
}
