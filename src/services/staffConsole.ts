import type { Uses } from '../deps';
import type { CompaniesRepository, Company } from '../repositories/companies';
import type { PaperRequest, RegistrationsRepository } from '../repositories/registrations';
import type { LockKind } from '../repositories/credentialLocks';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';

export interface CompanyDetail {
  company: Company;
  users: { user: User; lockedKinds: LockKind[] }[];
}

/** 契約先詳細 for branch staff: the contract and each user's locks; undefined when unknown. */
export async function companyDetail(deps: Uses<never, 'companies' | 'locks' | 'users'>, companyId: number): Promise<CompanyDetail | undefined> {
  const company = await deps.repos.companies.find(companyId);
  if (!company) return undefined;
  const locked = await deps.repos.locks.lockedKindsByUser(companyId);
  const users = (await deps.repos.users.listByCompany(companyId)).map((user) => ({ user, lockedKinds: locked.get(user.id) ?? [] }));
  return { company, users };
}

export type UnlockResult = { found: false } | { found: true; user: User; kinds: LockKind[] };

/**
 * ロック解除 at the branch: lifts every lock of one user of the given company.
 * Branch staff are the ones who unlock an administrator (R9); they may unlock a
 * user too. A user of another company reads as absent, so the caller answers 404.
 */
export async function unlockCompanyUser(deps: Uses<'storage' | 'audit', 'users' | 'locks'>, companyId: number, userId: number, actor: Actor): Promise<UnlockResult> {
  return await deps.storage.transaction(async (): Promise<UnlockResult> => {
    const user = await deps.repos.users.findInCompany(companyId, userId);
    if (!user) return { found: false };
    const kinds = (await deps.repos.locks.lockedKindsByUser(companyId)).get(user.id) ?? [];
    if (kinds.length === 0) return { found: true, user, kinds };
    await deps.repos.locks.unlockAll(user.id);
    await deps.audit.record(actor, {
      event: 'unlock',
      outcome: 'success',
      companyId,
      subject: user.loginId,
      detail: kinds.join(','),
    });
    return { found: true, user, kinds };
  });
}

/** 契約先検索: by 契約先名, 代表口座 number or a user's ログインID. */
export const searchCompanies = async (companies: CompaniesRepository, q: string, limit: number, offset: number) => await companies.search(q, limit, offset);

/** The paper requests (書面受付) recorded for a company's 管理者トークン登録解除, newest first (Q1). */
export const paperRequests = async (registrations: RegistrationsRepository, companyId: number): Promise<PaperRequest[]> =>
  await registrations.listPaperRequests(companyId);
