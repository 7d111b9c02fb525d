import * as Encoding from 'encoding-japanese';
import { z } from 'zod';
import { normalize, normalizeDigits } from './text';

/**
 * The 都度振込 input rules (DESIGN §4, R10): bank, branch and account in the
 * fixed-width digits the zengin network carries, the payee in the half-width
 * katakana banks transmit, and a whole-yen amount within the configured limit.
 * Pure: no Express, no SQL; the limit comes in from configuration.
 */

export const PAYEE_MAX = 30;

// Zengin transmits no small kana; the receiving bank matches names on the
// large ones (ｷｯﾌﾟ is sent as ｷﾂﾌﾟ). ヮヵヶ have no half-width form at all,
// and the obsolete ヰヱ are sent as ｲｴ.
const largeKana: Record<string, string> = {
  ｧ: 'ｱ', ｨ: 'ｲ', ｩ: 'ｳ', ｪ: 'ｴ', ｫ: 'ｵ', ｯ: 'ﾂ', ｬ: 'ﾔ', ｭ: 'ﾕ', ｮ: 'ﾖ',
  ヮ: 'ワ', ヵ: 'カ', ヶ: 'ケ', ヰ: 'イ', ヱ: 'エ',
};

/** What the zengin character set allows in a payee name. */
const ZENGIN_CHARS = /^[\uFF66\uFF71-\uFF9F A-Z0-9()./-]*$/;

/**
 * Converts what a clerk typed (hiragana, full-width katakana, half-width
 * katakana, full-width letters) into zengin half-width katakana. Characters
 * that have no zengin form (kanji, emoji) are left as they are for the
 * validation to refuse.
 */
export function toZenginKana(typed: string): string {
  // NFKC first: half-width kana become full-width (one form to convert from),
  // full-width letters, digits and brackets become ASCII.
  const katakana = Encoding.toKatakanaCase(normalize(typed))
    .toUpperCase()
    .replace(/[ヮヵヶヰヱ]/g, (c) => largeKana[c] ?? c)
    // Dashes an IME may produce where a hyphen or a long vowel was meant.
    .replace(/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g, '-');
  return Encoding.toHankanaCase(katakana)
    .replace(/[ｧｨｩｪｫｯｬｭｮ]/g, (c) => largeKana[c] ?? c)
    .replace(/ｰ/g, '-')
    .replace(/\s+/g, ' ');
}

export const payeeNameSchema = z.preprocess(
  (v) => toZenginKana(typeof v === 'string' ? v : ''),
  z
    .string()
    .min(1, '受取人名を入力してください。')
    .regex(ZENGIN_CHARS, '受取人名はカナで入力してください（カナ・英大文字・数字・スペース・( ) . - / が使えます）。')
    .max(PAYEE_MAX, `受取人名は半角カナに換算して${PAYEE_MAX}文字以内で入力してください。`),
);

/** A fixed-width code or number: full-width digits, spaces and hyphens are accepted (R4 habits). */
export const digitsSchema = (label: string, length: number) =>
  z.preprocess(
    normalizeDigits,
    z
      .string()
      .min(1, `${label}を入力してください。`)
      .regex(new RegExp(`^[0-9]{${length}}$`), `${label}は${length}桁の数字で入力してください。`),
  );

export const accountTypeSchema = z.enum(['ordinary', 'current'], {
  error: '預金種目は普通または当座を選択してください。',
});

export const formatLimit = (yen: number): string => `${new Intl.NumberFormat('ja-JP').format(yen)}円`;

export type YenParse = { ok: true; value: number } | { ok: false; message: string };

/**
 * Parses an amount of yen as typed: full-width digits and thousands commas
 * are accepted ("１,０００" is 1000); signs, decimals and zero are not.
 * Long digit strings are judged by their length, never converted to a float.
 */
export function parseYen(typed: unknown, limitYen: number): YenParse {
  const text = normalize(typed);
  if (text === '') return { ok: false, message: '振込金額を入力してください。' };
  if (/^[-−▲△]/.test(text)) return { ok: false, message: '振込金額は1円以上の金額を入力してください。' };
  if (text.includes('.')) {
    return { ok: false, message: '振込金額は1円単位の整数で入力してください（小数点は使えません）。' };
  }
  if (!/^([0-9]{1,3}(,[0-9]{3})+|[0-9]+)$/.test(text)) {
    return { ok: false, message: '振込金額は数字で入力してください（例：1,000）。' };
  }
  const digits = text.replace(/,/g, '').replace(/^0+(?=[0-9])/, '');
  const tooLarge = digits.length > String(limitYen).length || Number(digits) > limitYen;
  if (tooLarge) return { ok: false, message: `振込金額は${formatLimit(limitYen)}以内で入力してください。` };
  const value = Number(digits);
  if (value < 1) return { ok: false, message: '振込金額は1円以上の金額を入力してください。' };
  return { ok: true, value };
}

export const amountSchema = (limitYen: number) =>
  z.unknown().transform((v, ctx) => {
    const parsed = parseYen(v, limitYen);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });

/** The 都度振込 入力 form (DESIGN §4 field names). */
export const transferInputSchema = (limitYen: number) =>
  z.object({
    bankCode: digitsSchema('金融機関コード', 4),
    branchCode: digitsSchema('支店コード', 3),
    accountType: accountTypeSchema,
    accountNumber: digitsSchema('口座番号', 7),
    payeeName: payeeNameSchema,
    amount: amountSchema(limitYen),
  });

export type TransferForm = z.output<ReturnType<typeof transferInputSchema>>;
