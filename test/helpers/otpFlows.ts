import crypto from 'node:crypto';
import { codeAt, codeAtStep, stepAt } from '../../src/domain/totp';
import type { UsageMode } from '../../src/repositories/registrations';
import type { User } from '../../src/repositories/users';
import { provisionToken } from '../../src/services/tokenRegister';
import type { TestContext } from './app';
import { FormClient } from './client';
import { scalar } from './engine';
import { givenContract, givenUser, USER_PASSWORD, VALID_TRANSFER_FORM } from './fixtures';
import { givenRegistered, givenToken, type TestToken } from './otp';

/** A token whose 有効期限 the test chooses (issue 13). */
export async function givenTokenExpiring(ctx: TestContext, expiresOn: string): Promise<TestToken> {
  const secret = new Uint8Array(crypto.randomBytes(20));
  const { credentialId } = await provisionToken(ctx.deps, 'mobile', { secret, expiresOn });
  return {
    credentialId,
    secret,
    code: () => codeAt(secret, ctx.clock.now()),
    codeAtOffset: (offset) => codeAtStep(secret, stepAt(ctx.clock.now()) + offset),
  };
}

/** A contract that has started OTP: in A the administrator and one user each hold a token; in B one token serves both. */
export async function otpContract(ctx: TestContext, mode: UsageMode, tokens: { admin?: TestToken; user?: TestToken } = {}) {
  const { company, admin } = await givenContract(ctx.deps, { balance: 1_000_000 });
  const user = await givenUser(ctx.deps, company.id);
  const adminToken = tokens.admin ?? await givenToken(ctx);
  const userToken = mode === 'shared' ? adminToken : (tokens.user ?? await givenToken(ctx));
  await givenRegistered(
    ctx.deps,
    company.id,
    mode,
    mode === 'shared' ? [{ userId: null, token: adminToken }] : [{ userId: admin.id, token: adminToken }, { userId: user.id, token: userToken }],
  );
  return { company, admin, user, adminToken, userToken };
}

export async function signedIn(ctx: TestContext, user: User, password = USER_PASSWORD): Promise<FormClient> {
  const client = new FormClient(ctx.app);
  await client.login(user.loginId, password);
  return client;
}

/** 都度振込 入力 → 次へ: the id of the draft on 振込内容確認. */
export async function draft(client: FormClient): Promise<number> {
  const res = await client.submit('/transfers/new', '/transfers', VALID_TRANSFER_FORM);
  if (res.status !== 303) throw new Error(`draft refused: ${res.status}`);
  return Number(/^\/transfers\/(\d+)\/confirm$/.exec(res.headers.location as string)![1]);
}

export async function confirm(client: FormClient, id: number, otp: string) {
  await client.get(`/transfers/${id}/confirm`);
  return client.post(`/transfers/${id}/confirm`, { otp });
}

export const completedTransfers = async (ctx: TestContext): Promise<number> =>
  (await scalar(ctx.storage, "SELECT count(*) FROM transfers WHERE status = 'completed'"))!;
