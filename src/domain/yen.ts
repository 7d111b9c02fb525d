import { z } from 'zod';
import { normalize } from './text';

/** What an amount field accepts: its label for messages, the least and the most yen. */
export interface YenRule {
  label: string;
  min: 0 | 1;
  max: number;
}

export type YenParse = { ok: true; value: number } | { ok: false; message: string };

const yenFormat = new Intl.NumberFormat('ja-JP');

/**
 * 1,234,567円. Whole yen are grouped by hand — the text Intl.NumberFormat('ja-JP')
 * writes (a unit test compares the two) at a fraction of its cost: every page
 * and notice shows amounts (issue 11). Anything else goes to Intl.
 */
export function formatYenAmount(yen: number): string {
  if (!Number.isSafeInteger(yen)) return `${yenFormat.format(yen)}円`;
  const digits = String(Math.abs(yen));
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return `${yen < 0 ? '-' : ''}${grouped}円`;
}

/**
 * Parses an amount of yen as a clerk types it: full-width digits, thousands
 * commas and a leading ¥ or trailing 円 are accepted ("１,０００円" is 1000);
 * signs and decimals are not. Commas must group thousands: a misplaced comma
 * more likely hides a wrong amount than a habit. Long digit strings are judged
 * by their length, never converted to a float.
 */
export function parseYen(typed: unknown, rule: YenRule): YenParse {
  const { label, min, max } = rule;
  const text = normalize(typed).replace(/^¥/, '').replace(/円$/, '').trim();
  if (text === '') return { ok: false, message: `${label}を入力してください。` };
  if (/^[-−▲△]/.test(text)) return { ok: false, message: `${label}は${min}円以上の金額を入力してください。` };
  if (text.includes('.')) {
    return { ok: false, message: `${label}は1円単位の整数で入力してください（小数点は使えません）。` };
  }
  if (!/^([0-9]{1,3}(,[0-9]{3})+|[0-9]+)$/.test(text)) {
    return { ok: false, message: `${label}は数字で入力してください（例：1,000）。` };
  }
  const digits = text.replace(/,/g, '').replace(/^0+(?=[0-9])/, '');
  if (digits.length > String(max).length || Number(digits) > max) {
    return { ok: false, message: `${label}は${formatYenAmount(max)}以内で入力してください。` };
  }
  const value = Number(digits);
  if (value < min) return { ok: false, message: `${label}は${min}円以上の金額を入力してください。` };
  return { ok: true, value };
}

/** parseYen as a zod field, so forms report the message beside the field. */
export const yenSchema = (rule: YenRule) =>
  z.unknown().transform((v, ctx) => {
    const parsed = parseYen(v, rule);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });
