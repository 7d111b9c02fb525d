import { maskCredentialId } from '../domain/token';
import { formatExpiry } from '../domain/tokenExpiry';
import { auditEventLabel, lockKindLabel } from './auditLabels';
import { loginResultLabel } from './loginAttempts';

// View helpers: what every template may call to show values the way a
// Japanese bank customer expects (yen with separators, JST, manual labels).

/** 利用形態 in the manual's words (§3(2)③), for the customer screens and the branch console alike. */
export const USAGE_MODE_LABELS = {
  individual: '管理者、利用者が異なるトークンを利用する。',
  shared: '管理者、利用者が同じトークンを利用する。',
} as const;

const yen = new Intl.NumberFormat('ja-JP');
const jst = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

export const formatYen = (amount: number): string => `${yen.format(amount)}円`;

export const formatDateTime = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '' : jst.format(new Date(ms));

// Lives in the domain so services can number receipts without importing the web layer.
export { jstDatePart } from '../domain/jst';

/** A token's recorded drift (issue 13) as staff read it: +3 steps is the phone 90 s ahead. */
export const driftLabel = (drift: number): string =>
  drift === 0 ? 'なし' : `${drift > 0 ? '+' : '−'}${Math.abs(drift)}ステップ（${drift > 0 ? '進み' : '遅れ'} ${Math.abs(drift) * 30}秒）`;

export const accountTypeLabel = (t: string): string => (t === 'current' ? '当座' : '普通');

export const viewHelpers = {
  formatYen,
  formatDateTime,
  accountTypeLabel,
  auditEventLabel,
  lockKindLabel,
  loginResultLabel,
  maskCredentialId,
  formatExpiry,
  driftLabel,
  usageModeLabels: USAGE_MODE_LABELS,
};
