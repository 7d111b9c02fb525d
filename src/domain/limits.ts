/**
 * 振込限度額 (issue 13, item 1): pure rules, no SQL. The bank sets each
 * company's limits; the administrator may lower them for the company and for
 * each user, never raise them above the bank's (user ≤ company ≤ bank). A
 * limit counts the transfer amount, not its fee; the day is the JST calendar
 * day.
 */

/** A pair of limits in yen. */
export interface Limits {
  perTransfer: number;
  daily: number;
}

/** Limits of one level that may be unset (null: no lower limit of its own). */
export interface OwnLimits {
  perTransfer: number | null;
  daily: number | null;
}

const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

/** The JST calendar day holding `now`, as [start, end) in epoch ms (Japan has no daylight saving). */
export function jstDay(now: number): { start: number; end: number } {
  const start = Math.floor((now + JST_OFFSET_MS) / DAY_MS) * DAY_MS - JST_OFFSET_MS;
  return { start, end: start + DAY_MS };
}

const lower = (own: number | null, above: number): number => (own === null ? above : Math.min(own, above));

/** A level's effective limits under the level above it: its own where lower, else the one above. */
export const within = (own: OwnLimits, above: Limits): Limits => ({
  perTransfer: lower(own.perTransfer, above.perTransfer),
  daily: lower(own.daily, above.daily),
});

/** How much is still allowed today and what bounds it. */
export interface Allowance {
  /** The user's effective limits (bank, company and user together). */
  limits: Limits;
  /** 本日の振込可能残額: the company's and the user's daily remainders, whichever is smaller. */
  remainingToday: number;
}

/**
 * Today's allowance of a user: the company's daily limit less what the whole
 * company transferred today, and the user's own daily limit less what the
 * user transferred today.
 */
export function allowance(company: Limits, user: OwnLimits, used: { company: number; user: number }): Allowance {
  const limits = within(user, company);
  const remainingToday = Math.max(0, Math.min(company.daily - used.company, limits.daily - used.user));
  return { limits, remainingToday };
}

export type LimitExcess = 'perTransfer' | 'daily';

/** Why an amount is over the allowance, or null when it is within it. */
export function excess(amount: number, a: Allowance): LimitExcess | null {
  if (amount > a.limits.perTransfer) return 'perTransfer';
  if (amount > a.remainingToday) return 'daily';
  return null;
}

/** Why requested limits are refused: above the level above them, or a 1回 limit above the 1日 one. */
export type LimitInvalid = 'perTransferAbove' | 'dailyAbove' | 'perTransferOverDaily';

/**
 * Checks limits an administrator asks for against the level above (the
 * bank's for the company, the company's for a user). Unset values take the
 * level above.
 */
export function invalidLimits(requested: OwnLimits, above: Limits): LimitInvalid | null {
  if (requested.perTransfer !== null && requested.perTransfer > above.perTransfer) return 'perTransferAbove';
  if (requested.daily !== null && requested.daily > above.daily) return 'dailyAbove';
  const effective = within(requested, above);
  if (requested.perTransfer !== null && effective.perTransfer > effective.daily) return 'perTransferOverDaily';
  return null;
}

/** Whether a change lets more through than before on either limit (raising needs the administrator's code). */
export const raises = (before: Limits, after: Limits): boolean =>
  after.perTransfer > before.perTransfer || after.daily > before.daily;
