import type { AuditRow } from '../repositories/audit';
import { describeAuditDetail, maskCredentialIds } from './auditDetails';
import { auditEventLabel, type AuditAudience } from './auditLabels';
import { formatDateTime } from './format';

/** One row of the 操作履歴 table, every cell in words. */
export interface AuditRowView {
  occurredAt: string;
  company: string;
  actor: string;
  operation: string;
  subject: string;
  failed: boolean;
  outcome: string;
  clientIp: string;
  detail: string;
}

/**
 * Who acted. A customer sees the bank's own people and tools as 当金庫: staff
 * IDs and the branch's addresses are the bank's internal business.
 */
function actorOf(row: AuditRow, audience: AuditAudience): string {
  switch (row.actorType) {
    case 'user':
      return row.actor;
    case 'staff':
      return audience === 'staff' ? `行員 ${row.actor}` : '当金庫（営業店）';
    case 'system':
      return audience === 'staff' ? `システム（${row.actor === 'cli' ? '管理コマンド' : row.actor}）` : '当金庫';
    default:
      // What an unknown client typed as its ID: shown (escaped) so staff can see what was tried.
      return `${row.actor}（未登録のID）`;
  }
}

/** 対象: a receipt number, a draft, a token or a login ID, named. */
function subjectOf(row: AuditRow): string {
  const subject = row.subject ?? '';
  if (row.event === 'transfer.confirm') {
    if (/^#\d+$/.test(subject)) return `振込依頼 ${subject}`;
    if (subject && row.outcome === 'success') return `受付番号 ${subject}`;
  }
  return maskCredentialIds(subject);
}

export function auditRowView(row: AuditRow, audience: AuditAudience): AuditRowView {
  const bankSide = row.actorType === 'staff' || row.actorType === 'system';
  return {
    occurredAt: formatDateTime(row.occurredAt),
    company: row.companyName ?? '—',
    actor: actorOf(row, audience),
    operation: auditEventLabel(row.event),
    subject: subjectOf(row),
    failed: row.outcome === 'failure',
    outcome: row.outcome === 'success' ? '成功' : '失敗',
    clientIp: audience === 'customer' && bankSide ? '' : (row.clientIp ?? ''),
    detail: describeAuditDetail(row.event, row.detail),
  };
}
