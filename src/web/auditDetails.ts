import { maskCredentialId } from '../domain/token';
import { limitDescribers } from './auditDetailsLimits';
import { isLockKind, lockKindLabel } from './auditLabels';
import { formatYen, USAGE_MODE_LABELS } from './format';

// 詳細 of the 操作履歴 in words. Each event's detail is written in one known
// shape (grep `audit.record(` in src/); a detail in no known shape — an older
// row, a future one — is shown as it is (escaped by the template), with any
// full トークンID in it masked.

/** A full Credential ID anywhere in a text (R3): the screens show only its prefix and last four digits. */
const FULL_CREDENTIAL_ID = /\b[A-Z]{4}[0-9]{8}\b/g;
export const maskCredentialIds = (text: string): string => text.replace(FULL_CREDENTIAL_ID, maskCredentialId);

const count = (n: string): string => `${Number(n)}回目の誤り`;
const yen = (n: string): string => formatYen(Number(n));

/** Why a secret was not accepted; failures=N is how many wrong entries in a row (R9). */
const secretReasons: Record<string, string> = {
  'unknown id': '登録されていないIDです。',
  locked: 'ロック中のため、照合していません。',
  attemptsInFlight: '同時に照合中の入力が上限に達したため、照合していません。',
  noToken: 'ワンタイムパスワードのトークンが登録されていません。',
  // The code the token accepted last, typed again while the phone still shows it: refused, not counted (spendOtp).
  replayed: '直前に使用したワンタイムパスワードが再度入力されました（誤りの回数には数えません）。',
};

/** What the token authority answered for a one-time password (src/services/tokenAuthority.ts). */
const codeReasons: Record<string, string> = {
  wrong: 'ワンタイムパスワードが正しくありません',
  replayed: '使用済みのワンタイムパスワードが入力されました',
  unknown: '登録されていないトークンのワンタイムパスワードです',
  disabled: '利用停止中のトークンのワンタイムパスワードです',
  sealBroken: 'トークンの情報を読み取れませんでした',
  outOfSync: 'トークンの時刻がずれている可能性があるワンタイムパスワードです（受け付けていません）',
};

/** Login, 送信確認パスワード, 承認用パスワード, OTP and staff login: a refusal and the count of wrong entries. */
const secretCheck = (secret: string) => (detail: string): string | undefined => {
  if (secretReasons[detail]) return secretReasons[detail];
  const m = /^(?:(\w+) )?failures=(\d+)$/.exec(detail);
  if (!m) return undefined;
  const [, reason, failures] = m;
  if (reason !== undefined && !codeReasons[reason]) return undefined;
  return `${reason ? codeReasons[reason] : `${secret}が正しくありません`}（${count(failures!)}）。`;
};

/** Why a transfer was not confirmed (ConfirmOutcome in src/services/transfers.ts). */
const transferReasons: Record<string, string> = {
  completed: '既に確定済みの振込です',
  expired: '振込内容確認の有効期限が切れていました',
  insufficient: '残高が不足していました',
  wrong: '送信確認パスワードまたはワンタイムパスワードが正しくありませんでした',
  locked: 'ロック中のため確定できませんでした',
  noToken: 'ワンタイムパスワードのトークンが登録されていませんでした',
  refused: 'ワンタイムパスワードの利用開始後のため、送信確認パスワードでは確定できませんでした',
  replayed: '使用済みのワンタイムパスワードが入力されました',
  limit: '振込限度額を超えていました',
};

/** Why a token was not registered or unregistered (src/domain/otpSlot.ts, src/services/otp, src/services/otpBranch.ts). */
const tokenReasons: Record<string, string> = {
  taken: 'このトークンは既に登録されています（他の利用者または他の契約先）。',
  registered: 'この利用者には既にトークンが登録されています。',
  primaryRegistered: '管理者（共用）のトークンは既に登録されています。',
  notRegistered: '登録解除できるトークンがありません。',
  noMode: '利用形態が設定されていません。',
  adminFirst: '先に管理者のトークンの登録が必要です。',
  primaryMissing: '管理者（共用）のトークンが登録されていません。',
  branchOnly: '管理者のトークン・共用トークンの登録解除は営業店でのお手続きが必要です。',
  notFound: '契約先が見つかりません。',
  duplicateRequest: 'この書面受付番号は既に使われています。',
  tokenExpired: 'トークンの有効期限が切れています。',
  sameToken: '現在のトークンと同じトークンIDが入力されました。',
  stale: '画面を表示した後に登録状態が変わっていました。',
  noDrift: '時刻のずれの記録がありません。',
};

/** key=value pairs separated by spaces, or undefined when the text has any other part. */
function pairs(detail: string): Record<string, string> | undefined {
  const found: Record<string, string> = {};
  for (const part of detail.split(' ')) {
    const m = /^(\w+)=(\S+)$/.exec(part);
    if (!m) return undefined;
    found[m[1]!] = m[2]!;
  }
  return found;
}

function transfer(detail: string): string | undefined {
  const p = pairs(detail);
  if (!p?.amount || !/^\d+$/.test(p.amount) || Object.keys(p).some((k) => !['reason', 'amount', 'fee'].includes(k))) return undefined;
  if (p.reason !== undefined && !transferReasons[p.reason]) return undefined;
  if (p.fee !== undefined && !/^\d+$/.test(p.fee)) return undefined;
  const money = [`振込金額 ${yen(p.amount)}`, p.fee === undefined ? '' : `振込手数料 ${yen(p.fee)}`].filter(Boolean).join('、');
  return p.reason ? `${transferReasons[p.reason]}（${money}）。` : `${money}。`;
}

const lockNames = (kinds: string): string | undefined => {
  const names = kinds.split(',');
  return names.every(isLockKind) ? names.map(lockKindLabel).join('・') : undefined;
};

function branchUnregister(detail: string): string | undefined {
  const m = /^書面受付番号=(\S+) (?:届出印確認済 (.+)|(\w+))$/.exec(detail);
  if (!m) return undefined;
  const [, request, masked, reason] = m;
  if (masked !== undefined) return `書面（受付番号 ${request}）により、お届け印を確認のうえ、トークンID ${maskCredentialIds(masked)} の登録を解除しました。`;
  return tokenReasons[reason!] && `書面（受付番号 ${request}）：${tokenReasons[reason!]}`;
}

type Describe = (detail: string) => string | undefined;

/** 同期ズレ補正 and 有効期限 (issue 13): `expired 2029-11-26`, `SYMC **** 0001 drift=3`, `SYMC **** 0001 → SYMC **** 0002`. */
const expiredDetail = (d: string): string | undefined => {
  const m = /^expired (\d{4})-(\d{2})-(\d{2})$/.exec(d);
  return m ? `有効期限（${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日）が切れたトークンのため、受け付けていません。` : undefined;
};
const driftDetail = (verb: string) => (d: string): string | undefined => {
  const m = /^([A-Z]{4} \*{4} \d{4}) drift=(-?\d+)$/.exec(d);
  if (!m) return undefined;
  const steps = Number(m[2]);
  return `トークンID ${m[1]} の${verb}（時刻のずれ ${steps > 0 ? '+' : ''}${steps}ステップ、${steps * 30}秒）。`;
};
const otpCheck = secretCheck('ワンタイムパスワード');

const platforms: Record<string, string> = { mobile: 'スマートフォン・タブレット用', desktop: 'パソコン用（都度振込には使えません）' };

const describers: Record<string, Describe> = {
  ...limitDescribers,
  login: secretCheck('ログインパスワード'),
  'staff.login': secretCheck('パスワード'),
  'transfer_password.verify': secretCheck('送信確認パスワード'),
  'approval_password.verify': secretCheck('承認用パスワード'),
  'otp.verify': (d) => expiredDetail(d) ?? otpCheck(d),
  'otp.resync': (d) => expiredDetail(d) ?? driftDetail('時刻のずれを補正しました')(d) ?? otpCheck(d),
  'otp.drift_reset': (d) => tokenReasons[d] ?? driftDetail('同期ズレ補正をリセットしました')(d),
  'otp.replace': (d) => {
    const m = /^([A-Z]{4} \*{4} \d{4}) → ([A-Z]{4} \*{4} \d{4})$/.exec(d);
    return m ? `トークンID ${m[1]} から ${m[2]} に切り替えました。` : tokenReasons[d];
  },
  lock: (d) => isLockKind(d) ? `${lockKindLabel(d)}の誤りが続いたため、ロックしました。` : undefined,
  unlock: (d) => lockNames(d) && `${lockNames(d)}のロックを解除しました。`,
  'otp.mode': (d) => {
    const mode = USAGE_MODE_LABELS[d as keyof typeof USAGE_MODE_LABELS];
    return mode && `利用形態を「${d === 'individual' ? 'A' : 'B'}：${mode}」に設定しました。`;
  },
  'otp.register': (d) => tokenReasons[d] ?? (d.includes('*') ? `トークンID ${d} を登録しました。` : undefined),
  'otp.unregister': (d) => tokenReasons[d] ?? branchUnregister(d) ?? (/^[A-Z]{4} \*{4} \d{4}$/.test(d) ? `トークンID ${d} の登録を解除しました。` : undefined),
  'transfer.confirm': transfer,
  'user.add': (d) => (/^都度振込権限(あり|なし)$/.test(d) ? `${d}で登録しました。` : undefined),
  'user.password_reset': (d) => {
    const names: Record<string, string> = { password: 'ログインパスワード', transferPassword: '送信確認パスワード' };
    const which = d.split(',');
    return which.every((w) => names[w]) ? `${which.map((w) => names[w]).join('・')}を再設定しました。` : undefined;
  },
  'access.denied': (d) =>
    d === 'administrator' ? '管理者のIDは利用者管理の対象外です（営業店でのお手続きが必要です）。'
      : /^userId=\d+$/.test(d) ? `存在しない利用者（内部番号 ${d.slice(7)}）が指定されました。` : undefined,
  'contract.open': (d) => {
    const m = /^口座 (\d+) 開設残高 (\d+)$/.exec(d);
    return m ? `代表口座 普通 ${m[1]}、開設残高 ${yen(m[2]!)}。` : undefined;
  },
  'token.provision': (d) => platforms[d] && `${platforms[d]}のトークンです。`,
  'token.import': (d) => platforms[d] && `${platforms[d]}のトークンです。`,
  'key.rotate': (d) => {
    const m = /^(\d+) secret\(s\) re-sealed under key (\S+)$/.exec(d);
    return m ? `${m[1]}件のトークンの秘密情報を新しい鍵（${m[2]}）で暗号化し直しました。` : undefined;
  },
};

/** 詳細 in words; a detail in no known shape as it is, full トークンIDs masked. */
export function describeAuditDetail(event: string, detail: string | null): string {
  if (detail === null || detail === '') return '';
  return describers[event]?.(detail) ?? maskCredentialIds(detail);
}
