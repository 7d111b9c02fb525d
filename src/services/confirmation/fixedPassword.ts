import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Db } from '../../db/connection';
import type { CredentialLocksRepository } from '../../repositories/credentialLocks';
import type { RegistrationsRepository } from '../../repositories/registrations';
import type { AuditLog } from '../auditLog';
import type { PasswordHasher } from '../passwords';
import { checkSecret } from '../secretCheck';
import type { ConfirmationVerifier } from './verifier';

export interface FixedPasswordDeps {
  config: Pick<Config, 'lockoutThreshold'>;
  db: Db;
  clock: Clock;
  hasher: PasswordHasher;
  audit: AuditLog;
  repos: { locks: CredentialLocksRepository; registrations: RegistrationsRepository };
}

/**
 * The fixed 送信確認パスワード under its own lockout counter (R9); it can be
 * spent any number of times until OTP starts.
 */
export function fixedPasswordVerifier(deps: FixedPasswordDeps): ConfirmationVerifier {
  return {
    method: 'transferPassword',
    async precheck(user, secret, actor) {
      const check = await checkSecret(deps, user, 'transferPassword', secret, user.transferPasswordHash, actor);
      if (check.result === 'ok') return { ok: true };
      return check.result === 'wrong' ? { ok: false, reason: 'wrong', remaining: check.remaining } : { ok: false, reason: 'locked' };
    },
    // R7: the company may have started OTP while bcrypt ran; asked again inside the debit transaction,
    // the switch-over can never let one more transfer through on the fixed password.
    spend(user) {
      return deps.repos.registrations.state(user.companyId).otpStartedAt === null ? { ok: true } : { ok: false, reason: 'refused' };
    },
  };
}
