import type { Uses } from '../deps';
import { maskCredentialId } from '../domain/token';
import type { UsageMode } from '../domain/otpSlot';
import type { RegistrationsRepository } from '../repositories/registrations';
import type { UsersRepository } from '../repositories/users';
import type { Actor } from './auditLog';
import { primarySlot } from './otp/overview';

type Refusal = { ok: false; reason: 'notFound' | 'notRegistered' | 'duplicateRequest' };

/** What 管理者トークン登録解除 would remove: shown on its confirmation screen, removed by 確定. */
export interface UnregisterTarget {
  /** 共用トークン (B), or the administrator's login ID (A): the audit entry's subject. */
  subject: string;
  usageMode: UsageMode | null;
  admin: { name: string; loginId: string };
  credentialId: string;
  registeredAt: number;
}

export type BranchUnregisterPreview = ({ ok: true; companyName: string } & UnregisterTarget) | Refusal;
export type BranchUnregisterResult = { ok: true; credentialId: string; subject: string } | Refusal;

type Repos = { registrations: RegistrationsRepository; users: UsersRepository };

/** The primary registration (the administrator's in A, the shared one in B), unless the request cannot proceed. */
async function findTarget(repos: Repos, companyId: number, requestNumber: string): Promise<({ ok: true; registrationId: number } & UnregisterTarget) | Refusal> {
  const admin = (await repos.users.listByCompany(companyId)).find((u) => u.role === 'admin');
  const slot = admin && await primarySlot(repos.registrations, admin);
  const registration = slot?.registration;
  if (!admin || !registration) return { ok: false, reason: 'notRegistered' };
  const taken = (await repos.registrations.listPaperRequests(companyId)).some((p) => p.requestNumber === requestNumber);
  if (taken) return { ok: false, reason: 'duplicateRequest' };
  return {
    ok: true,
    registrationId: registration.id,
    subject: registration.userId === null ? '共用トークン' : admin.loginId,
    usageMode: slot.usageMode,
    admin: { name: admin.name, loginId: admin.loginId },
    credentialId: registration.credentialId,
    registeredAt: registration.registeredAt,
  };
}

/**
 * The confirmation step of 管理者トークン登録解除: what 確定 would remove, or why
 * it cannot. Reads only; nothing is recorded until 確定 (unregisterAtBranch).
 */
export async function previewUnregisterAtBranch(deps: Uses<never, 'companies' | 'registrations' | 'users'>, companyId: number, requestNumber: string): Promise<BranchUnregisterPreview> {
  const company = await deps.repos.companies.find(companyId);
  if (!company) return { ok: false, reason: 'notFound' };
  const target = await findTarget(deps.repos, companyId, requestNumber);
  if (!target.ok) return target;
  const { subject, usageMode, admin, credentialId, registeredAt } = target;
  return { ok: true, companyName: company.name, subject, usageMode, admin, credentialId, registeredAt };
}

/**
 * 管理者トークン登録解除 at the branch (Q1, R8): after the customer's paper
 * request has been received, the 届出印 of the representative account
 * checked and the confirmation screen answered with 確定, staff unregister the
 * administrator's token (A) or the shared token (B). The request and the
 * unregistration are recorded together or not at all; the target is read again
 * inside the transaction, so a second 確定 (double click, back button) finds
 * the 書面受付番号 used and changes nothing. OTP stays started (R7): the
 * administrator registers again as in §3(2).
 */
export async function unregisterAtBranch(deps: Uses<'storage' | 'clock' | 'audit' | 'notices', 'companies' | 'registrations' | 'users'>, companyId: number, requestNumber: string, actor: Actor): Promise<BranchUnregisterResult> {
  const { companies, registrations } = deps.repos;
  if (!await companies.find(companyId)) return { ok: false, reason: 'notFound' };
  const result = await deps.storage.transaction(async (): Promise<BranchUnregisterResult> => {
    const target = await findTarget(deps.repos, companyId, requestNumber);
    if (!target.ok) return target;
    await registrations.insertPaperRequest({
      companyId,
      requestNumber,
      credentialId: target.credentialId,
      staffId: actor.id,
      recordedAt: deps.clock.now(),
    });
    await registrations.delete(target.registrationId);
    await deps.audit.record(actor, {
      event: 'otp.unregister',
      outcome: 'success',
      companyId,
      subject: target.subject,
      detail: `書面受付番号=${requestNumber} 届出印確認済 ${maskCredentialId(target.credentialId)}`,
    });
    await deps.notices.tokenChanged(companyId, target.usageMode === 'shared' ? 'shared' : 'admin', 'unregister', target.credentialId, '営業店（書面によるお申し出）');
    return { ok: true, credentialId: target.credentialId, subject: target.subject };
  });
  if (!result.ok) {
    // R11: a refused staff action is recorded too, with what was asked.
    await deps.audit.record(actor, { event: 'otp.unregister', outcome: 'failure', companyId, detail: `書面受付番号=${requestNumber} ${result.reason}` });
  }
  return result;
}
