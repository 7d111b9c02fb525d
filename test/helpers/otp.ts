import crypto from 'node:crypto';
import type { Deps } from '../../src/deps';
import type { Platform } from '../../src/domain/token';
import { codeAt, codeAtStep, stepAt } from '../../src/domain/totp';
import type { UsageMode } from '../../src/repositories/registrations';
import { provisionToken } from '../../src/services/tokenRegister';
import type { TestContext } from './app';

/** A token of the register whose secret the test knows, so it can compute the codes the phone would show. */
export interface TestToken {
  credentialId: string;
  secret: Uint8Array;
  /** The code the app shows now on the test's fake clock. */
  code(): string;
  /** The code of the step `offset` steps away from now. */
  codeAtOffset(offset: number): string;
}

export async function givenToken(ctx: TestContext, platform: Platform = 'mobile'): Promise<TestToken> {
  const secret = new Uint8Array(crypto.randomBytes(20));
  const { credentialId } = await provisionToken(ctx.deps, platform, { secret });
  return {
    credentialId,
    secret,
    code: () => codeAt(secret, ctx.clock.now()),
    codeAtOffset: (offset) => codeAtStep(secret, stepAt(ctx.clock.now()) + offset),
  };
}

/** Moves the fake clock to the start of the next 30-second step, so a fresh code exists. */
export function nextStep(ctx: TestContext): void {
  ctx.clock.advance(30_000 - (ctx.clock.now() % 30_000));
}

/**
 * Registers tokens straight in the register, as if the administrator had
 * walked §3(2)/(3): for tests whose subject is what comes after.
 * userId null registers the company's shared token (B).
 */
export async function givenRegistered(deps: Deps, companyId: number, mode: UsageMode, registrations: { userId: number | null; token: TestToken }[]): Promise<void> {
  const { registrations: repo, tokens } = deps.repos;
  await deps.storage.transaction(async () => {
    await repo.setUsageMode(companyId, mode);
    for (const r of registrations) {
      const token = (await tokens.find(r.token.credentialId))!;
      await tokens.bindToCompany(token.id, companyId);
      await repo.insert({ companyId, userId: r.userId, tokenId: token.id, registeredAt: deps.clock.now(), registeredBy: 'fixture' });
    }
    await repo.markOtpStarted(companyId, deps.clock.now());
  });
}
