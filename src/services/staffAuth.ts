import type { Deps } from '../deps';
import type { Staff } from '../repositories/staff';
import type { Actor } from './auditLog';

export type StaffLoginResult = { ok: true; staff: Staff } | { ok: false };

/**
 * 行員ログイン. Unknown IDs, wrong passwords and locked accounts answer alike
 * (the route shows one message); a locked account is not compared at all, and
 * the threshold-th consecutive wrong password locks it until it is unlocked
 * with `npm run cli -- staff unlock` (R9 applied to the bank side).
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
  const subject = staff.staffId;
  if (staff.lockedAt !== null) {
    await deps.hasher.verify(password, null);
    deps.audit.record(actor, { event: 'staff.login', outcome: 'failure', subject, detail: 'locked' });
    return { ok: false };
  }
  if (await deps.hasher.verify(password, staff.passwordHash)) {
    deps.repos.staff.recordSuccess(staff.id);
    deps.audit.record(actor, { event: 'staff.login', outcome: 'success', subject });
    return { ok: true, staff };
  }
  const threshold = deps.config.lockoutThreshold;
  const state = deps.repos.staff.recordFailure(staff.id, threshold, deps.clock.now());
  deps.audit.record(actor, { event: 'staff.login', outcome: 'failure', subject, detail: `failures=${state.failures}` });
  // Each failure increments the counter in one statement, so exactly one request
  // sees the threshold reached: the lock is audited once even under concurrency.
  if (state.lockedAt !== null && state.failures === threshold) {
    deps.audit.record(actor, { event: 'lock', outcome: 'success', subject, detail: 'staff' });
  }
  return { ok: false };
}

/**
 * Lifts a staff account's lock (CLI `staff unlock`). Returns undefined for an
 * unknown ID, else whether the account had been locked.
 */
export function unlockStaff(deps: Deps, staffId: string, actor: Actor): { wasLocked: boolean } | undefined {
  return deps.db.transaction(() => {
    const staff = deps.repos.staff.findByStaffId(staffId);
    if (!staff) return undefined;
    deps.repos.staff.unlock(staff.id);
    const wasLocked = staff.lockedAt !== null;
    if (wasLocked) deps.audit.record(actor, { event: 'unlock', outcome: 'success', subject: staffId, detail: 'staff' });
    return { wasLocked };
  })();
}
