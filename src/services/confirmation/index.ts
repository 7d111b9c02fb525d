import type { RegistrationsRepository } from '../../repositories/registrations';
import type { User } from '../../repositories/users';
import { fixedPasswordVerifier, type FixedPasswordDeps } from './fixedPassword';
import { otpVerifier, type OtpVerifierDeps } from './otp';
import type { Confirmation, ConfirmationBlock, ConfirmationVerifier } from './verifier';

export type { Confirmation, ConfirmationBlock, ConfirmationMethod, ConfirmationVerifier, Verification, VerificationRefusal } from './verifier';

/**
 * Which secret confirms this user's transfers: the single place the OTP
 * switch-over happens. Once the company has started OTP the fixed password is
 * refused for every user, for good (R7, manual §2). Read once per request, so
 * the company's OTP state is read once however often the request asks
 * (issue 5).
 */
export async function confirmationFor(registrations: Pick<RegistrationsRepository, 'state'>, user: User): Promise<Confirmation> {
  const { usageMode, otpStartedAt } = await registrations.state(user.companyId);
  return { method: otpStartedAt === null ? 'transferPassword' : 'otp', usageMode };
}

/**
 * Whether no secret can confirm this user's transfers: OTP has started and no
 * token serves the user — 都度振込 says so on its first screen, before
 * anything is typed (issue 15). Asked only there: on 振込内容確認 the OTP
 * verifier finds the registration inside the debit transaction, and that
 * answer decides.
 */
export async function confirmationBlock(registrations: Pick<RegistrationsRepository, 'state' | 'forUser'>, user: User): Promise<ConfirmationBlock | null> {
  const { method, usageMode } = await confirmationFor(registrations, user);
  if (method !== 'otp') return null;
  return await registrations.forUser(user.companyId, user.id, usageMode) ? null : 'noToken';
}

/** The verifier of a confirmation picked by confirmationFor. */
export function verifierFor(deps: FixedPasswordDeps & OtpVerifierDeps, confirmation: Confirmation): ConfirmationVerifier {
  return confirmation.method === 'otp' ? otpVerifier(deps, confirmation.usageMode) : fixedPasswordVerifier(deps);
}
