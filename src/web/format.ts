import { formatJstDateTime } from '../domain/jst';
import { formatYenAmount } from '../domain/yen';
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

export const formatYen = formatYenAmount;

export const formatDateTime = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '' : formatJstDateTime(ms);

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
