/**
 * Input normalisation shared by every form: NFKC turns full-width digits and
 * letters (１２３, ＡＢＣ) into their ASCII forms, then surrounding space goes.
 * Clerks type on Japanese IMEs; a bank form must accept what they type.
 */
export const normalize = (value: unknown): string =>
  typeof value === 'string' ? value.normalize('NFKC').trim() : '';

/** Digits only, after normalisation; spaces and hyphens inside are removed. */
export const normalizeDigits = (value: unknown): string => normalize(value).replace(/[\s-]/g, '');
