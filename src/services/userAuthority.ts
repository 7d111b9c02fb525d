import type { Uses } from '../deps';
import type { User } from '../repositories/users';
import { authorizeAdmin, spendStepUp, type AdminSecrets, type StepUpRefusal } from './adminStepUp';
import type { Actor } from './auditLog';
import type { ApprovalRefusal } from './secretCheck';
import type { AdminActionDeps } from './userAdmin';

export type AuthorityResult = { ok: true } | ApprovalRefusal | StepUpRefusal | { ok: false; reason: 'unchanged' };

/**
 * 都度振込権限 of a 利用者, changed by the administrator (issue 13): granting
 * it lets the user move money, so once OTP has started it needs the
 * administrator's code; taking it away needs only the 承認用パスワード.
 * In A a user granted authority still needs an own token to confirm (R7).
 */
export async function setTransferAuthority(
  deps: AdminActionDeps & Uses<'storage' | 'audit', 'users'>,
  admin: User,
  target: User,
  canTransfer: boolean,
  secrets: AdminSecrets,
  actor: Actor,
): Promise<AuthorityResult> {
  if (target.canTransfer === canTransfer) return { ok: false, reason: 'unchanged' };
  const authorized = await authorizeAdmin(deps, admin, canTransfer ? 'grantTransfer' : 'revokeTransfer', secrets, actor);
  if (!authorized.ok) return authorized;
  return await deps.storage.transaction(async (): Promise<AuthorityResult> => {
    // Changed meanwhile by another session: nothing to do, and the code stays unspent.
    if ((await deps.repos.users.find(target.id))?.canTransfer === canTransfer) return { ok: false, reason: 'unchanged' };
    const code = await spendStepUp(deps, admin, authorized.stepUp, actor);
    if (code) return code;
    await deps.repos.users.updateCanTransfer(target.id, canTransfer);
    await deps.audit.record(actor, { event: 'user.transfer_authority', outcome: 'success', subject: target.loginId, detail: canTransfer ? 'grant' : 'revoke' });
    return { ok: true };
  });
}
