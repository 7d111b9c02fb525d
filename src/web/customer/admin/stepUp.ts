import type { StepUpRefusal } from '../../../services/adminStepUp';
import type { ApprovalRefusal } from '../../../services/secretCheck';
import type { FieldErrors } from '../../forms';
import { approvalMessage } from './approval';
import { OTP_REPLAYED_MESSAGE } from './otp/forms';
import { wrongCauseMessage } from '../otpMessages';

// What a refused administrator action says about its secrets (issue 13, item 2; the fields are in approval.ts).

export type AdminRefusal = ApprovalRefusal | StepUpRefusal;

const STEP_UP_REASONS: ReadonlySet<string> = new Set<StepUpRefusal['reason']>(['codeMissing', 'noAdminToken', 'codeWrong', 'codeLocked', 'codeReplayed']);
const ADMIN_REASONS: ReadonlySet<string> = new Set([...STEP_UP_REASONS, 'approvalWrong', 'approvalLocked']);

export const isStepUpRefusal = (r: { reason: string }): r is StepUpRefusal => STEP_UP_REASONS.has(r.reason);
export const isAdminRefusal = (r: { reason: string }): r is AdminRefusal => ADMIN_REASONS.has(r.reason);

const NO_ADMIN_TOKEN_MESSAGE =
  'ワンタイムパスワードの利用開始後は、この操作に管理者のワンタイムパスワードが必要です。管理者のトークンが登録されていないため、先に「ワンタイムパスワード認証情報管理」からトークンを登録してください。';

/** What a refused 承認用パスワード or code says, beside its field (ids: the fields' ids on pages with several forms). */
export function adminRefusalView(
  refusal: AdminRefusal,
  ids: { approvalPassword: string; otp: string } = { approvalPassword: 'approvalPassword', otp: 'otp' },
): { status: number; errors: FieldErrors } {
  switch (refusal.reason) {
    case 'approvalWrong':
      return { status: 400, errors: { [ids.approvalPassword]: approvalMessage(refusal) } };
    case 'approvalLocked':
      // 400 as on every 利用者管理 form before: the form is shown again with the message beside the field.
      return { status: 400, errors: { [ids.approvalPassword]: approvalMessage(refusal) } };
    case 'codeMissing':
      return { status: 400, errors: { [ids.otp]: '管理者のワンタイムパスワードを入力してください。' } };
    case 'noAdminToken':
      return { status: 403, errors: { _form: NO_ADMIN_TOKEN_MESSAGE } };
    case 'codeWrong': {
      // A step-up code is always the administrator's (A) or the shared token's (B): a clock that seems off or an
      // expired token is told as on 振込内容確認 (issue 13); otherwise R9: a wrong, an older or an unknown code
      // read the same, and the count warns before the lock.
      const told = 'cause' in refusal ? wrongCauseMessage(refusal.cause, refusal.remaining, { role: 'admin' }) : undefined;
      return { status: 400, errors: { [ids.otp]: told ?? `ワンタイムパスワードが正しくありません。あと ${refusal.remaining} 回誤るとロックされます。` } };
    }
    case 'codeReplayed':
      return { status: 400, errors: { [ids.otp]: OTP_REPLAYED_MESSAGE } };
    case 'codeLocked':
      return { status: 403, errors: { [ids.otp]: 'ワンタイムパスワードがロックされています。お取引店にロック解除をお申し出ください。' } };
  }
}
