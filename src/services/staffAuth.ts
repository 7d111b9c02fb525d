import type { Deps } from '../deps';
import type { Staff } from '../repositories/staff';
import type { Actor } from './auditLog';
import { checkPassword, staffGuard } from './secretCheck';

export type StaffLoginResult = { ok: true; staff: Staff } | { ok: false };

/**
 * 行員ログイン. Unknown IDs, wrong passwords and locked accounts answer alike
 * (the route shows one message). The password is checked under the same lock
 * counter as the customers' secrets (R9, R15): a locked account is not
 * compared at all, and the threshold-th consecutive wrong password locks it
 * until it is unlocked with `npm run cli -- staff unlock`.
 */
export async function staffLogin(deps: Deps, staffId: string, password: string, clientIp: string | null): Promise<StaffLoginResult> {
  const staff = deps.repos.staff.findByStaffId(staffId);
  if (!staff) {
    // Compare against the dummy hash so that an unknown ID costs as much time as a known one.
    await deps.hasher.verify(password, null);
    deps.audit.record(
      { type: 'anonymous', id: staffId.slice(0, 64) || '-', companyId: null, clientIp },
      { event: 'staff.login', outcome: 'failure', detail: 'unknown id' },
    );
    return { ok: false };
  }
  const actor: Actor = { type: 'staff', id: staff.staffId, companyId: null, clientIp };
  const check = await checkPassword(deps, staffGuard(deps.repos.staffLocks, staff), password, staff.passwordHash, actor);
  if (check.result !== 'ok') return { ok: false };
  deps.audit.record(actor, { event: 'staff.login', outcome: 'success', subject: staff.staffId });
  return { ok: true, staff };
}

/**
 * Lifts a staff account's lock (CLI `staff unlock`). Returns undefined for an
 * unknown ID, else whether the account had been locked.
 */
export function unlockStaff(deps: Deps, staffId: string, actor: Actor): { wasLocked: boolean } | undefined {
  return deps.db.transaction(() => {
    const staff = deps.repos.staff.findByStaffId(staffId);
    if (!staff) return undefined;
    deps.repos.staffLocks.unlock(staff.id);
    const wasLocked = staff.lockedAt !== null;
    if (wasLocked) deps.audit.record(actor, { event: 'unlock', outcome: 'success', subject: staffId, detail: 'staff' });
    return { wasLocked };
  })();
}
