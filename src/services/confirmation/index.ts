import type { RegistrationsRepository } from '../../repositories/registrations';
import type { User } from '../../repositories/users';
import { fixedPasswordVerifier, type FixedPasswordDeps } from './fixedPassword';
import { otpVerifier, type OtpVerifierDeps } from './otp';
import type { Confirmation, ConfirmationVerifier } from './verifier';

export type { Confirmation, ConfirmationMethod, ConfirmationVerifier, Verification, VerificationRefusal } from './verifier';

/**
 * Which secret confirms this user's transfers: the single place the OTP
 * switch-over happens. Once the company has started OTP the fixed password is
 * refused for every user, for good (R7, manual §2). Read once per request, so
 * the company's OTP state is read once however often the request asks
 * (issue 5).
 */
export function confirmationFor(registrations: Pick<RegistrationsRepository, 'state'>, user: User): Confirmation {
  const { usageMode, otpStartedAt } = registrations.state(user.companyId);
  return { method: otpStartedAt === null ? 'transferPassword' : 'otp', usageMode };
}

/** The verifier of a confirmation picked by confirmationFor. */
export function verifierFor(deps: FixedPasswordDeps & OtpVerifierDeps, confirmation: Confirmation): ConfirmationVerifier {
  return confirmation.method === 'otp' ? otpVerifier(deps, confirmation.usageMode) : fixedPasswordVerifier(deps);
}
