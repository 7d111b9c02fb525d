import type { Uses } from '../deps';
import { maskCredentialId } from '../domain/token';
import type { RegistrationsRepository } from '../repositories/registrations';
import type { UsersRepository } from '../repositories/users';
import type { Actor } from './auditLog';

type Repos = { registrations: RegistrationsRepository; users: UsersRepository };

/** A registered token of the company whose 同期ズレ補正 the branch may reset (issue 13). */
export interface DriftTarget {
  tokenId: number;
  credentialId: string;
  drift: number;
  /** 共用トークン (B), or the login ID of the user it is registered to. */
  subject: string;
}

type DriftRefusal = { ok: false; reason: 'notFound' | 'noDrift' };

async function driftTarget(repos: Repos, companyId: number, tokenId: number): Promise<DriftTarget | undefined> {
  const registration = (await repos.registrations.listForCompany(companyId)).find((r) => r.tokenId === tokenId);
  if (!registration) return undefined;
  const holder = registration.userId === null ? undefined : await repos.users.findInCompany(companyId, registration.userId);
  return { tokenId, credentialId: registration.credentialId, drift: registration.drift, subject: holder?.loginId ?? '共用トークン' };
}

/** The confirmation step of 同期ズレ補正のリセット: what 確定 would reset, or why it cannot. Reads only. */
export async function previewDriftReset(deps: Uses<never, 'companies' | 'registrations' | 'users'>, companyId: number, tokenId: number): Promise<({ ok: true; companyName: string } & DriftTarget) | DriftRefusal> {
  const company = await deps.repos.companies.find(companyId);
  const target = company && await driftTarget(deps.repos, companyId, tokenId);
  if (!company || !target) return { ok: false, reason: 'notFound' };
  if (target.drift === 0) return { ok: false, reason: 'noDrift' };
  return { ok: true, companyName: company.name, ...target };
}

/**
 * 同期ズレ補正のリセット at the branch (issue 13): the token's recorded drift
 * goes back to 0, e.g. after the customer corrected the phone's clock and its
 * codes now fall outside the window centred on the old drift. Only a token
 * registered in this company (another's: 404); audited with the drift removed.
 */
export async function resetDriftAtBranch(deps: Uses<'storage' | 'clock' | 'audit', 'companies' | 'registrations' | 'users' | 'tokens'>, companyId: number, tokenId: number, actor: Actor): Promise<{ ok: true; target: DriftTarget } | DriftRefusal> {
  const result = await deps.storage.transaction(async (): Promise<{ ok: true; target: DriftTarget } | DriftRefusal> => {
    const target = await deps.repos.companies.find(companyId) && await driftTarget(deps.repos, companyId, tokenId);
    if (!target) return { ok: false, reason: 'notFound' };
    if (!await deps.repos.tokens.resetDrift(tokenId, deps.clock.now())) return { ok: false, reason: 'noDrift' };
    await deps.audit.record(actor, {
      event: 'otp.drift_reset',
      outcome: 'success',
      companyId,
      subject: target.subject,
      detail: `${maskCredentialId(target.credentialId)} drift=${target.drift}`,
    });
    return { ok: true, target };
  });
  if (!result.ok && result.reason === 'noDrift') {
    await deps.audit.record(actor, { event: 'otp.drift_reset', outcome: 'failure', companyId, detail: 'noDrift' });
  }
  return result;
}
