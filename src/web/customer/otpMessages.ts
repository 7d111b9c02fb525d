import { z } from 'zod';
import { normalizeOtp } from '../../domain/token';
import { formatExpiry } from '../../domain/tokenExpiry';
import type { User } from '../../repositories/users';
import type { ExpiryNotice } from '../../services/otp/expiry';
import type { OtpWrongCause } from '../../services/secretCheck';

/**
 * What the screens say about a token's clock and its 有効期限 (issue 13,
 * items 3 and 4), wherever a one-time password is typed or a token shown:
 * what happened, and what the customer does next.
 */

export const RESYNC_PATH = '/otp/resync';

/** A one-time password field named by its label, where a form has two (同期ズレ補正, トークン切替); never refilled. */
export const codeField = (label: string) =>
  z.preprocess(
    normalizeOtp,
    z.string().min(1, { message: `${label}を入力してください。`, abort: true }).regex(/^[0-9]{6}$/, `${label}は数字6桁で入力してください。`),
  );

const remainingPhrase = (remaining: number): string => `あと ${remaining} 回誤るとロックされます。`;

/** A code of the wider window: the token's clock seems off; 同期ズレ補正 (linked beside the message) fixes it. */
export const outOfSyncMessage = (remaining: number): string =>
  'ワンタイムパスワードが確認できませんでした。ソフトウェアトークン（スマートフォン）の時刻がずれている可能性があります。' +
  '「同期ズレ補正」で、続けて表示される２つのワンタイムパスワードを入力して補正してから、もう一度お試しください。' +
  remainingPhrase(remaining);

/** Who helps once a token has expired: its replacement needs the old token working, so it is a new registration now. */
function afterExpiry(user: Pick<User, 'role'>, shared: boolean): string {
  // The administrator's own (A) or the shared (B) token is unregistered only at the branch (R8, Q1).
  if (user.role === 'admin') {
    return '新しいソフトウェアトークンの登録には、お取引店の窓口での登録解除のお手続き（書面、代表口座のお届け印）が必要です。お取引店にお問い合わせください。';
  }
  return shared
    ? '管理者にお問い合わせください。'
    : '管理者に、トークンの登録解除と新しいソフトウェアトークンの登録を依頼してください。';
}

/** A right code of a token past its 有効期限. */
export const expiredMessage = (user: Pick<User, 'role'>, shared = false): string =>
  `ご利用のソフトウェアトークンは有効期限が切れているため、ワンタイムパスワードをご利用いただけません。${afterExpiry(user, shared)}`;

/** The message for a 'wrong' refusal that carries a cause, or undefined for a plainly wrong code. */
export function wrongCauseMessage(cause: OtpWrongCause | undefined, remaining: number, user: Pick<User, 'role'>): string | undefined {
  if (cause === 'outOfSync') return outOfSyncMessage(remaining);
  if (cause === 'expired') return expiredMessage(user);
  return undefined;
}

/** The 有効期限 notice of the メニュー and the OTP screens, from EXPIRY_NOTICE_DAYS before. */
export function expiryNoticeLines(notice: ExpiryNotice, user: User): string[] {
  const date = formatExpiry(notice.expiresOn);
  const whose = notice.shared ? '共用のソフトウェアトークン' : 'ご利用のソフトウェアトークン';
  if (notice.state === 'expired') {
    return [`${whose}の有効期限（${date}）が過ぎたため、このトークンのワンタイムパスワードはご利用いただけません。`, afterExpiry(user, notice.shared)];
  }
  const when = notice.daysLeft === 0 ? '本日まで' : `あと${notice.daysLeft}日`;
  const todo = user.role === 'admin'
    ? '有効期限までに新しいソフトウェアトークンを用意し、「管理機能」の「ワンタイムパスワード認証情報管理」から「トークン切替」を行ってください。切替には、現在のトークンのワンタイムパスワードが必要です。有効期限を過ぎると、お取引店でのお手続きが必要になります。'
    : '有効期限までに新しいソフトウェアトークンを用意し、管理者に「トークン切替」を依頼してください。切替には、現在のトークンのワンタイムパスワードが必要です。';
  return [`${whose}の有効期限は${date}です（${when}）。`, todo];
}
