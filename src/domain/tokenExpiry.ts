/**
 * 有効期限 of a software token (issue 13, item 4). VIP Access credentials
 * expire three years after they are made; the bank records the date and warns
 * from EXPIRY_NOTICE_DAYS before. The date is a JST calendar day, valid
 * through its last second (23:59:59.999 JST): a customer reading
 * 「有効期限 2029年11月26日」 expects the code to work all that day.
 */

const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 3_600_000;

export const TOKEN_LIFETIME_YEARS = 3;
/** From this many days before the 有効期限 the メニュー and the OTP screens say what to do. */
export const EXPIRY_NOTICE_DAYS = 60;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** YYYY-MM-DD of an instant in Japan time (UTC+9, no daylight saving). */
export const jstDate = (ms: number): string => new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);

/** A real calendar date written YYYY-MM-DD (2027-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** The day a token was made (JST) plus three years; 29 February gives 28 February, never more than three years. */
export function defaultExpiry(createdMs: number): string {
  const [y, m, d] = jstDate(createdMs).split('-').map(Number) as [number, number, number];
  const day = m === 2 && d === 29 ? 28 : d;
  return `${y + TOKEN_LIFETIME_YEARS}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The first instant at which a token expiring on `expiresOn` is no longer valid: 00:00:00 JST the day after. */
export const expiryInstant = (expiresOn: string): number => Date.parse(`${expiresOn}T00:00:00+09:00`) + DAY_MS;

export const isExpired = (expiresOn: string, nowMs: number): boolean => nowMs >= expiryInstant(expiresOn);

/** Whole JST days from today to the 有効期限: 0 on the day itself, negative once past. */
export const daysLeft = (expiresOn: string, nowMs: number): number =>
  Math.round((Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${jstDate(nowMs)}T00:00:00Z`)) / DAY_MS);

export type ExpiryState = 'valid' | 'soon' | 'expired';

/** valid, soon (from EXPIRY_NOTICE_DAYS before, the day itself included) or expired. */
export function expiryState(expiresOn: string, nowMs: number): ExpiryState {
  if (isExpired(expiresOn, nowMs)) return 'expired';
  return daysLeft(expiresOn, nowMs) <= EXPIRY_NOTICE_DAYS ? 'soon' : 'valid';
}

/** 2029-11-26 → 2029年11月26日, as the screens show it. */
export function formatExpiry(expiresOn: string): string {
  const m = DATE.exec(expiresOn);
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : expiresOn;
}
