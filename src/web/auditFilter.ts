import { normalize } from '../domain/text';
import { EVERY_ENTRY, type AuditQuery } from '../repositories/audit';
import { auditGroupsFor, type AuditAudience } from './auditLabels';
import type { FieldErrors } from './forms';

// The 操作履歴 filter: a GET form (it works without script and its URL can be
// kept or shared) with 開始日, 終了日 (JST calendar days, both inclusive) and
// 操作 (a group of events). The pager's links carry the same values.

export interface AuditFilterValues {
  from: string;
  to: string;
  operation: string;
}

export type AuditFilter =
  | { ok: true; values: AuditFilterValues; query: AuditQuery; filtered: boolean; pagerQuery: string }
  | { ok: false; values: AuditFilterValues; errors: FieldErrors };

const JST_OFFSET_MS = 9 * 3_600_000;

/** A JST calendar date typed as 2026-04-01 or 2026/4/1 (full-width digits too), or undefined when no such day. */
function parseJstDate(text: string): { y: number; m: number; d: number } | undefined {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const [y, m, d] = match.slice(1).map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC rolls 2月30日 over into March: a date that does not round-trip does not exist.
  if (y < 2000 || day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
  return { y, m, d };
}

/** The first millisecond of the JST day, `days` days after the given one. */
const jstDayStart = ({ y, m, d }: { y: number; m: number; d: number }, days = 0): number => Date.UTC(y, m - 1, d + days) - JST_OFFSET_MS;

const iso = ({ y, m, d }: { y: number; m: number; d: number }): string =>
  `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** A query value as typed: one string, at most 20 characters (a repeated or odd parameter reads as what it is not: a date). */
const typed = (value: unknown): string => (typeof value === 'string' ? normalize(value).slice(0, 20) : Array.isArray(value) ? '?' : '');

/**
 * Reads ?from=&to=&operation=. An invalid value is reported on its field and
 * nothing is listed: a page filtered other than as asked would mislead.
 */
export function parseAuditFilter(query: Record<string, unknown>, audience: AuditAudience): AuditFilter {
  const values: AuditFilterValues = { from: typed(query.from), to: typed(query.to), operation: typed(query.operation) };
  const errors: FieldErrors = {};
  const from = values.from ? parseJstDate(values.from) : undefined;
  const to = values.to ? parseJstDate(values.to) : undefined;
  if (values.from && !from) errors.from = '開始日は「2026/04/01」のように、実在する日付を西暦で入力してください。';
  if (values.to && !to) errors.to = '終了日は「2026/04/30」のように、実在する日付を西暦で入力してください。';
  if (from && to && jstDayStart(to) < jstDayStart(from)) errors.to = '終了日は開始日と同じ日か、それより後の日付を入力してください。';
  const group = auditGroupsFor(audience).find((g) => g.key === values.operation);
  if (values.operation && !group) errors.operation = '操作の種類は一覧から選んでください。';
  if (Object.keys(errors).length > 0) return { ok: false, values, errors };

  const kept = { from: from ? iso(from) : '', to: to ? iso(to) : '', operation: values.operation };
  const pagerQuery = new URLSearchParams(Object.entries(kept).filter(([, v]) => v !== '')).toString();
  return {
    ok: true,
    values: kept,
    filtered: pagerQuery !== '',
    pagerQuery,
    query: {
      from: from ? jstDayStart(from) : EVERY_ENTRY.from,
      to: to ? jstDayStart(to, 1) : EVERY_ENTRY.to,
      events: group ? group.events : null,
    },
  };
}
