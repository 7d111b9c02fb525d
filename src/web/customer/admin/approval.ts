import { z } from 'zod';
import { enteredPasswordSchema } from '../../../domain/credentials';
import { otpField } from '../../../domain/token';
import type { ApprovalRefusal } from '../../../services/secretCheck';

/** Every 管理機能 action is confirmed with the administrator's 承認用パスワード (manual §3(2)④). */
export const approvalPasswordField = enteredPasswordSchema('承認用パスワード');

/**
 * Once OTP has started, the actions of src/domain/adminStepUp.ts also take the
 * administrator's one-time password (`otp`, issue 13). An empty code is "not
 * typed"; the service says whether one was needed.
 */
export const adminOtpField = z.preprocess((v) => (v === '' || v === undefined ? undefined : v), otpField.optional());
export const adminSecretFields = { approvalPassword: approvalPasswordField, otp: adminOtpField };

/** Never refilled. */
export const ADMIN_SECRETS = ['approvalPassword', 'otp'] as const;

/** The message beside the 承認用パスワード field; the count left warns before the lock (R9). */
export function approvalMessage(refusal: ApprovalRefusal): string {
  return refusal.reason === 'approvalLocked'
    ? '承認用パスワードがロックされています。お取引店にお問い合わせください。'
    : `承認用パスワードが正しくありません。あと ${refusal.remaining} 回誤るとロックされます。`;
}
