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

const select = `SELECT a.id, a.occurred_at AS occurredAt, a.company_id AS companyId,
  c.name AS companyName, a.actor_type AS actorType, a.actor, a.event, a.subject,
  a.client_ip AS clientIp, a.outcome, a.detail
  FROM audit_log a LEFT JOIN companies c ON c.id = a.company_id`;

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
    this.pageForCompany = db.prepare(`${select} WHERE a.company_id = ? ORDER BY a.id DESC LIMIT ? OFFSET ?`);
    this.countForCompany = db.prepare('SELECT count(*) FROM audit_log WHERE company_id = ?').pluck();
    this.pageAll = db.prepare(`${select} ORDER BY a.id DESC LIMIT ? OFFSET ?`);
    this.countAll = db.prepare('SELECT count(*) FROM audit_log').pluck();
  }

  append(entry: AuditEntry): void {
    this.insertRow.run(entry);
  }

  listForCompany(companyId: number, limit: number, offset: number): Page<AuditRow> {
    return {
      rows: this.pageForCompany.all(companyId, limit, offset) as AuditRow[],
      total: this.countForCompany.get(companyId) as number,
    };
  }

  listAll(limit: number, offset: number): Page<AuditRow> {
    return {
      rows: this.pageAll.all(limit, offset) as AuditRow[],
      total: this.countAll.get() as number,
    };
  }
}
