import type { Db } from '../db/connection';

export type ActorType = 'user' | 'staff' | 'anonymous' | 'system';

export interface AuditEntry {
  occurredAt: number;
  companyId: number | null;
  actorType: ActorType;
  actor: string;
  event: string;
  subject: string | null;
  clientIp: string | null;
  outcome: 'success' | 'failure';
  detail: string | null;
}

export interface AuditRow extends AuditEntry {
  id: number;
  companyName: string | null;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

/**
 * What a 操作履歴 page shows: entries from `from` (inclusive) to `to`
 * (exclusive), epoch ms, and of these events only (null: every event).
 */
export interface AuditQuery {
  from: number;
  to: number;
  events: readonly string[] | null;
}

/** Every entry: the whole of time, every event. */
export const EVERY_ENTRY: AuditQuery = { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER, events: null };

const select = `SELECT a.id, a.occurred_at AS occurredAt, a.company_id AS companyId,
  c.name AS companyName, a.actor_type AS actorType, a.actor, a.event, a.subject,
  a.client_ip AS clientIp, a.outcome, a.detail
  FROM audit_log a LEFT JOIN companies c ON c.id = a.company_id`;

// The events arrive as one parameter, '|login|logout|' (event codes hold no '|'): a fixed statement
// for any group, and no second table in the plan. The time range is always bound (the whole of time
// when not filtered), so the indexes of migration 0006 order and bound every page.
const inRange = `a.occurred_at >= @from AND a.occurred_at < @to
  AND (@events IS NULL OR instr(@events, '|' || a.event || '|') > 0)`;
const newestFirst = 'ORDER BY a.occurred_at DESC, a.id DESC LIMIT @limit OFFSET @offset';

const bind = (q: AuditQuery) => ({ from: q.from, to: q.to, events: q.events && `|${q.events.join('|')}|` });

/** The append-only audit log (R11); the table's triggers refuse updates and deletes. */
export class AuditRepository {
  private readonly insertRow;
  private readonly pageForCompany;
  private readonly countForCompany;
  private readonly pageAll;
  private readonly countAll;

  constructor(db: Db) {
    this.insertRow = db.prepare(
      `INSERT INTO audit_log (occurred_at, company_id, actor_type, actor, event, subject, client_ip, outcome, detail)
       VALUES (@occurredAt, @companyId, @actorType, @actor, @event, @subject, @clientIp, @outcome, @detail)`,
    );
    this.pageForCompany = db.prepare(`${select} WHERE a.company_id = @companyId AND ${inRange} ${newestFirst}`);
    this.countForCompany = db.prepare(`SELECT count(*) FROM audit_log a WHERE a.company_id = @companyId AND ${inRange}`).pluck();
    this.pageAll = db.prepare(`${select} WHERE ${inRange} ${newestFirst}`);
    // Unfiltered, this counts the whole log through the covering index: the staff page's known cost.
    this.countAll = db.prepare(`SELECT count(*) FROM audit_log a WHERE ${inRange}`).pluck();
  }

  append(entry: AuditEntry): void {
    this.insertRow.run(entry);
  }

  /** One company's entries, newest first: the company is a bound parameter no filter can widen (R11). */
  listForCompany(companyId: number, limit: number, offset: number, query: AuditQuery = EVERY_ENTRY): Page<AuditRow> {
    const params = { ...bind(query), companyId };
    return {
      rows: this.pageForCompany.all({ ...params, limit, offset }) as AuditRow[],
      total: this.countForCompany.get(params) as number,
    };
  }

  listAll(limit: number, offset: number, query: AuditQuery = EVERY_ENTRY): Page<AuditRow> {
    const params = bind(query);
    return {
      rows: this.pageAll.all({ ...params, limit, offset }) as AuditRow[],
      total: this.countAll.get(params) as number,
    };
  }
}
