import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { z } from 'zod';
import { credentialIdField, otpField } from '../../../../domain/token';
import type { User } from '../../../../repositories/users';
import type { RegisterResult, UnregisterResult } from '../../../../services/otp/registration';
import type { FieldErrors } from '../../../forms';
import { adminSecretFields, approvalMessage, approvalPasswordField } from '../approval';

/** The forms of ワンタイムパスワード認証情報管理 and what their refusals say (§3(2), §3(3), Q1). */

export const registerForm = z.object({ credentialId: credentialIdField, otp: otpField, approvalPassword: approvalPasswordField });
/** Once OTP has started, unregistering a user's token also takes the administrator's code (issue 13). */
export const unregisterForm = z.object(adminSecretFields);
/** Not refilled: the code is single-use, the password is a secret, and the page itself sets the operation. */
export const SECRETS = ['otp', 'approvalPassword', 'operation'] as const;

/** Q1: an administrator's (or the shared) token is unregistered only on paper at the branch (R8). */
export const BRANCH_ONLY_MESSAGE =
  '管理者のトークンの登録解除は、お取引店の窓口で書面によるお手続きが必要です。お越しの際は代表口座のお届け印をご持参ください。';
export const STALE_MESSAGE =
  'この利用者のトークンの登録状態が、画面を表示した後に変わっています。表示し直した内容をご確認のうえ、もう一度操作してください。';
export const PRIMARY_ELSEWHERE_MESSAGE = 'このトークンは「トークン登録」画面で登録してください。';
const CODE_WRONG_MESSAGE = 'トークンIDまたはワンタイムパスワードが正しくありません。';

type Refusal = Exclude<RegisterResult | UnregisterResult, { ok: true }>;

type StateReason = Exclude<Refusal['reason'], 'approvalWrong' | 'approvalLocked' | 'codeWrong' | 'codeLocked' | 'codeReplayed' | 'taken' | 'tokenExpired'>;

/**
 * A code of the wider window for a token being registered (issue 13): its phone's clock seems off. 同期ズレ補正
 * works only for a registered token, so the customer is asked to set the phone's clock instead.
 */
export const NEW_TOKEN_CLOCK_MESSAGE =
  'ワンタイムパスワードが確認できませんでした。スマートフォンの時刻がずれている可能性があります。スマートフォンの日付と時刻を「自動設定」にしてから、新しいワンタイムパスワードを入力してください。';
export const TOKEN_EXPIRED_MESSAGE =
  'このソフトウェアトークンは有効期限が切れているため、登録できません。新しいソフトウェアトークン（VIP Access）を用意し、そのトークンIDを入力してください。';

/**
 * The code the phone still shows after its use (issue 15): said as such, on
 * 振込内容確認 and on the registration forms alike, because waiting for the
 * next code is what the customer has to do (see spendOtp for why telling it
 * is safe and why it does not count).
 */
export const OTP_REPLAYED_MESSAGE =
  'このワンタイムパスワードはすでに使用されています。スマートフォンに次のワンタイムパスワードが表示されるまでお待ちのうえ、新しいワンタイムパスワードを入力してください。';

const stateMessages: Record<StateReason, string> = {
  noMode: '先に「利用形態設定」で利用形態を選択してください。',
  registered: 'すでにトークンが登録されています。',
  primaryRegistered: 'すでにトークンが登録されています。',
  notRegistered: 'この利用者にはトークンが登録されていません。',
  adminFirst: '先に管理者のトークンを登録してください。',
  primaryMissing: PRIMARY_ELSEWHERE_MESSAGE,
  branchOnly: BRANCH_ONLY_MESSAGE,
};
export const MODE_FIXED_MESSAGE = 'トークンが登録されているため、利用形態は変更できません。';

/** The message of a refused registration or unregistration, beside the field it concerns, and its status. */
export function refusalView(refusal: Refusal): { status: number; errors: FieldErrors } {
  switch (refusal.reason) {
    case 'approvalWrong':
      return { status: 400, errors: { approvalPassword: approvalMessage(refusal) } };
    case 'approvalLocked':
      return { status: 403, errors: { approvalPassword: approvalMessage(refusal) } };
    case 'codeWrong': {
      // R3, R9: an unknown ID, a wrong or a reused code all read the same; the count warns before the lock.
      const left = refusal.remaining === null ? '' : `あと ${refusal.remaining} 回誤るとロックされます。`;
      return { status: 400, errors: { otp: (refusal.cause === 'outOfSync' ? NEW_TOKEN_CLOCK_MESSAGE : CODE_WRONG_MESSAGE) + left } };
    }
    case 'codeReplayed':
      return { status: 400, errors: { otp: OTP_REPLAYED_MESSAGE } };
    case 'codeLocked':
      return { status: 403, errors: { otp: 'ワンタイムパスワードがロックされています。お取引店にお問い合わせください。' } };
    case 'tokenExpired':
      return { status: 400, errors: { credentialId: TOKEN_EXPIRED_MESSAGE } };
    case 'taken':
      return { status: 400, errors: { credentialId: 'このトークンIDは登録できません。別のソフトウェアトークンをご利用ください。' } };
    default:
      return { status: 400, errors: { _form: stateMessages[refusal.reason] } };
  }
}

type Done = NonNullable<NonNullable<SessionData['otpWizard']>['done']>;

/** How ⑤ names whom a token was registered for. */
export const subjectOf = (user: User | null): string => (user ? `${user.loginId}（${user.name}）` : '全利用者（共用トークン）');

/**
 * Records the result ⑤ shows and moves the queue of selected users past the
 * one just handled, so 次の利用者へ leads on (§3(3)③). Acting on a user
 * outside the queue ends the queue.
 */
export function finishStep(req: Request, handledUserId: number, done: Done): void {
  const queue = req.session.otpWizard?.queue ?? [];
  const at = queue.indexOf(handledUserId);
  req.session.otpWizard = { queue: at === -1 ? [] : queue.slice(at + 1), done };
}
