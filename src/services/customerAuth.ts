import type { Deps } from '../deps';
import type { User } from '../repositories/users';
import { checkSecret } from './secretCheck';

export type LoginResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' };

/**
 * Customer login with ID and password only: the one-time password is never
 * asked here (manual Q3, R12). Unknown IDs are compared against a dummy hash
 * and answered exactly like a wrong password.
 */
export async function login(deps: Deps, loginId: string, password: string, clientIp: string | null): Promise<LoginResult> {
  const user = deps.repos.users.findByLoginId(loginId);
  if (!user) {
    await deps.hasher.verify(password, null);
    deps.audit.record(
      { type: 'anonymous', id: loginId.slice(0, 64) || '-', companyId: null, clientIp },
      { event: 'login', outcome: 'failure', detail: 'unknown id' },
    );
    return { ok: false, reason: 'invalid' };
  }
  const actor = { type: 'user' as const, id: user.loginId, companyId: user.companyId, clientIp };
  const check = await checkSecret(deps, user, 'login', password, user.passwordHash, actor);
  if (check.result === 'ok') {
    deps.audit.record(actor, { event: 'login', outcome: 'success', subject: user.loginId });
    return { ok: true, user };
  }
  return { ok: false, reason: check.result === 'locked' ? 'locked' : 'invalid' };
}
