import type { RegistrationsRepository } from '../../repositories/registrations';
import type { User } from '../../repositories/users';
import { fixedPasswordVerifier, type FixedPasswordDeps } from './fixedPassword';
import { otpVerifier, type OtpVerifierDeps } from './otp';
import type { Confirmation, ConfirmationVerifier } from './verifier';

export type { Confirmation, ConfirmationBlock, ConfirmationMethod, ConfirmationVerifier, Verification, VerificationRefusal } from './verifier';

/**
 * Which secret confirms this user's transfers: the single place the OTP
 * switch-over happens. Once the company has started OTP the fixed password is
 * refused for every user, for good (R7, manual §2), and a user whom no token
 * serves cannot confirm at all — 都度振込 says so on its first screen, before
 * anything is typed (issue 15). Read once per request, so the company's OTP
 * state is read once however often the request asks (issue 5). The verifier
 * asks the registration again inside the debit transaction: this answer is
 * for the screens, that one decides.
 */
export function confirmationFor(registrations: Pick<RegistrationsRepository, 'state' | 'forUser'>, user: User): Confirmation {
  const { usageMode, otpStartedAt } = registrations.state(user.companyId);
  if (otpStartedAt === null) return { method: 'transferPassword', usageMode, blocked: null };
  const served = registrations.forUser(user.companyId, user.id, usageMode) !== undefined;
  return { method: 'otp', usageMode, blocked: served ? null : 'noToken' };
}

/** The verifier of a confirmation picked by confirmationFor. */
export function verifierFor(deps: FixedPasswordDeps & OtpVerifierDeps, confirmation: Confirmation): ConfirmationVerifier {
  return confirmation.method === 'otp' ? otpVerifier(deps, confirmation.usageMode) : fixedPasswordVerifier(deps);
}
