import type { Uses } from '../deps';
import type { Staff, StaffRepository } from '../repositories/staff';
import type { Actor, AuditLog } from './auditLog';
import { checkPassword, staffGuard, type PasswordGuardDeps } from './secretCheck';

export type StaffLoginDeps = PasswordGuardDeps & Uses<never, 'staff' | 'staffLocks'>;

export type StaffLoginResult = { ok: true; staff: Staff } | { ok: false };

/**
 * 行員ログイン. Unknown IDs, wrong passwords and locked accounts answer alike
 * (the route shows one message). The password is checked under the same lock
 * counter as the customers' secrets (R9, R15): a locked account is not
 * compared at all, and the threshold-th consecutive wrong password locks it
 * until it is unlocked with `npm run cli -- staff unlock`.
 */
export async function staffLogin(deps: StaffLoginDeps, staffId: string, password: string, clientIp: string | null): Promise<StaffLoginResult> {
  const staff = await deps.repos.staff.findByStaffId(staffId);
  if (!staff) {
    // Compare against the dummy hash so that an unknown ID costs as much time as a known one.
    await deps.hasher.verify(password, null);
    await deps.audit.record(
      { type: 'anonymous', id: staffId.slice(0, 64) || '-', companyId: null, clientIp },
      { event: 'staff.login', outcome: 'failure', detail: 'unknown id' },
    );
    return { ok: false };
  }
  const actor: Actor = { type: 'staff', id: staff.staffId, companyId: null, clientIp };
  const check = await checkPassword(deps, staffGuard(deps.repos.staffLocks, staff), password, staff.passwordHash, actor);
  if (check.result !== 'ok') return { ok: false };
  await deps.storage.transaction(() => deps.audit.record(actor, { event: 'staff.login', outcome: 'success', subject: staff.staffId }), { durability: 'group' });
  return { ok: true, staff };
}

/**
 * Lifts a staff account's lock (CLI `staff unlock`). Returns undefined for an
 * unknown ID, else whether the account had been locked.
 */
export async function unlockStaff(deps: Uses<'storage' | 'audit', 'staff' | 'staffLocks'>, staffId: string, actor: Actor): Promise<{ wasLocked: boolean } | undefined> {
  return await deps.storage.transaction(async () => {
    const staff = await deps.repos.staff.findByStaffId(staffId);
    if (!staff) return undefined;
    await deps.repos.staffLocks.unlock(staff.id);
    const wasLocked = staff.lockedAt !== null;
    if (wasLocked) await deps.audit.record(actor, { event: 'unlock', outcome: 'success', subject: staffId, detail: 'staff' });
    return { wasLocked };
  });
}

/** The staff account a signed-in console session belongs to; a locked one (R9) no longer has sessions. */
export async function signedInStaff(staff: StaffRepository, staffDbId: number): Promise<Staff | undefined> {
  const found = await staff.find(staffDbId);
  return found && found.lockedAt === null ? found : undefined;
}

/** The console's ログアウト, audited (R11). */
export async function staffLogout(audit: AuditLog, actor: Actor): Promise<void> {
  await audit.record(actor, { event: 'staff.logout', outcome: 'success' });
}
