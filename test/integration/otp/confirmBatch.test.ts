import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { testSqliteOnly } from '../../helpers/engine';
import { auditEvents, givenContract, givenUser, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';
import { stepAt } from '../../../src/domain/totp';
import { confirmationFor } from '../../../src/services/confirmation';
import { confirmTransfer } from '../../../src/services/transfers';

/** 振込内容確認 with the ワンタイムパスワード when confirmations share one group commit (issue 5, R2, R10). */
describe('OTP confirmations in one group commit', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const balanceOf = async (companyId: number): Promise<number> => (await ctx.deps.repos.companies.find(companyId))!.balance;
  const lastStepOf = async (credentialId: string) => (await ctx.deps.repos.tokens.find(credentialId))!.lastStep;
  const confirmations = async () => await auditEvents(ctx.deps, 'transfer.confirm');

  /** A transfer user of a fresh contract in mode A with an own token, signed in. */
  async function otpUser(balance = 1_000_000) {
    const { company, admin } = await givenContract(ctx.deps, { balance });
    const user = await givenUser(ctx.deps, company.id);
    const token = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: await givenToken(ctx) }, { userId: user.id, token }]);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
    const actor = { type: 'user' as const, id: user.loginId, companyId: company.id, clientIp: null };
    return { company, user, token, client, actor };
  }

  async function draft(client: FormClient, amount: number): Promise<number> {
    const res = await client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, amount: String(amount) });
    return Number(/^\/transfers\/(\d+)\/confirm$/.exec(res.headers.location as string)![1]);
  }

  testSqliteOnly('when a replayed step and an overdraft are refused inside the batch, then another user\'s confirmation in the same batch still commits', 'one batch of the group commit', async () => {
    const a = await otpUser();
    const b = await otpUser(500);
    const c = await otpUser();
    const [a1, a2, bDraft, cDraft] = [await draft(a.client, 1000), await draft(a.client, 2000), await draft(b.client, 1000), await draft(c.client, 3000)];
    const before = { ...ctx.sqlite.commits.stats };
    const confirm = async (p: typeof a, id: number, code: string) => confirmTransfer(ctx.deps, await confirmationFor(ctx.deps.repos.registrations, p.user), p.user, (await ctx.deps.repos.transfers.find(id))!, code, p.actor);
    const aCode = a.token.code();

    // All four reach one batch together; each code is checked inside it, so a2's reuse of the step a1 has just
    // spent is a replay of the last accepted step: refused as already used and not counted, exactly as a reuse
    // one after the other is (R2, issue 15).
    const outcomes = await Promise.all([confirm(a, a1, aCode), confirm(a, a2, aCode), confirm(b, bDraft, b.token.code()), confirm(c, cDraft, c.token.code())]);

    expect(ctx.sqlite.commits.stats.batches - before.batches).toBe(1);
    expect(ctx.sqlite.commits.stats.jobs - before.jobs).toBe(4);
    expect(outcomes).toEqual([
      { ok: true, receiptNumber: expect.any(String) },
      { ok: false, reason: 'replayed' },
      { ok: false, reason: 'insufficient' },
      { ok: true, receiptNumber: expect.any(String) },
    ]);
    expect(await Promise.all([a1, a2, bDraft, cDraft].map(async (id) => (await ctx.deps.repos.transfers.find(id))!.status))).toEqual(['completed', 'draft', 'draft', 'completed']);
    expect([await balanceOf(a.company.id), await balanceOf(b.company.id), await balanceOf(c.company.id)]).toEqual([999_000, 500, 997_000]);
    // The overdraft's savepoint took its spent step back with it; the others' steps stay spent (R2).
    const step = stepAt(ctx.clock.now());
    expect([await lastStepOf(a.token.credentialId), await lastStepOf(b.token.credentialId), await lastStepOf(c.token.credentialId)]).toEqual([step, null, step]);
    expect((await confirmations()).map((e) => [e.actor, e.outcome, e.detail]).sort()).toEqual(
      [
        [a.user.loginId, 'success', 'amount=1000'],
        [a.user.loginId, 'failure', 'reason=replayed amount=2000'],
        [b.user.loginId, 'failure', 'reason=insufficient amount=1000'],
        [c.user.loginId, 'success', 'amount=3000'],
      ].sort(),
    );
    expect((await auditEvents(ctx.deps, 'otp.verify')).map((e) => [e.actor, e.detail])).toEqual([[a.user.loginId, 'replayed']]);
    expect((await ctx.deps.repos.locks.get(a.user.id, 'otp')).failures).toBe(0);
  });

  test('when N users of different contracts post their codes at once, then each is answered with its own receipt and each step is spent once', async () => {
    const people = [];
    for (let i = 1; i <= 4; i++) {
      const p = await otpUser();
      const id = await draft(p.client, 1000 * i);
      await p.client.get(`/transfers/${id}/confirm`);
      people.push({ ...p, id, amount: 1000 * i });
    }

    const results = await Promise.all(people.map((p) => p.client.post(`/transfers/${p.id}/confirm`, { otp: p.token.code() })));

    expect(results.map((r) => [r.status, r.headers.location])).toEqual(people.map((p) => [303, `/transfers/${p.id}`]));
    for (const p of people) {
      const transfer = (await ctx.deps.repos.transfers.find(p.id))!;
      expect(transfer).toMatchObject({ status: 'completed', confirmedWith: 'otp' });
      expect(await balanceOf(p.company.id)).toBe(1_000_000 - p.amount);
      expect(await lastStepOf(p.token.credentialId)).toBe(stepAt(ctx.clock.now()));
      expect((await confirmations()).filter((e) => e.subject === transfer.receiptNumber)).toEqual([
        expect.objectContaining({ actor: p.user.loginId, outcome: 'success', detail: `amount=${p.amount}` }),
      ]);
    }
  });

  test('when a confirmation is posted, then the company\'s OTP state is read once for the whole request (issue 5)', async () => {
    const p = await otpUser();
    const id = await draft(p.client, 1000);
    await p.client.get(`/transfers/${id}/confirm`);
    const stateReads = jest.spyOn(ctx.deps.repos.registrations, 'state');

    const wrong = await p.client.post(`/transfers/${id}/confirm`, { otp: p.token.code() === '000000' ? '111111' : '000000' });
    const readsForWrong = stateReads.mock.calls.length;
    const right = await p.client.post(`/transfers/${id}/confirm`, { otp: p.token.code() });

    expect([wrong.status, right.status]).toEqual([400, 303]);
    expect(readsForWrong).toBe(1);
    expect(stateReads.mock.calls.length - readsForWrong).toBe(1);
  });

  testSqliteOnly('when the right code is entered and no failure was counted, then the OTP lockout row is not rewritten (R9, issue 5)', 'counts row writes with a SQLite TEMP trigger', async () => {
    const p = await otpUser();
    const id = await draft(p.client, 1000);
    await p.client.get(`/transfers/${id}/confirm`);
    ctx.db.exec(`
      CREATE TEMP TABLE lock_writes (kind TEXT);
      CREATE TEMP TRIGGER count_lock_writes AFTER UPDATE ON credential_locks BEGIN INSERT INTO lock_writes VALUES (NEW.kind); END;`);
    // A wrong code then a reset: the user's OTP counter row exists and stands at 0.
    await p.client.post(`/transfers/${id}/confirm`, { otp: p.token.code() === '000000' ? '111111' : '000000' });
    await ctx.deps.repos.locks.recordSuccess(p.user.id, 'otp');
    expect(await ctx.deps.repos.locks.get(p.user.id, 'otp')).toEqual({ failures: 0, lockedAt: null });
    ctx.db.exec('DELETE FROM lock_writes');

    const res = await p.client.post(`/transfers/${id}/confirm`, { otp: p.token.code() });

    expect(res.status).toBe(303);
    expect(ctx.db.prepare('SELECT kind FROM lock_writes').pluck().all()).toEqual([]);
  });
});
