import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar, testSqliteOnly } from '../../helpers/engine';
import { givenContract } from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';
import { toBase32 } from '../../../src/domain/totp';
import { createDeps } from '../../../src/deps';
import { createLogger } from '../../../src/logger';
import { loadConfig } from '../../../src/config';
import { spendOtp } from '../../../src/services/secretCheck';

const KEY = 'storage-test-key-0123456789abcdef';

describe('token secrets at rest (DESIGN §5)', () => {
  let dir: string;
  let ctx: TestContext;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-otp-'));
    ctx = await createTestContext({ SECRET_KEY: KEY }, path.join(dir, 'bank.db'));
  });
  afterEach(async () => {
    await ctx.storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sealedOf = async (credentialId: string): Promise<string> =>
    (await scalar<string>(ctx.storage, 'SELECT secret_sealed FROM tokens WHERE credential_id = ?', [credentialId]))!;
  const setSealed = async (credentialId: string, sealed: string): Promise<void> => {
    await ctx.storage.run('UPDATE tokens SET secret_sealed = ? WHERE credential_id = ?', [sealed, credentialId]);
  };

  testSqliteOnly('when tokens were provisioned, registered and used, then the database files hold no secret in any plain form', 'reads the database file', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    const tokens = [await givenToken(ctx), await givenToken(ctx), await givenToken(ctx, 'desktop')];
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: tokens[0]! }]);
    const check = await ctx.deps.tokenAuthority.validate(tokens[0]!.credentialId, tokens[0]!.code(), ctx.clock.now());
    expect(check.result).toBe('ok');
    ctx.deps.sqlite!.settleReads(); // the raw handle's checkpoint runs outside any transaction, the tick's shared read included
    ctx.db.pragma('wal_checkpoint(TRUNCATE)');

    const bytes = Buffer.concat(
      fs.readdirSync(dir).filter((f) => f.startsWith('bank.db')).map((f) => fs.readFileSync(path.join(dir, f))),
    );
    for (const { secret } of tokens) {
      const raw = Buffer.from(secret);
      for (const needle of [raw, Buffer.from(toBase32(secret)), Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('base64'))]) {
        expect(bytes.includes(needle)).toBe(false);
      }
    }
    // The check above can find a secret: the sealed record really is in these bytes.
    expect(bytes.includes(Buffer.from(await sealedOf(tokens[0]!.credentialId)))).toBe(true);
  });

  test('when one character of a sealed secret is altered, then validation fails closed', async () => {
    const token = await givenToken(ctx);
    const sealed = await sealedOf(token.credentialId);
    const i = sealed.length - 5;
    await setSealed(token.credentialId, `${sealed.slice(0, i)}${sealed[i] === 'A' ? 'B' : 'A'}${sealed.slice(i + 1)}`);

    expect(await ctx.deps.tokenAuthority.validate(token.credentialId, token.code(), ctx.clock.now())).toEqual({ result: 'sealBroken' });
  });

  test('when one token\'s sealed secret is copied onto another token, then neither code opens it', async () => {
    const a = await givenToken(ctx);
    const b = await givenToken(ctx);
    await setSealed(b.credentialId, await sealedOf(a.credentialId));

    expect(await ctx.deps.tokenAuthority.validate(b.credentialId, a.code(), ctx.clock.now())).toEqual({ result: 'sealBroken' });
    expect(await ctx.deps.tokenAuthority.validate(b.credentialId, b.code(), ctx.clock.now())).toEqual({ result: 'sealBroken' });
  });

  test('when the service starts with another SECRET_KEY, then no code validates (fail closed, not fail open)', async () => {
    const token = await givenToken(ctx);
    const config = loadConfig({ NODE_ENV: 'test', SECRET_KEY: 'a-different-key-0123456789abcdef', DATABASE_FILE: path.join(dir, 'bank.db') });
    const other = createDeps(config, ctx.storage, ctx.clock, createLogger('silent'));

    expect(await other.tokenAuthority.validate(token.credentialId, token.code(), ctx.clock.now())).toEqual({ result: 'sealBroken' });
  });

  test('when the credential ID is unknown, then the authority answers unknown (the screens turn it into the wrong-code message)', async () => {
    expect(await ctx.deps.tokenAuthority.validate('SYMC99999999', '123456', ctx.clock.now())).toEqual({ result: 'unknown' });
  });

  test('when a tampered token is used to confirm a transfer, then it is refused like a wrong code and audited as sealBroken', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    const token = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token }]);
    await setSealed(token.credentialId, `${(await sealedOf(token.credentialId)).slice(0, -4)}AAA=`);
    const actor = { type: 'user' as const, id: admin.loginId, companyId: company.id, clientIp: null };

    expect(await spendOtp(ctx.deps, admin, token.credentialId, token.code(), actor)).toEqual({ ok: false, reason: 'wrong', remaining: 5 });
    expect((await ctx.deps.repos.audit.listAll(10, 0)).rows[0]).toMatchObject({ event: 'otp.verify', detail: 'sealBroken failures=1' });
  });
});
