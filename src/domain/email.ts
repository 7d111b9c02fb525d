import { z } from 'zod';
import { normalize } from './text';

/**
 * E-mail addresses (issue 14): what a customer types on a Japanese IME is
 * normalised (NFKC turns ＠ and full-width letters into ASCII, space around
 * goes) and stored in lower case, so that one address is one string. Only
 * plain ASCII addresses of at most 254 characters are accepted: no display
 * name, no comment, no line break — nothing that could reach a mail header
 * but the address itself.
 */
export const normalizeEmail = (value: unknown): string => normalize(value).toLowerCase();

// Local part: the dot-atom of RFC 5322 (no quoted strings); domain: labels of letters, digits and hyphens.
const ADDRESS = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const isEmail = (value: string): boolean => value.length <= 254 && value.split('@')[0]!.length <= 64 && ADDRESS.test(value);

/** A required address, normalised; `label` names the field in the messages. */
export const emailSchema = (label: string) =>
  z.preprocess(
    normalizeEmail,
    z
      .string()
      .min(1, `${label}を入力してください。`)
      .max(254, `${label}は254文字以内で入力してください。`)
      .refine(isEmail, `${label}の形式が正しくありません（例: taro@example.co.jp）。`),
  );

/** An address that may be left empty (no notices by e-mail); empty reads as null. */
export const optionalEmailSchema = (label: string) =>
  z.preprocess((v) => (normalizeEmail(v) === '' ? null : v), emailSchema(label).nullable());

/**
 * An address as shown where the whole of it is not needed (the branch
 * console, a notice about the change of an address): the first character of
 * the local part and the domain, e.g. t***@example.co.jp.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
