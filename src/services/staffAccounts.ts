import type { Uses } from '../deps';

export class StaffIdTakenError extends Error {}

/** Creates a branch staff account (npm run cli -- staff add). */
export async function addStaff(deps: Uses<'hasher' | 'clock' | 'audit', 'staff'>, staffId: string, name: string, password: string): Promise<void> {
  if (await deps.repos.staff.findByStaffId(staffId)) throw new StaffIdTakenError(staffId);
  await insertStaff(deps, staffId, name, await deps.hasher.hash(password));
}

/** The account's row and its audit entry, the password already hashed (the demo seed runs it inside its transaction). */
export async function insertStaff(deps: Uses<'clock' | 'audit', 'staff'>, staffId: string, name: string, passwordHash: string): Promise<void> {
  await deps.repos.staff.insert(staffId, name, passwordHash, deps.clock.now());
  await deps.audit.record(
    { type: 'system', id: 'cli', companyId: null, clientIp: null },
    { event: 'staff.add', outcome: 'success', subject: staffId },
  );
}
