import { enteredPasswordSchema } from '../../../domain/credentials';
import type { ApprovalRefusal } from '../../../services/secretCheck';

/** Every 管理機能 action is confirmed with the administrator's 承認用パスワード (manual §3(2)④). */
export const approvalPasswordField = enteredPasswordSchema('承認用パスワード');

/** The message beside the 承認用パスワード field; the count left warns before the lock (R9). */
export function approvalMessage(refusal: ApprovalRefusal): string {
  return refusal.reason === 'approvalLocked'
    ? '承認用パスワードがロックされています。お取引店にお問い合わせください。'
    : `承認用パスワードが正しくありません。あと ${refusal.remaining} 回誤るとロックされます。`;
}
