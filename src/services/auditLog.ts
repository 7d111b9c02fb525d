import type { Clock } from '../clock';
import type { ActorType, AuditQuery, AuditRepository } from '../repositories/audit';
import type { User } from '../repositories/users';

/** Who acts in a request, as the audit log records it (R11). */
export interface Actor {
  type: ActorType;
  /** Login ID, staff ID, or what an anonymous client typed. */
  id: string;
  companyId: number | null;
  clientIp: string | null;
}

export interface AuditEvent {
  event: string;
  outcome: 'success' | 'failure';
  companyId?: number | null;
  subject?: string | null;
  detail?: string | null;
}

export class AuditLog {
  constructor(private readonly repo: AuditRepository, private readonly clock: Clock) {}

  async record(actor: Actor, e: AuditEvent): Promise<void> {
    await this.repo.append({
      occurredAt: this.clock.now(),
      companyId: e.companyId === undefined ? actor.companyId : e.companyId,
      actorType: actor.type,
      actor: actor.id,
      event: e.event,
      subject: e.subject ?? null,
      clientIp: actor.clientIp,
      outcome: e.outcome,
      detail: e.detail ?? null,
    });
  }
}

/**
 * 操作履歴 (R11): administrators see their own company's entries only, newest
 * first. The company comes from the signed-in administrator, never from the
 * query: a filter narrows the page, it cannot widen it.
 */
export const companyAuditPage = async (audit: AuditRepository, admin: User, query: AuditQuery, limit: number, offset: number) =>
  await audit.listForCompany(admin.companyId, limit, offset, query);

/** 操作履歴 of the branch console: every company's entries, newest first. */
export const allAuditPage = async (audit: AuditRepository, query: AuditQuery, limit: number, offset: number) => await audit.listAll(limit, offset, query);
