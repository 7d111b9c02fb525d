import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { onPostgres, testSqliteOnly } from '../../helpers/engine';
import { auditEvents, givenContract, givenUser, TRANSFER_PASSWORD, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';

/** 振込内容確認 → 確定 under load (issue 5): confirmations that arrive together share one commit. */
describe('振込内容確認 of several users at once (group commit, R10)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const balanceOf = async (companyId: number): Promise<number> => (await ctx.deps.repos.companies.find(companyId))!.balance;

  /** A transfer user of a fresh contract, signed in, with a draft on the 振込内容確認 screen. */
  async function userWithDraft(balance: number, amount: number) {
    const { company } = await givenContract(ctx.deps, { balance });
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
    const res = await client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, amount: String(amount) });
    const id = Number(/^\/transfers\/(\d+)\/confirm$/.exec(res.headers.location as string)![1]);
    await client.get(`/transfers/${id}/confirm`);
    return { company, user, client, id, balance, amount };
  }

  test('when N users of different contracts post their confirmations at once, then each gets its own receipt and every ledger row matches', async () => {
    const people = [];
    for (let i = 1; i <= 6; i++) people.push(await userWithDraft(1_000_000, 1000 * i));
    const jobsBefore = onPostgres ? 0 : ctx.sqlite.commits.stats.jobs;

    const results = await Promise.all(people.map((p) => p.client.post(`/transfers/${p.id}/confirm`, { transferPassword: TRANSFER_PASSWORD })));

    expect(results.map((r) => [r.status, r.headers.location])).toEqual(people.map((p) => [303, `/transfers/${p.id}`]));
    const successes = (await auditEvents(ctx.deps, 'transfer.confirm')).filter((e) => e.outcome === 'success');
    expect(successes).toHaveLength(people.length);
    for (const p of people) {
      const transfer = (await ctx.deps.repos.transfers.find(p.id))!;
      expect(transfer).toMatchObject({ status: 'completed', confirmedWith: 'transferPassword', userId: p.user.id });
      expect(await balanceOf(p.company.id)).toBe(p.balance - p.amount);
      expect(successes.filter((e) => e.subject === transfer.receiptNumber)).toEqual([
        expect.objectContaining({ actor: p.user.loginId, companyId: p.company.id, detail: `amount=${p.amount}` }),
      ]);
      const receipt = await p.client.get(`/transfers/${p.id}`);
      expect(receipt.text).toContain('受付完了');
      expect(receipt.text).toContain(transfer.receiptNumber!);
    }
    // Every debit went through the group commit, however the requests happened to be batched (SQLite's alone).
    if (!onPostgres) expect(ctx.sqlite.commits.stats.jobs - jobsBefore).toBeGreaterThanOrEqual(people.length);
  });

  test('when a confirmation is refused for insufficient funds while others are posted, then only that one is refused and rolled back', async () => {
    const poor = await userWithDraft(500, 1000);
    const others = [await userWithDraft(1_000_000, 2000), await userWithDraft(1_000_000, 3000)];

    const [refused, ...accepted] = await Promise.all(
      [poor, ...others].map((p) => p.client.post(`/transfers/${p.id}/confirm`, { transferPassword: TRANSFER_PASSWORD })),
    );

    expect(refused!.status).toBe(409);
    expect(refused!.text).toContain('残高が不足しているため、振込できません。');
    expect(await ctx.deps.repos.transfers.find(poor.id)).toMatchObject({ status: 'draft', receiptNumber: null });
    expect(await balanceOf(poor.company.id)).toBe(500);
    expect(accepted.map((r) => r.status)).toEqual([303, 303]);
    for (const p of others) expect(await balanceOf(p.company.id)).toBe(1_000_000 - p.amount);
  });

  testSqliteOnly('when the 送信確認パスワード is right and no failure was counted, then the lockout row only takes and gives back its reservation (R9, R15)', 'counts row writes with a SQLite TEMP trigger', async () => {
    const p = await userWithDraft(1_000_000, 1000);
    ctx.db.exec(`
      CREATE TEMP TABLE lock_writes (kind TEXT, failures INTEGER, pending INTEGER);
      CREATE TEMP TRIGGER count_lock_writes AFTER UPDATE ON credential_locks
      BEGIN INSERT INTO lock_writes VALUES (NEW.kind, NEW.failures, NEW.pending); END;`);
    // A wrong entry then a right one: the counter row exists and stands at 0.
    await p.client.post(`/transfers/${p.id}/confirm`, { transferPassword: 'Wrong-Pass-9' });
    await ctx.deps.repos.locks.recordSuccess(p.user.id, 'transferPassword');
    expect(await ctx.deps.repos.locks.get(p.user.id, 'transferPassword')).toEqual({ failures: 0, lockedAt: null });
    ctx.db.exec('DELETE FROM lock_writes');

    const res = await p.client.post(`/transfers/${p.id}/confirm`, { transferPassword: TRANSFER_PASSWORD });

    // A bcrypt compare takes its place before it starts (issue 10): one write to reserve, one to settle —
    // the price of a lock that holds under concurrency; the count itself is never touched.
    expect(res.status).toBe(303);
    expect(ctx.db.prepare('SELECT kind, failures, pending FROM lock_writes').all()).toEqual([
      { kind: 'transferPassword', failures: 0, pending: 1 },
      { kind: 'transferPassword', failures: 0, pending: 0 },
    ]);
  });
});
