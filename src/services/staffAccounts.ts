import type { Uses } from '../deps';

export class StaffIdTakenError extends Error {}

/** Creates a branch staff account (npm run cli -- staff add). */
export async function addStaff(deps: Uses<'hasher' | 'clock' | 'audit', 'staff'>, staffId: string, name: string, password: string): Promise<void> {
  if (await deps.repos.staff.findByStaffId(staffId)) throw new StaffIdTakenError(staffId);
  const hash = await deps.hasher.hash(password);
  await deps.repos.staff.insert(staffId, name, hash, deps.clock.now());
  await deps.audit.record(
    { type: 'system', id: 'cli', companyId: null, clientIp: null },
    { event: 'staff.add', outcome: 'success', subject: staffId },
  );
}
