import crypto from 'node:crypto';
import type { Uses } from '../deps';
import { DESKTOP_PREFIX, isCredentialId, MOBILE_PREFIX, normalizeCredentialId, platformOf, type Platform } from '../domain/token';
import { defaultExpiry, isCalendarDate, isExpired, jstDate } from '../domain/tokenExpiry';
import { codeAt, msLeftInStep, otpauthUri, parseOtpauthUri } from '../domain/totp';
import { demoTokenPurpose } from '../demo/data';
import { SecretBox } from './encryption';

/**
 * Managing the token authority's register (DESIGN §5, §7): provisioning,
 * importing and key rotation, used by the CLI and the demo data. The plain
 * secret exists only in memory here and in the one URI printed at provisioning.
 */
export class TokenRegisterError extends Error {}

export interface Provisioned {
  credentialId: string;
  platform: Platform;
  uri: string;
  /** 有効期限 (YYYY-MM-DD, JST): given, or the day it was made plus three years. */
  expiresOn: string;
}

const SECRET_BYTES = 20; // 160 bits, the RFC 4226 recommendation for HMAC-SHA1

type RegisterDeps = Uses<'secretBox' | 'clock', 'tokens'>;

/** The 有効期限 a new token gets: the one given (a real date, today or later), or the default of issue 13. */
function expiryFor(now: number, given: string | undefined): string {
  if (given === undefined) return defaultExpiry(now);
  if (!isCalendarDate(given)) throw new TokenRegisterError(`--expires must be a date written YYYY-MM-DD (got "${given}")`);
  if (isExpired(given, now)) throw new TokenRegisterError(`--expires ${given} is in the past (today is ${jstDate(now)} in JST)`);
  return given;
}

async function insertToken(deps: RegisterDeps, credentialId: string, secret: Uint8Array, given: string | undefined): Promise<Provisioned> {
  const now = deps.clock.now();
  const expiresOn = expiryFor(now, given);
  const platform = platformOf(credentialId);
  if (!isCredentialId(credentialId) || !platform) {
    throw new TokenRegisterError(`${credentialId} is not a VIP Access credential ID (SYMC/VSMT/SYDC/VSST + 8 digits)`);
  }
  if (await deps.repos.tokens.find(credentialId)) throw new TokenRegisterError(`${credentialId} is already in the register`);
  await deps.repos.tokens.insert({
    credentialId,
    platform,
    secretSealed: deps.secretBox.seal(secret, credentialId),
    keyId: deps.secretBox.keyId,
    createdAt: now,
    expiresOn,
  });
  return { credentialId, platform, uri: otpauthUri(credentialId, secret), expiresOn };
}

/**
 * A new token with a random secret and a fresh credential ID of the platform's
 * prefix (the demo data and tests may fix the credential ID or the secret).
 */
export async function provisionToken(
  deps: RegisterDeps,
  platform: Platform,
  opts: { credentialId?: string; secret?: Uint8Array; expiresOn?: string } = {},
): Promise<Provisioned> {
  const secret = opts.secret ?? crypto.randomBytes(SECRET_BYTES);
  if (opts.credentialId) return await insertToken(deps, opts.credentialId, secret, opts.expiresOn);
  const prefix = platform === 'mobile' ? MOBILE_PREFIX : DESKTOP_PREFIX;
  for (let attempt = 0; attempt < 20; attempt++) {
    const credentialId = `${prefix}${crypto.randomInt(0, 100_000_000).toString().padStart(8, '0')}`;
    if (!await deps.repos.tokens.find(credentialId)) return await insertToken(deps, credentialId, secret, opts.expiresOn);
  }
  throw new TokenRegisterError('could not find a free credential ID');
}

/** A token from the otpauth URI an open-source VIP Access client printed; the label names the credential. */
export async function importToken(deps: RegisterDeps, uri: string, expiresOn?: string): Promise<Provisioned> {
  let parsed: { label: string; secret: Uint8Array };
  try {
    parsed = parseOtpauthUri(uri);
  } catch (err) {
    throw new TokenRegisterError((err as Error).message);
  }
  const credentialId = normalizeCredentialId(parsed.label.split(':').pop());
  return await insertToken(deps, credentialId, parsed.secret, expiresOn);
}

/**
 * Re-seals every secret under a new key in one transaction: either every
 * record moves to the new key or none does. A record that does not open
 * under the current key stops the rotation before anything is written.
 */
export async function rotateKey(deps: Uses<'secretBox' | 'storage', 'tokens'>, newKey: string): Promise<{ count: number; keyId: string }> {
  const next = new SecretBox(newKey);
  if (next.keyId === deps.secretBox.keyId) throw new TokenRegisterError('the new key is the current key');
  const { tokens } = deps.repos;
  const count = await deps.storage.transaction(async () => {
    const rows = await tokens.allSealed();
    for (const row of rows) {
      let secret: Uint8Array;
      try {
        secret = deps.secretBox.open(row.secretSealed, row.credentialId);
      } catch {
        throw new TokenRegisterError(`${row.credentialId} does not open under the current key (key ${row.keyId}); nothing was changed`);
      }
      await tokens.reseal(row.id, next.seal(secret, row.credentialId), next.keyId);
      secret.fill(0);
    }
    return rows.length;
  });
  return { count, keyId: next.keyId };
}

export interface DemoTokenView extends Provisioned {
  code: string;
  secondsLeft: number;
  /** Whom the demo data meant the token for (「管理者 demo-admin 用」…); undefined for a token an operator added. */
  meantFor: { label: string; use: string } | undefined;
}

/**
 * The demo "VIP Access" app (GET /softtoken, DEMO=1 only): every token of the
 * demo register with its current code. Refused outside demo mode, because it
 * opens secrets that are otherwise never shown after provisioning.
 */
export async function demoTokens(deps: Uses<'config' | 'clock' | 'secretBox' | 'logger', 'tokens'>): Promise<DemoTokenView[]> {
  if (!deps.config.demo) throw new TokenRegisterError('the demo token view exists only in demo mode');
  const now = deps.clock.now();
  return (await deps.repos.tokens.allSealed()).flatMap((row) => {
    let secret: Uint8Array;
    try {
      secret = deps.secretBox.open(row.secretSealed, row.credentialId);
    } catch {
      // A record that does not open (altered, or another key) cannot show a code; the others still do.
      deps.logger.error({ credentialId: row.credentialId }, 'demo token secret failed authentication');
      return [];
    }
    const platform = platformOf(row.credentialId) ?? 'desktop';
    return [{
      credentialId: row.credentialId,
      platform,
      uri: otpauthUri(row.credentialId, secret),
      code: codeAt(secret, now),
      secondsLeft: Math.ceil(msLeftInStep(now) / 1000),
      meantFor: demoTokenPurpose(row.credentialId),
      expiresOn: row.expiresOn,
    }];
  });
}
