import { z } from 'zod';
import { normalize } from './text';

/**
 * Credential IDs and one-time-password input (R3, R4). A VIP Access Credential
 * ID is 4 letters + 8 digits; clerks copy it from a phone, so full-width
 * characters, lower case, spaces and hyphens are accepted and removed.
 */
export type Platform = 'mobile' | 'desktop';

/** VIP Access prefixes: smartphone/tablet apps are accepted, PC apps are not (manual §2). */
const PLATFORMS: Record<string, Platform> = { SYMC: 'mobile', VSMT: 'mobile', SYDC: 'desktop', VSST: 'desktop' };
export const MOBILE_PREFIX = 'SYMC';
export const DESKTOP_PREFIX = 'SYDC';

const SHAPE = /^[A-Z]{4}[0-9]{8}$/;

export const normalizeCredentialId = (value: unknown): string =>
  normalize(value).replace(/[\s\-‐－ー]/g, '').toUpperCase();

/** The platform a Credential ID's prefix names, or undefined for a prefix no VIP Access app uses. */
export const platformOf = (credentialId: string): Platform | undefined => PLATFORMS[credentialId.slice(0, 4)];

export const isCredentialId = (value: string): boolean => SHAPE.test(value);

/** SYMC12345678 → "SYMC 1234 5678", as the app shows it. */
export const groupCredentialId = (id: string): string =>
  SHAPE.test(id) ? `${id.slice(0, 4)} ${id.slice(4, 8)} ${id.slice(8)}` : id;

/** Shown where it is not being entered: only the prefix and the last four digits. */
export const maskCredentialId = (id: string): string =>
  SHAPE.test(id) ? `${id.slice(0, 4)} **** ${id.slice(8)}` : '****';

export const normalizeOtp = (value: unknown): string => normalize(value).replace(/[\s\-‐－ー]/g, '');

export const PC_TOKEN_MESSAGE =
  'パソコン用のソフトウェアトークンはご利用になれません。スマートフォンまたはタブレット端末に導入したソフトウェアトークンのトークンIDを入力してください。';

/** トークンID as a form field: shape and platform are checked here; existence only by the authority (R3). */
export const credentialIdField = z.preprocess(
  normalizeCredentialId,
  z
    .string()
    .min(1, { message: 'トークンIDを入力してください。', abort: true })
    .refine(isCredentialId, { message: 'トークンIDは英字4文字と数字8桁（例：SYMC12345678）で入力してください。', abort: true })
    .refine((id) => platformOf(id) !== 'desktop', { message: PC_TOKEN_MESSAGE, abort: true })
    .refine((id) => platformOf(id) === 'mobile', {
      message: 'このトークンIDはご利用になれません。VIP Accessに表示されているトークンIDを入力してください。',
    }),
);

/** ワンタイムパスワード as a form field: 6 digits after normalisation (R4). The value is never refilled. */
export const otpField = z.preprocess(
  normalizeOtp,
  z
    .string()
    .min(1, { message: 'ワンタイムパスワードを入力してください。', abort: true })
    .regex(/^[0-9]{6}$/, 'ワンタイムパスワードは数字6桁で入力してください。'),
);
