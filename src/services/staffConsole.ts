import type { Deps } from '../deps';
import type { Company } from '../repositories/companies';
import type { LockKind } from '../repositories/credentialLocks';
import type { User } from '../repositories/users';
import type { Actor } from './auditLog';

export interface CompanyDetail {
  company: Company;
  users: { user: User; lockedKinds: LockKind[] }[];
}

/** 契約先詳細 for branch staff: the contract and each user's locks; undefined when unknown. */
export function companyDetail(deps: Deps, companyId: number): CompanyDetail | undefined {
  const company = deps.repos.companies.find(companyId);
  if (!company) return undefined;
  const locked = deps.repos.locks.lockedKindsByUser(companyId);
  const users = deps.repos.users.listByCompany(companyId).map((user) => ({ user, lockedKinds: locked.get(user.id) ?? [] }));
  return { company, users };
}

export type UnlockResult = { found: false } | { found: true; user: User; kinds: LockKind[] };

/**
 * ロック解除 at the branch: lifts every lock of one user of the given company.
 * Branch staff are the ones who unlock an administrator (R9); they may unlock a
 * user too. A user of another company reads as absent, so the caller answers 404.
 */
export function unlockCompanyUser(deps: Deps, companyId: number, userId: number, actor: Actor): UnlockResult {
  return deps.db.transaction((): UnlockResult => {
    const user = deps.repos.users.findInCompany(companyId, userId);
    if (!user) return { found: false };
    const kinds = deps.repos.locks.lockedKindsByUser(companyId).get(user.id) ?? [];
    if (kinds.length === 0) return { found: true, user, kinds };
    deps.repos.locks.unlockAll(user.id);
    deps.audit.record(actor, {
      event: 'unlock',
      outcome: 'success',
      companyId,
      subject: user.loginId,
      detail: kinds.join(','),
    });
    return { found: true, user, kinds };
  })();
}
