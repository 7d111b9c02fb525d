import * as Encoding from 'encoding-japanese';
import { z } from 'zod';
import { normalize, normalizeDigits } from './text';
import { yenSchema, type YenRule } from './yen';

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

/** 振込金額: at least 1 yen, at most the configured per-transfer limit. */
export const amountRule = (limitYen: number): YenRule => ({ label: '振込金額', min: 1, max: limitYen });

/** The 都度振込 入力 form (DESIGN §4 field names). */
export const transferInputSchema = (limitYen: number) =>
  z.object({
    bankCode: digitsSchema('金融機関コード', 4),
    branchCode: digitsSchema('支店コード', 3),
    accountType: accountTypeSchema,
    accountNumber: digitsSchema('口座番号', 7),
    payeeName: payeeNameSchema,
    amount: yenSchema(amountRule(limitYen)),
  });

export type TransferForm = z.output<ReturnType<typeof transferInputSchema>>;
