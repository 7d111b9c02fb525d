import type { Uses } from '../deps';
import { maskCredentialId } from '../domain/token';
import type { Actor } from './auditLog';
import { primarySlot } from './otp/overview';

export type BranchUnregisterResult =
  | { ok: true; credentialId: string; subject: string }
  | { ok: false; reason: 'notFound' | 'notRegistered' | 'duplicateRequest' };

/**
 * 管理者トークン登録解除 at the branch (Q1, R8): after the customer's paper
 * request has been received and the 届出印 of the representative account
 * checked, staff unregister the administrator's token (A) or the shared token
 * (B). The request and the unregistration are recorded together or not at all.
 * OTP stays started (R7): the administrator registers again as in §3(2).
 */
export function unregisterAtBranch(deps: Uses<'db' | 'clock' | 'audit', 'companies' | 'registrations' | 'users'>, companyId: number, requestNumber: string, actor: Actor): BranchUnregisterResult {
  const { companies, registrations, users } = deps.repos;
  if (!companies.find(companyId)) return { ok: false, reason: 'notFound' };
  const result = deps.db.transaction((): BranchUnregisterResult => {
    const admin = users.listByCompany(companyId).find((u) => u.role === 'admin');
    const registration = admin && primarySlot(registrations, admin).registration;
    if (!registration) return { ok: false, reason: 'notRegistered' };
    const taken = registrations.listPaperRequests(companyId).some((p) => p.requestNumber === requestNumber);
    if (taken) return { ok: false, reason: 'duplicateRequest' };
    registrations.insertPaperRequest({
      companyId,
      requestNumber,
      credentialId: registration.credentialId,
      staffId: actor.id,
      recordedAt: deps.clock.now(),
    });
    registrations.delete(registration.id);
    const subject = registration.userId === null ? '共用トークン' : admin.loginId;
    deps.audit.record(actor, {
      event: 'otp.unregister',
      outcome: 'success',
      companyId,
      subject,
      detail: `書面受付番号=${requestNumber} 届出印確認済 ${maskCredentialId(registration.credentialId)}`,
    });
    return { ok: true, credentialId: registration.credentialId, subject };
  }).immediate();
  if (!result.ok) {
    // R11: a refused staff action is recorded too, with what was asked.
    deps.audit.record(actor, { event: 'otp.unregister', outcome: 'failure', companyId, detail: `書面受付番号=${requestNumber} ${result.reason}` });
  }
  return result;
}
