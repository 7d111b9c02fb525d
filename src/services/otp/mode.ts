import type { Storage } from '../../storage/port';
import type { UsageMode } from '../../domain/otpSlot';
import type { RegistrationsRepository } from '../../repositories/registrations';
import type { User } from '../../repositories/users';
import type { Actor, AuditLog } from '../auditLog';

/** ② 利用形態設定 (§3(2)②③, R5): free until the first token is registered, fixed from then on. */
export async function setUsageMode(
  deps: { storage: Storage; audit: AuditLog; repos: { registrations: RegistrationsRepository } },
  admin: User,
  mode: UsageMode,
  actor: Actor,
): Promise<{ ok: true } | { ok: false; reason: 'modeFixed' }> {
  const { registrations } = deps.repos;
  if ((await registrations.state(admin.companyId)).usageMode === mode) return { ok: true };
  return await deps.storage.transaction(async (): Promise<{ ok: true } | { ok: false; reason: 'modeFixed' }> => {
    if (!await registrations.setUsageMode(admin.companyId, mode)) return { ok: false, reason: 'modeFixed' };
    await deps.audit.record(actor, { event: 'otp.mode', outcome: 'success', subject: null, detail: mode });
    return { ok: true };
  });
}
