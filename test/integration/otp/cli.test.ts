import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/run';
import { FakeClock } from '../../../src/clock';
import { loadConfig } from '../../../src/config';
import { openDatabase } from '../../../src/db/connection';
import { createDeps, type Deps } from '../../../src/deps';
import { defaultExpiry } from '../../../src/domain/tokenExpiry';
import { codeAt, parseOtpauthUri, toBase32 } from '../../../src/domain/totp';
import { SqliteStorage } from '../../../src/storage/sqlite';
import { createLogger } from '../../../src/logger';
import { givenContract } from '../../helpers/fixtures';
import { describeSqliteOnly } from '../../helpers/engine';

// The token authority's operator side (DESIGN §5, §7): token provision,
// import, list and key rotate, run in-process on a database file.
const KEY = 'cli-test-current-key-0123456789';
const NEW_KEY = 'cli-test-rotated-key-9876543210';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describeSqliteOnly('token and key commands (npm run cli)', 'reads the SQLite file the commands wrote; test/pg/cli.test.ts runs the commands on PostgreSQL', () => {
  let dir: string;
  let databaseFile: string;
  const opened: Deps[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-otp-cli-'));
    databaseFile = path.join(dir, 'cli.db');
  });
  afterEach(() => {
    opened.splice(0).forEach((d) => d.sqlite!.db.close());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function cliWith(env: Record<string, string>, ...argv: string[]): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      env: { NODE_ENV: 'test', DATABASE_FILE: databaseFile, BCRYPT_COST: '4', LOG_LEVEL: 'silent', ...env },
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    });
    return { code, stdout, stderr };
  }
  const cli = (...argv: string[]) => cliWith({ SECRET_KEY: KEY }, ...argv);

  /** The service's view of the file, with the key it would start with (none: the demo key file). */
  function depsWith(secretKey: string | undefined): Deps {
    const env = { NODE_ENV: 'test', DATABASE_FILE: databaseFile, BCRYPT_COST: '4', ...(secretKey ? { SECRET_KEY: secretKey } : {}) };
    const logger = createLogger('silent');
    const deps = createDeps(loadConfig(env), new SqliteStorage(openDatabase(databaseFile), logger), new FakeClock(Date.now()), logger);
    opened.push(deps);
    return deps;
  }
  const rows = (deps: Deps) => deps.sqlite!.db.prepare('SELECT credential_id AS id, secret_sealed AS sealed, key_id AS keyId FROM tokens ORDER BY tokens.id').all();
  const auditOf = (deps: Deps, event: string) =>
    deps.sqlite!.db.prepare('SELECT actor, subject, outcome, detail FROM audit_log WHERE event = ? ORDER BY id').all(event) as { actor: string; subject: string | null; outcome: string; detail: string | null }[];
  const validates = async (deps: Deps, credentialId: string, secret: Uint8Array) =>
    (await deps.tokenAuthority.validate(credentialId, codeAt(secret, Date.now()), Date.now())).result;

  /** Provisions a token and returns what the operator saw: its ID and the secret of the printed URI. */
  async function provisioned(platform = 'mobile', env: Record<string, string> = { SECRET_KEY: KEY }) {
    const run = await cliWith(env, 'token', 'provision', '--platform', platform);
    expect(run.code).toBe(0);
    const uri = /^otpauth:\/\/\S+$/m.exec(run.stdout)![0];
    return { run, uri, credentialId: /Token provisioned: (\w+)/.exec(run.stdout)![1]!, secret: parseOtpauthUri(uri).secret };
  }

  test('when a mobile token is provisioned, then its ID and URI are printed once and the database holds only the sealed secret', async () => {
    const { run, uri, credentialId, secret } = await provisioned('mobile');

    expect(credentialId).toMatch(/^SYMC\d{8}$/);
    expect(run.stdout).toContain(`${credentialId.slice(0, 4)} ${credentialId.slice(4, 8)} ${credentialId.slice(8)}`);
    expect(run.stdout).toContain('will NEVER be shown again');
    expect(run.stdout.split('otpauth://').length - 1).toBe(1);
    expect(uri).toMatch(new RegExp(`^otpauth://totp/VIP%20Access:${credentialId}\\?`));
    const base32 = toBase32(secret);
    const list = await cli('token', 'list');
    expect(list.stdout).toContain(credentialId);
    expect(list.stdout + list.stderr).not.toContain(base32);
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('cli.db'));
    const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(dir, f))));
    expect(bytes.includes(Buffer.from(base32))).toBe(false);
    expect(bytes.includes(Buffer.from(secret))).toBe(false);
    const deps = depsWith(KEY);
    expect(rows(deps)).toEqual([{ id: credentialId, sealed: expect.stringMatching(/^v1\./), keyId: deps.secretBox.keyId }]);
    expect(await validates(deps, credentialId, secret)).toBe('ok');
    expect(auditOf(deps, 'token.provision')).toEqual([{ actor: 'cli', subject: credentialId, outcome: 'success', detail: 'mobile' }]);
  });

  test('when a desktop token is provisioned, then it gets a SYDC ID and is listed as desktop', async () => {
    const { run, credentialId } = await provisioned('desktop');

    expect(credentialId).toMatch(/^SYDC\d{8}$/);
    expect(run.stdout).toContain('Platform: desktop');
    expect(run.stdout).toContain('refuses it at registration');
    expect((await cli('token', 'list')).stdout).toMatch(new RegExp(`${credentialId}\\s+desktop\\s+active`));
  });

  test.each([
    ['no platform', ['token', 'provision']],
    ['an unknown platform', ['token', 'provision', '--platform', 'pc']],
  ])('when token provision gets %s, then it is refused with the usage and nothing is written', async (_case, argv) => {
    const run = await cli(...argv);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--platform must be mobile or desktop');
    expect(run.stderr).toContain('Usage: token provision --platform mobile|desktop');
    expect(fs.existsSync(databaseFile)).toBe(false);
  });

  describe('有効期限 (--expires, issue 13)', () => {
    test('when a token is provisioned without --expires, then it expires on the day it was made plus three years', async () => {
      const run = await cli('token', 'provision', '--platform', 'mobile');

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Expires: ${defaultExpiry(Date.now())} (valid through 23:59:59 JST that day)`);
    });

    test('when a token is provisioned and imported with --expires, then that date is kept and listed', async () => {
      const provisionedRun = await cli('token', 'provision', '--platform', 'mobile', '--expires', '2031-03-31');
      const uri = `otpauth://totp/VIP%20Access:SYMC22223333?secret=${toBase32(new Uint8Array(crypto.randomBytes(20)))}`;
      const importedRun = await cli('token', 'import', uri, '--expires', '2030-01-15');

      expect(provisionedRun.stdout).toContain('Expires: 2031-03-31');
      expect(importedRun.stdout).toContain('Expires: 2030-01-15');
      expect((await cli('token', 'list')).stdout).toMatch(/SYMC22223333\s+mobile\s+active\s+-\s+-\s+0\s+2030-01-15/);
    });

    test.each([
      ['not a date', '31/03/2031', 'must be a date written YYYY-MM-DD'],
      ['a day that does not exist', '2031-02-30', 'must be a date written YYYY-MM-DD'],
      ['a day in the past', '2020-01-01', 'is in the past'],
    ])('when --expires is %s, then the token is refused and nothing is written', async (_case, expires, message) => {
      const run = await cli('token', 'provision', '--platform', 'mobile', '--expires', expires);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Nothing was written.');
      expect(rows(depsWith(KEY))).toEqual([]);
    });
  });

  describe('token import', () => {
    const secret = new Uint8Array(crypto.randomBytes(20));
    const base32 = toBase32(secret);
    const longForm = `otpauth://totp/VIP%20Access:SYMC12345678?secret=${base32}&issuer=Symantec&algorithm=SHA1&digits=6&period=30`;

    test.each([
      ['the long form', longForm],
      ['the short form with only the secret', `otpauth://totp/VIP%20Access:SYMC12345678?secret=${base32}`],
    ])('when %s is imported, then the token is registered and a code of its secret validates', async (_case, uri) => {
      const run = await cli('token', 'import', uri);

      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain('Token imported: SYMC12345678 (shown as SYMC 1234 5678)');
      expect(run.stdout).toContain('Platform: mobile');
      expect(run.stdout).not.toContain(base32);
      const deps = depsWith(KEY);
      expect(await validates(deps, 'SYMC12345678', secret)).toBe('ok');
      expect(auditOf(deps, 'token.import')).toEqual([{ actor: 'cli', subject: 'SYMC12345678', outcome: 'success', detail: 'mobile' }]);
    });

    test.each([
      ['a string that is no URI', 'SYMC12345678', 'not an otpauth URI'],
      ['an HOTP URI', `otpauth://hotp/VIP%20Access:SYMC12345678?secret=${base32}&counter=1`, 'only TOTP'],
      ['SHA256', longForm.replace('SHA1', 'SHA256'), 'only SHA1, 6 digits and a 30-second period'],
      ['8 digits', longForm.replace('digits=6', 'digits=8'), 'only SHA1, 6 digits and a 30-second period'],
      ['a 60-second period', longForm.replace('period=30', 'period=60'), 'only SHA1, 6 digits and a 30-second period'],
      ['no secret', 'otpauth://totp/VIP%20Access:SYMC12345678?issuer=Symantec', 'not an otpauth URI'],
      ['an unknown prefix', longForm.replace('SYMC', 'ABCD'), 'ABCD12345678 is not a VIP Access credential ID'],
    ])('when the URI has %s, then it is refused with the reason and nothing is written', async (_case, uri, reason) => {
      const run = await cli('token', 'import', uri);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Cannot import the token: ${reason}`);
      expect(run.stderr).toContain('Nothing was written.');
      expect(run.stdout + run.stderr).not.toContain(base32);
      expect(rows(depsWith(KEY))).toEqual([]);
    });

    test('when the credential ID is already in the register, then the import is refused and the first secret is kept', async () => {
      await cli('token', 'import', longForm);
      const before = rows(depsWith(KEY));
      const other = toBase32(new Uint8Array(crypto.randomBytes(20)));

      const run = await cli('token', 'import', longForm.replace(base32, other));

      expect(run.code).toBe(1);
      expect(run.stderr).toContain('SYMC12345678 is already in the register');
      expect(run.stdout + run.stderr).not.toContain(other);
      expect(rows(depsWith(KEY))).toEqual(before);
    });
  });

  test('when tokens are listed, then platform, status, company and last accepted step are shown and no secret', async () => {
    const mobile = await provisioned('mobile');
    const desktop = await provisioned('desktop');
    const deps = depsWith(KEY);
    const { company } = await givenContract(deps);
    const token = (await deps.repos.tokens.find(mobile.credentialId))!;
    await deps.repos.tokens.bindToCompany(token.id, company.id);
    const check = await deps.tokenAuthority.validate(mobile.credentialId, codeAt(mobile.secret, Date.now()), Date.now());
    if (check.result !== 'ok') throw new Error(`expected ok, got ${check.result}`);
    await deps.tokenAuthority.consume(check);

    const run = await cli('token', 'list');

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/credential ID\s+platform\s+status\s+company\s+last accepted step\s+drift\s+expires \(JST\)\s+created \(UTC\)/);
    const stepTime = new Date(check.step * 30_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(run.stdout).toMatch(new RegExp(`${mobile.credentialId}\\s+mobile\\s+active\\s+${company.id}\\s+${check.step} \\(${stepTime}\\)\\s+0\\s+\\d{4}-\\d{2}-\\d{2}\\s+\\d{4}-`));
    expect(run.stdout).toMatch(new RegExp(`${desktop.credentialId}\\s+desktop\\s+active\\s+-\\s+-\\s+0\\s+\\d{4}-\\d{2}-\\d{2}\\s+\\d{4}-`));
    expect(run.stdout).toContain('2 token(s).');
    for (const t of [mobile, desktop]) expect(run.stdout).not.toContain(toBase32(t.secret));
    expect(run.stdout).not.toContain('v1.');
  });

  test('when the register is empty, then token list says so', async () => {
    expect((await cli('token', 'list')).stdout).toContain('The token register is empty.');
  });

  test.each([
    ['--new-key', (key: string) => ({ argv: ['--new-key', key], env: {} })],
    ['NEW_SECRET_KEY', (key: string) => ({ argv: [], env: { NEW_SECRET_KEY: key } })],
  ])('when the key is rotated with %s, then every token validates under the new key only', async (_case, given) => {
    const tokens = [await provisioned('mobile'), await provisioned('desktop')];
    const { argv, env } = given(NEW_KEY);

    const run = await cliWith({ SECRET_KEY: KEY, ...env }, 'key', 'rotate', ...argv);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('2 token secret(s) re-sealed under the new key');
    expect(run.stdout).toContain('Set SECRET_KEY to the new key before the next start');
    expect(run.stdout).not.toContain(NEW_KEY);
    expect(fs.existsSync(`${databaseFile}.key`)).toBe(false);
    const rotated = depsWith(NEW_KEY);
    const old = depsWith(KEY);
    for (const t of tokens) {
      expect(await validates(rotated, t.credentialId, t.secret)).toBe('ok');
      expect(await validates(old, t.credentialId, t.secret)).toBe('sealBroken');
    }
    expect(rows(rotated)).toEqual(tokens.map((t) => ({ id: t.credentialId, sealed: expect.stringMatching(/^v1\./), keyId: rotated.secretBox.keyId })));
    expect(auditOf(rotated, 'key.rotate')).toEqual([
      { actor: 'cli', subject: null, outcome: 'success', detail: `2 secret(s) re-sealed under key ${rotated.secretBox.keyId}` },
    ]);
  });

  test('when the demo key file holds the current key and a key is generated, then it is printed once and replaces the key file', async () => {
    const token = await provisioned('mobile', {});
    const oldKey = fs.readFileSync(`${databaseFile}.key`, 'utf8').trim();

    const run = await cliWith({}, 'key', 'rotate', '--generate');

    expect(run.code).toBe(0);
    const newKey = /New key \(shown once; keep it in your secret store\): (\S+)/.exec(run.stdout)![1]!;
    expect(run.stdout).toContain(`replaced the demo key file ${databaseFile}.key`);
    expect(fs.readFileSync(`${databaseFile}.key`, 'utf8').trim()).toBe(newKey);
    expect(fs.statSync(`${databaseFile}.key`).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await validates(depsWith(undefined), token.credentialId, token.secret)).toBe('ok');
    expect(await validates(depsWith(oldKey), token.credentialId, token.secret)).toBe('sealBroken');
  });

  test('when one sealed secret was tampered with, then the rotation is refused and nothing changes', async () => {
    const first = await provisioned('mobile', {});
    const second = await provisioned('mobile', {});
    const keyBefore = fs.readFileSync(`${databaseFile}.key`, 'utf8');
    const tamper = depsWith(undefined);
    const sealed = (await tamper.repos.tokens.findSealed(second.credentialId))!.secretSealed;
    const i = sealed.length - 4;
    await tamper.storage.run('UPDATE tokens SET secret_sealed = ? WHERE credential_id = ?', [`${sealed.slice(0, i)}${sealed[i] === 'A' ? 'B' : 'A'}${sealed.slice(i + 1)}`, second.credentialId]);
    const before = rows(tamper);

    const run = await cliWith({}, 'key', 'rotate', '--new-key', NEW_KEY);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Key rotation refused: ${second.credentialId} does not open under the current key`);
    expect(run.stderr).toContain('nothing was changed');
    expect(rows(tamper)).toEqual(before);
    expect(fs.readFileSync(`${databaseFile}.key`, 'utf8')).toBe(keyBefore);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await validates(depsWith(undefined), first.credentialId, first.secret)).toBe('ok');
    expect(auditOf(tamper, 'key.rotate')).toEqual([
      { actor: 'cli', subject: null, outcome: 'failure', detail: expect.stringContaining(second.credentialId) },
    ]);
  });

  test.each([
    ['no new key', [], {}, 'Give the new key in exactly one way'],
    ['two new keys', ['--new-key', NEW_KEY, '--generate'], {}, 'Give the new key in exactly one way'],
    ['an option and the environment', ['--new-key', NEW_KEY], { NEW_SECRET_KEY: NEW_KEY }, 'Give the new key in exactly one way'],
    ['a short key', ['--new-key', 'short'], {}, 'at least 16 characters'],
    ['the current key', ['--new-key', KEY], {}, 'the new key is the current key'],
  ])('when key rotate gets %s, then it is refused and the tokens stay under the current key', async (_case, argv, env, message) => {
    const token = await provisioned('mobile');

    const run = await cliWith({ SECRET_KEY: KEY, ...env }, 'key', 'rotate', ...argv);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(await validates(depsWith(KEY), token.credentialId, token.secret)).toBe('ok');
  });

  test('when help is asked, then the token and key commands are listed', async () => {
    const help = await cli('help');
    for (const usage of ['token provision --platform mobile|desktop', 'token import <otpauth-uri>', 'token list', 'key rotate --new-key K | --generate']) {
      expect(help.stdout).toContain(usage);
    }
  });
});
