import type { TransferForm } from '../../domain/zengin';
import type { User } from '../../repositories/users';
import type { ConfirmationBlock, ConfirmationMethod } from '../../services/confirmation';
import type { DraftOutcome } from '../../services/drafts';
import type { LimitRefusal } from '../../services/limits';
import type { ConfirmOutcome } from '../../services/transfers';
import { formatYen } from '../format';
import type { FieldErrors } from '../forms';
import { OTP_REPLAYED_MESSAGE } from './admin/otp/forms';
import { wrongCauseMessage } from './otpMessages';

/**
 * What the 都度振込 screens say when they refuse (issue 15, item 3): each
 * message says what happened and what the customer can do next, in the
 * manual's polite tone, beside the field it concerns.
 */

export const secretLabels: Record<ConfirmationMethod, string> = {
  transferPassword: '送信確認パスワード',
  otp: 'ワンタイムパスワード',
};

/**
 * Why this user cannot confirm transfers, and what to do (R7): in A each
 * transfer user needs an own token, which the administrator registers
 * (§3(3)); the administrator registers the own one again after the branch
 * unregistered it (Q1). Said on 都度振込's first screen and on 振込内容確認.
 */
export function blockMessage(_block: ConfirmationBlock, user: User): string {
  return user.role === 'admin'
    ? 'ワンタイムパスワードのトークンが登録されていません。「管理機能」の「ワンタイムパスワード認証情報管理」からトークンを登録してください。登録が済むまで、都度振込はご利用いただけません。'
    : 'ワンタイムパスワードのトークンが登録されていません。管理者にソフトウェアトークンの登録を依頼してください。登録が済むまで、都度振込はご利用いただけません。';
}

/** 振込限度額 (issue 13): which limit the amount passes, and 本日の振込可能残額, on 入力 and on 振込内容確認 alike. */
export function limitMessage(refusal: LimitRefusal): string {
  const { limits, remainingToday } = refusal.allowance;
  const which = refusal.excess === 'perTransfer'
    ? `1回あたりの振込限度額（${formatYen(limits.perTransfer)}）`
    : `1日あたりの振込限度額（${formatYen(limits.daily)}）`;
  return `振込金額が${which}を超えるため、振込できません。本日の振込可能残額は${formatYen(remainingToday)}です。振込金額を変更して入力し直してください。`;
}

/** What the 振込内容確認 screen says when a confirmation is refused, and with which status. */
export function refusal(
  outcome: Exclude<ConfirmOutcome, { ok: true }>,
  field: ConfirmationMethod,
  user: User,
): { status: number; errors: FieldErrors; field?: ConfirmationMethod; resyncLink?: true } {
  const label = secretLabels[field];
  switch (outcome.reason) {
    case 'wrong': {
      // issue 13: the token's clock seems off (with a link to 同期ズレ補正), or the token is past its 有効期限.
      const caused = wrongCauseMessage(outcome.cause, outcome.remaining, user);
      if (caused) return { status: 400, errors: { [field]: caused }, ...(outcome.cause === 'outOfSync' && { resyncLink: true as const }) };
      return { status: 400, errors: { [field]: `${label}が正しくありません。あと ${outcome.remaining} 回誤るとロックされます。` } };
    }
    case 'replayed':
      return { status: 400, errors: { [field]: OTP_REPLAYED_MESSAGE } };
    case 'locked': {
      // R9: the administrator unlocks users; branch staff unlock the administrator.
      const whom = user.role === 'admin'
        ? 'お取引店にロック解除をお申し出ください'
        : '管理者に「利用者管理」でのロック解除を依頼してください';
      return { status: 403, errors: { [field]: `${label}がロックされています。${whom}。` } };
    }
    case 'noToken':
      return { status: 403, errors: { _form: blockMessage(outcome.reason, user) } };
    case 'limit':
      return { status: 409, errors: { _form: limitMessage(outcome) } };
    case 'insufficient':
      return {
        status: 409,
        errors: { _form: '残高が不足しているため、振込できません。振込金額と振込手数料の合計が代表口座の残高を超えています。残高をご確認のうえ、振込金額を変更して入力し直してください。' },
      };
    default:
      // R7: the company started OTP while the fixed password was checked; from now on only a one-time
      // password confirms, so the page asks for one. (Whether the password was right no longer matters:
      // the fixed password can never confirm again.)
      return {
        status: 409,
        field: 'otp',
        errors: { otp: 'ワンタイムパスワードの利用が開始されたため、送信確認パスワードでは振込できなくなりました。スマートフォンに表示されているワンタイムパスワードを入力してください。' },
      };
  }
}

/** Why 次へ on 入力 was refused, beside the field it concerns. */
export function draftRefusal(outcome: Exclude<DraftOutcome, { ok: true }>, values: Pick<TransferForm, 'bankCode' | 'branchCode'>, user: User): FieldErrors {
  switch (outcome.reason) {
    case 'unknownBank':
      return { bankCode: `金融機関コード「${values.bankCode}」の金融機関は見つかりません。コードをご確認いただくか、「金融機関・支店を検索」から選んでください。` };
    case 'unknownBranch':
      return { branchCode: `${outcome.bankName}に支店コード「${values.branchCode}」の支店は見つかりません。コードをご確認いただくか、「金融機関・支店を検索」から選んでください。` };
    case 'limit':
      return { amount: limitMessage(outcome) };
    default:
      return { _form: blockMessage(outcome.reason, user) };
  }
}
