import type { Dialect, Params, Storage } from '../storage/port';

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
const inRange = (d: Dialect) => `a.occurred_at >= @from AND a.occurred_at < @to
  AND (CAST(@events AS TEXT) IS NULL OR ${d.containsText('@events', "'|' || a.event || '|'")})`;
const newestFirst = 'ORDER BY a.occurred_at DESC, a.id DESC LIMIT @limit OFFSET @offset';

const bind = (q: AuditQuery) => ({ from: q.from, to: q.to, events: q.events && `|${q.events.join('|')}|` });

const insertRow = `INSERT INTO audit_log (occurred_at, company_id, actor_type, actor, event, subject, client_ip, outcome, detail)
  VALUES (@occurredAt, @companyId, @actorType, @actor, @event, @subject, @clientIp, @outcome, @detail)`;

/** The statements whose text depends on the dialect, built once per storage. */
const dialectStatements = (d: Dialect) => ({
  pageForCompany: `${select} WHERE a.company_id = @companyId AND ${inRange(d)} ${newestFirst}`,
  countForCompany: `SELECT count(*) AS n FROM audit_log a WHERE a.company_id = @companyId AND ${inRange(d)}`,
  pageAll: `${select} WHERE ${inRange(d)} ${newestFirst}`,
  // Unfiltered, this counts the whole log through the covering index: the staff page's known cost.
  countAll: `SELECT count(*) AS n FROM audit_log a WHERE ${inRange(d)}`,
});

/** The append-only audit log (R11); the table's triggers refuse updates and deletes. */
export class AuditRepository {
  private readonly sql;

  constructor(private readonly db: Storage) {
    this.sql = dialectStatements(db.dialect);
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.db.run(insertRow, entry as unknown as Params);
  }

  /** One company's entries, newest first: the company is a bound parameter no filter can widen (R11). */
  async listForCompany(companyId: number, limit: number, offset: number, query: AuditQuery = EVERY_ENTRY): Promise<Page<AuditRow>> {
    const params = { ...bind(query), companyId };
    const rows = await this.db.all<AuditRow>(this.sql.pageForCompany, { ...params, limit, offset });
    const count = await this.db.get<{ n: number }>(this.sql.countForCompany, params);
    return { rows, total: count!.n };
  }

  async listAll(limit: number, offset: number, query: AuditQuery = EVERY_ENTRY): Promise<Page<AuditRow>> {
    const params = bind(query);
    const rows = await this.db.all<AuditRow>(this.sql.pageAll, { ...params, limit, offset });
    const count = await this.db.get<{ n: number }>(this.sql.countAll, params);
    return { rows, total: count!.n };
  }
}

/** The statements above by name, for the query-plan guard (test/unit/queryPlans.test.ts). */
export const statements = { insertRow };
