import type { UsageMode } from '../../repositories/registrations';
import type { User } from '../../repositories/users';
import type { Actor } from '../auditLog';
import type { OtpWrongCause } from '../secretCheck';

export type ConfirmationMethod = 'transferPassword' | 'otp';

/**
 * Why a user cannot confirm transfers at all right now (R7): OTP has started
 * for the company and no token confirms this user's — a 利用者 in A whose
 * token is not (or no longer) registered, or an administrator whose own (A)
 * or shared (B) token the branch unregistered (Q1).
 */
export type ConfirmationBlock = 'noToken';

/** Which secret confirms a user's transfers, as read once per request (R7). */
export interface Confirmation {
  method: ConfirmationMethod;
  /** The company's 利用形態, which says whose token confirms (the own one in A, the shared one in B). */
  usageMode: UsageMode | null;
}

export type VerificationRefusal =
  /** cause: the token's clock seems off, or it is past its 有効期限 (issue 13; see spendOtp). */
  | { ok: false; reason: 'wrong'; remaining: number; cause?: OtpWrongCause }
  | { ok: false; reason: 'locked' }
  /** The one-time password of the step the token accepted last, typed again (issue 15; not counted). */
  | { ok: false; reason: 'replayed' }
  /** OTP has started but no token confirms this user's transfers (R7). */
  | { ok: false; reason: 'noToken' }
  /** The secret was right but can no longer be spent (R7: OTP started meanwhile). */
  | { ok: false; reason: 'refused' };

export type Verification = { ok: true } | VerificationRefusal;

/**
 * The one seam between a transfer and the secret that confirms it (manual §1,
 * §3(4)): today the fixed 送信確認パスワード; once the company has started
 * OTP (R7), a one-time password. The ledger knows nothing else.
 */
export interface ConfirmationVerifier {
  readonly method: ConfirmationMethod;
  /**
   * The part of the check that cannot run inside a transaction (bcrypt is
   * asynchronous), done before it. A one-time password has none: it is
   * checked in microseconds, inside the transaction.
   */
  precheck?(user: User, secret: string, actor: Actor): Promise<Verification>;
  /**
   * Runs INSIDE the debit transaction, so that checking, spending and debiting
   * commit together or not at all: for OTP the lock, the code, its count and
   * the single-use compare-and-set (R2, R9, R15); for the fixed password the
   * R7 switch-over asked again. A refusal returned here is committed with its
   * count and audit entry; the ledger's own refusals roll all of it back.
   */
  spend(user: User, secret: string, actor: Actor): Promise<Verification>;
}
