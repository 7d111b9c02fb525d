import fs from 'node:fs';
import { groupCredentialId, type Platform } from '../domain/token';
import { TOTP_PERIOD_SECONDS } from '../domain/totp';
import type { Actor } from '../services/auditLog';
import { generateSecretKey, SealError, SecretBox } from '../services/encryption';
import { demoKeyFile } from '../services/secretKey';
import { importToken, provisionToken, rotateKey, TokenRegisterError, type Provisioned } from '../services/tokenRegister';
import { CliError, type Command, type CommandContext } from './command';

/**
 * The token authority's operator side (DESIGN §5, §7). A secret leaves the
 * register only once, in the URI printed at provisioning; nothing here prints
 * a secret, a ciphertext or the current key.
 */
const cliActor: Actor = { type: 'system', id: 'cli', companyId: null, clientIp: null };

const PLATFORM_NOTES: Record<Platform, string> = {
  mobile: 'mobile (VIP Access for smartphones/tablets: can be registered in WEB-FB)',
  desktop: 'desktop (VIP Access for PCs: WEB-FB refuses it at registration, manual §2)',
};

function printToken(ctx: { print(line: string): void }, verb: string, token: Provisioned): void {
  ctx.print(`Token ${verb}: ${token.credentialId} (shown as ${groupCredentialId(token.credentialId)})`);
  ctx.print(`Platform: ${PLATFORM_NOTES[token.platform]}`);
  ctx.print(`Expires: ${token.expiresOn} (valid through 23:59:59 JST that day)`);
}

/** --expires YYYY-MM-DD (issue 13): without it, the day the token is made plus three years. */
const EXPIRES_OPTION = { expires: { type: 'string' } } as const;
const expiresOf = (ctx: CommandContext): string | undefined => (typeof ctx.options.expires === 'string' ? ctx.options.expires : undefined);

/** Register errors carry no secret (the URI parser names the problem, not the value). */
function registerError(err: unknown, what: string): never {
  if (err instanceof TokenRegisterError) throw new CliError(`${what}: ${err.message}. Nothing was written.`);
  throw err;
}

export const tokenProvisionCommand: Command = {
  name: 'token provision',
  usage: 'token provision --platform mobile|desktop [--expires YYYY-MM-DD]',
  summary: 'create a token with a random secret; prints its credential ID and otpauth URI once',
  args: 0,
  options: { platform: { type: 'string' }, ...EXPIRES_OPTION },
  async run(ctx) {
    const platform = ctx.options.platform;
    if (platform !== 'mobile' && platform !== 'desktop') {
      throw new CliError(`--platform must be mobile or desktop.\nUsage: ${this.usage}`);
    }
    const { deps } = await ctx.open();
    let token: Provisioned;
    try {
      token = await provisionToken(deps, platform, { expiresOn: expiresOf(ctx) });
    } catch (err) {
      registerError(err, 'Cannot provision a token');
    }
    await deps.audit.record(cliActor, { event: 'token.provision', outcome: 'success', subject: token.credentialId, detail: platform });
    printToken(ctx, 'provisioned', token);
    ctx.print('otpauth URI: it holds the secret and will NEVER be shown again. Scan it (as a QR code) or type it into the token app now:');
    ctx.print(token.uri);
  },
};

export const tokenImportCommand: Command = {
  name: 'token import',
  usage: 'token import <otpauth-uri> [--expires YYYY-MM-DD]',
  summary: 'add a token from the otpauth://totp/VIP%20Access:SYMC…?secret=… URI a VIP Access client printed',
  args: 1,
  options: EXPIRES_OPTION,
  async run(ctx) {
    const { deps } = await ctx.open();
    let token: Provisioned;
    try {
      token = await importToken(deps, ctx.args[0]!, expiresOf(ctx));
    } catch (err) {
      registerError(err, 'Cannot import the token');
    }
    await deps.audit.record(cliActor, { event: 'token.import', outcome: 'success', subject: token.credentialId, detail: token.platform });
    printToken(ctx, 'imported', token);
  },
};

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const tokenListCommand: Command = {
  name: 'token list',
  usage: 'token list',
  summary: 'list the register: credential ID, platform, status, company, last accepted step, drift, expires, created',
  args: 0,
  async run(ctx) {
    const { tokens } = (await ctx.open()).deps.repos;
    const lines = [['credential ID', 'platform', 'status', 'company', 'last accepted step', 'drift', 'expires (JST)', 'created (UTC)']];
    for (let offset = 0, total = 1; offset < total; offset += 100) {
      const page = await tokens.list(100, offset);
      total = page.total;
      for (const t of page.rows) {
        // A step is shown with the time it began, so the operator can read when the token was last used (R2).
        const last = t.lastStep === null ? '-' : `${t.lastStep} (${iso(t.lastStep * TOTP_PERIOD_SECONDS * 1000)})`;
        const drift = t.drift === 0 ? '0' : `${t.drift > 0 ? '+' : ''}${t.drift} (${t.drift * TOTP_PERIOD_SECONDS} s)`;
        lines.push([t.credentialId, t.platform, t.status, t.companyId === null ? '-' : String(t.companyId), last, drift, t.expiresOn, iso(t.createdAt)]);
      }
    }
    if (lines.length === 1) return ctx.print('The token register is empty.');
    const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
    for (const l of lines) ctx.print(l.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
    ctx.print(`${lines.length - 1} token(s).`);
  },
};

/** The new key from exactly one source; the environment keeps it out of shell history and `ps`. */
function newKeyFrom(ctx: CommandContext, usage: string): { key: string; generated: boolean } {
  const given = [ctx.options['new-key'], ctx.env.NEW_SECRET_KEY, ctx.options.generate ? true : undefined].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new CliError(`Give the new key in exactly one way: --new-key <key>, NEW_SECRET_KEY, or --generate.\nUsage: ${usage}`);
  }
  if (ctx.options.generate) return { key: generateSecretKey(), generated: true };
  const key = String(given[0]);
  try {
    new SecretBox(key);
  } catch (err) {
    if (err instanceof SealError) throw new CliError('The new key must be at least 16 characters (e.g. `openssl rand -base64 32`).');
    throw err;
  }
  return { key, generated: false };
}

/**
 * Without SECRET_KEY the current key is the demo key file beside the database
 * (src/services/secretKey.ts). The new key is staged in a temporary file
 * before the rotation and renamed over the key file after the commit: a full
 * disk stops the rotation before anything changes, and the new key is never lost.
 */
function stageKeyFile(databaseFile: string, key: string): { commit(): string; discard(): void } {
  const keyFile = demoKeyFile(databaseFile);
  const temp = `${keyFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    throw new CliError(`Cannot write the new key to ${temp} (${(err as Error).message}). Nothing was changed.`);
  }
  return {
    commit() {
      try {
        fs.renameSync(temp, keyFile);
      } catch (err) {
        throw new CliError(`${keyFile} could not be replaced (${(err as Error).message}). The new key is in ${temp}: move it to ${keyFile} before the next start.`);
      }
      return keyFile;
    },
    discard: () => fs.rmSync(temp, { force: true }),
  };
}

export const keyRotateCommand: Command = {
  name: 'key rotate',
  usage: 'key rotate --new-key K | --generate',
  summary: 're-seal every token secret under a new key in one transaction (the key may come from NEW_SECRET_KEY)',
  args: 0,
  options: { 'new-key': { type: 'string' }, generate: { type: 'boolean' } },
  async run(ctx) {
    const { key, generated } = newKeyFrom(ctx, this.usage);
    const { deps } = await ctx.open();
    const keyFile = deps.config.secretKey === undefined ? stageKeyFile(deps.config.databaseFile, key) : undefined;
    let result: { count: number; keyId: string };
    try {
      result = await rotateKey(deps, key);
    } catch (err) {
      keyFile?.discard();
      if (!(err instanceof TokenRegisterError)) throw err;
      await deps.audit.record(cliActor, { event: 'key.rotate', outcome: 'failure', detail: err.message });
      throw new CliError(`Key rotation refused: ${err.message}.`);
    }
    await deps.audit.record(cliActor, { event: 'key.rotate', outcome: 'success', detail: `${result.count} secret(s) re-sealed under key ${result.keyId}` });
    ctx.print(`${result.count} token secret(s) re-sealed under the new key (key id ${result.keyId}), in one transaction.`);
    if (generated) ctx.print(`New key (shown once; keep it in your secret store): ${key}`);
    if (keyFile) {
      const file = keyFile.commit();
      ctx.print(`SECRET_KEY is not set: the new key replaced the demo key file ${file}. Restart the service to use it.`);
    } else {
      ctx.print('Set SECRET_KEY to the new key before the next start, and restart the service now:');
      ctx.print('under the old key it cannot open the token secrets and refuses every one-time password.');
    }
  },
};
