import type { Response } from 'express';
import type { AuditRow, Page } from '../repositories/audit';
import type { AuditFilter } from './auditFilter';
import { auditGroupsFor, type AuditAudience } from './auditLabels';
import { auditRowView } from './auditView';
import type { Pager } from './paging';

/**
 * Renders a 操作履歴 page: the filter form with what was asked, and the rows
 * in words. An invalid filter answers 400 with its messages and no rows.
 */
export function renderAuditPage(
  res: Response,
  view: string,
  audience: AuditAudience,
  filter: AuditFilter,
  page?: { rows: Page<AuditRow>['rows']; pager: Pager },
): void {
  res.status(filter.ok ? 200 : 400).render(view, {
    title: '操作履歴',
    filter,
    errors: filter.ok ? {} : filter.errors,
    groups: auditGroupsFor(audience),
    rows: (page?.rows ?? []).map((row) => auditRowView(row, audience)),
    pager: page?.pager,
  });
}
