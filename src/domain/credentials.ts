import { z } from 'zod';
import { normalize } from './text';

/**
 * Rules for the IDs and passwords customers and staff choose. Passwords are
 * 8–32 printable ASCII characters with at least one letter and one digit; the
 * same rule serves the login, 送信確認 and 承認用 passwords.
 */
export const loginIdSchema = (label: string) =>
  z.preprocess(
    normalize,
    z
      .string()
      .min(1, `${label}を入力してください。`)
      .regex(/^[A-Za-z0-9._-]{4,32}$/, `${label}は半角英数字と「.」「_」「-」で4〜32文字で入力してください。`),
  );

export const newPasswordSchema = (label: string) =>
  z
    .string({ error: `${label}を入力してください。` })
    .min(1, `${label}を入力してください。`)
    .refine((v) => /^[\x21-\x7e]{8,32}$/.test(v), `${label}は半角英数記号8〜32文字で入力してください。`)
    .refine((v) => /[A-Za-z]/.test(v) && /[0-9]/.test(v), `${label}には英字と数字をそれぞれ1文字以上含めてください。`);

/** A password being checked (not chosen): only presence and a sane length. */
export const enteredPasswordSchema = (label: string) =>
  z
    .string({ error: `${label}を入力してください。` })
    .min(1, `${label}を入力してください。`)
    .max(128, `${label}が正しくありません。`);

export const personNameSchema = (label: string) =>
  z.preprocess(
    normalize,
    z.string().min(1, `${label}を入力してください。`).max(40, `${label}は40文字以内で入力してください。`),
  );
