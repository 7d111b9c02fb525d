import crypto from 'node:crypto';
import { HOTP, Secret, TOTP, URI } from 'otpauth';
import type { StepWindow } from './otpDrift';

/**
 * The TOTP core (RFC 6238) with the vendor's parameters (R1): HMAC-SHA1,
 * 6 digits, 30-second steps. Pure: the time is an argument and the result is
 * the matched time step, which the caller compares with the token's replay
 * mark (R2). otplib's and authelia's cores take the same shape.
 */
export const TOTP_ALGORITHM = 'SHA1';
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;

const PERIOD_MS = TOTP_PERIOD_SECONDS * 1000;
const SIX_DIGITS = /^[0-9]{6}$/;

export const stepAt = (nowMs: number): number => Math.floor(nowMs / PERIOD_MS);

/** Milliseconds until the code shown at nowMs changes. */
export const msLeftInStep = (nowMs: number): number => PERIOD_MS - (nowMs % PERIOD_MS);

const secretOf = (bytes: Uint8Array): Secret => new Secret({ buffer: Uint8Array.from(bytes).buffer });

/** The code a token shows at a time step (digits: 6, or 8 for the RFC's own vectors). */
export function codeAtStep(secret: Uint8Array, step: number, digits: number = TOTP_DIGITS): string {
  return HOTP.generate({ secret: secretOf(secret), algorithm: TOTP_ALGORITHM, digits, counter: step });
}

export const codeAt = (secret: Uint8Array, nowMs: number, digits?: number): string =>
  codeAtStep(secret, stepAt(nowMs), digits);

/**
 * The step in a (symmetric) window whose code equals `code`, or null. The
 * library compares in constant time and returns the match nearest the
 * window's centre (the earlier one of two equally near).
 */
export function matchStepIn(secret: Uint8Array, code: string, window: StepWindow): number | null {
  if (!SIX_DIGITS.test(code)) return null;
  const radius = Math.floor((window.to - window.from) / 2);
  const centre = window.from + radius;
  const delta = HOTP.validate({ token: code, secret: secretOf(secret), algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, counter: centre, window: radius });
  return delta === null ? null : centre + delta;
}

/** The step within ±window of now whose code equals `code`, or null. */
export const matchStep = (secret: Uint8Array, code: string, nowMs: number, window: number): number | null =>
  matchStepIn(secret, code, { from: stepAt(nowMs) - window, to: stepAt(nowMs) + window });

/**
 * The first step s in [from, to] whose code is `first` and whose next
 * step's code is `second` — two consecutive codes, the proof 同期ズレ補正
 * asks for (issue 13) — or null. Every step of the range is computed and
 * compared in constant time, whatever matches.
 */
export function matchConsecutiveSteps(secret: Uint8Array, first: string, second: string, { from, to }: StepWindow): number | null {
  if (!SIX_DIGITS.test(first) || !SIX_DIGITS.test(second)) return null;
  const same = (a: string, b: string): boolean => crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
  let found: number | null = null;
  let previous = codeAtStep(secret, from);
  for (let step = from; step <= to; step++) {
    const next = codeAtStep(secret, step + 1);
    if (same(previous, first) && same(next, second) && found === null) found = step;
    previous = next;
  }
  return found;
}

export const toBase32 = (secret: Uint8Array): string => secretOf(secret).base32;

/** The otpauth:// URI an authenticator app scans, in the form VIP Access clients print. */
export function otpauthUri(credentialId: string, secret: Uint8Array): string {
  return new TOTP({
    issuer: 'Symantec',
    label: credentialId,
    issuerInLabel: false,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: secretOf(secret),
  }).toString().replace(/^otpauth:\/\/totp\//, 'otpauth://totp/VIP%20Access:');
}

export class OtpauthUriError extends Error {}

/**
 * Reads the long form (…VIP%20Access:SYMC12345678?secret=…&issuer=Symantec&algorithm=SHA1&digits=6&period=30)
 * and the short form with only `secret`. Parameters other than the vendor's (R1) are refused.
 */
export function parseOtpauthUri(uri: string): { label: string; secret: Uint8Array } {
  let otp: HOTP | TOTP;
  try {
    otp = URI.parse(uri.trim());
  } catch (err) {
    throw new OtpauthUriError(`not an otpauth URI: ${(err as Error).message}`);
  }
  if (!(otp instanceof TOTP)) throw new OtpauthUriError('only TOTP (otpauth://totp/…) tokens can be imported');
  if (otp.algorithm !== TOTP_ALGORITHM || otp.digits !== TOTP_DIGITS || otp.period !== TOTP_PERIOD_SECONDS) {
    throw new OtpauthUriError('only SHA1, 6 digits and a 30-second period are supported (R1)');
  }
  if (otp.secret.bytes.length < 10) throw new OtpauthUriError('the secret is too short (at least 80 bits)');
  return { label: otp.label, secret: new Uint8Array(otp.secret.bytes) };
}
