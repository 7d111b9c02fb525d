import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { FormClient } from '../../helpers/client';
import { auditEvents, givenContract, givenUser, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';
import { readPage } from '../../helpers/page';
import { fire } from '../../helpers/race';
import type { User } from '../../../src/repositories/users';

/** 振込限度額 (issue 13, item 1): refused at 入力 and again inside the confirmation's transaction. */
describe('振込限度額 on 都度振込', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  async function signedIn(user: User): Promise<FormClient> {
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
    return client;
  }
  const enter = (client: FormClient, amount: string) => client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, amount });
  async function draft(client: FormClient, amount: string): Promise<number> {
    const res = await enter(client, amount);
    expect(res.status).toBe(303);
    return Number(/^\/transfers\/(\d+)\/confirm$/.exec(res.headers.location as string)![1]);
  }
  async function confirm(client: FormClient, id: number, fields: Record<string, string>) {
    await client.get(`/transfers/${id}/confirm`);
    return client.post(`/transfers/${id}/confirm`, fields);
  }
  const remainingOn = async (client: FormClient) => readPage((await client.get('/transfers/new')).text).term('本日の振込可能残額');

  /** A contract whose bank limits are 100,000円 per transfer and 150,000円 a day, with OTP started in A. */
  async function limitedContract() {
    const { company, admin } = await givenContract(ctx.deps, { balance: 10_000_000 });
    await ctx.deps.repos.limits.setBank(company.id, { perTransfer: 100_000, daily: 150_000 });
    const user = await givenUser(ctx.deps, company.id);
    const adminToken = await givenToken(ctx);
    const userToken = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: adminToken }, { userId: user.id, token: userToken }]);
    return { company, admin, user, userToken };
  }

  test('when an amount is above the 1回 limit, then 入力 refuses it beside the amount with 本日の振込可能残額, keeps what was typed and audits it', async () => {
    const { user } = await limitedContract();
    const client = await signedIn(user);

    const res = await enter(client, '100,001');

    expect(res.status).toBe(400);
    const page = readPage(res.text);
    expect(page.errors()).toEqual([{
      message: '振込金額が1回あたりの振込限度額（100,000円）を超えるため、振込できません。本日の振込可能残額は150,000円です。振込金額を変更して入力し直してください。',
      field: '振込金額（円）',
    }]);
    expect(page.field('振込金額（円）')?.value).toBe('100,001');
    expect(page.field('口座番号')?.value).toBe('1234567');
    expect(await scalar(ctx.storage, 'SELECT count(*) FROM transfers')).toBe(0);
    expect((await auditEvents(ctx.deps, 'transfer.limit'))[0]).toMatchObject({ outcome: 'failure', detail: 'reason=perTransfer amount=100001 remaining=150000' });
  });

  test('when transfers use up the JST day, then the rest is refused, and from 00:00 JST the next day the whole daily limit is back', async () => {
    const { user, userToken } = await limitedContract();
    // 2026-11-26 23:58 JST.
    ctx.clock.set(Date.UTC(2026, 10, 26, 14, 58, 0));
    const client = await signedIn(user);
    const first = await draft(client, '100000');
    expect((await confirm(client, first, { otp: userToken.code() })).status).toBe(303);
    expect(await remainingOn(client)).toBe('50,000円');

    const refused = await enter(client, '50,001');
    expect(refused.status).toBe(400);
    expect(readPage(refused.text).errors()[0]?.message).toContain('1日あたりの振込限度額（150,000円）を超えるため、振込できません。本日の振込可能残額は50,000円です。');

    // A draft made at 23:59:59.999 JST and confirmed at 00:00 JST counts on the new day.
    ctx.clock.set(Date.UTC(2026, 10, 26, 14, 59, 59, 999));
    const late = await draft(client, '50000');
    ctx.clock.set(Date.UTC(2026, 10, 26, 15, 0, 0));
    expect(await remainingOn(client)).toBe('150,000円');
    expect((await confirm(client, late, { otp: userToken.code() })).status).toBe(303);
    expect(await remainingOn(client)).toBe('100,000円');
  });

  test('when two confirmations together exceed the daily limit, then only one goes through, whichever order they commit in', async () => {
    // Two drafts of 100,000円 fit the day's 150,000円 alone, not together; confirmed with the fixed password
    // (no OTP started), both bcrypt compares finish before either job runs in the group commit.
    const other = await givenContract(ctx.deps, { balance: 10_000_000 });
    await ctx.deps.repos.limits.setBank(other.company.id, { perTransfer: 100_000, daily: 150_000 });
    const a = await givenUser(ctx.deps, other.company.id);
    const b = await givenUser(ctx.deps, other.company.id);
    const [clientA, clientB] = [await signedIn(a), await signedIn(b)];
    const [idA, idB] = [await draft(clientA, '100000'), await draft(clientB, '100000')];
    await Promise.all([clientA.get(`/transfers/${idA}/confirm`), clientB.get(`/transfers/${idB}/confirm`)]);

    const results = await Promise.all([
      fire(clientA.post(`/transfers/${idA}/confirm`, { transferPassword: 'Send-Pass-1' })),
      fire(clientB.post(`/transfers/${idB}/confirm`, { transferPassword: 'Send-Pass-1' })),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(readPage(refused.text).errors()[0]?.message).toContain('本日の振込可能残額は50,000円です。');
    expect((await ctx.deps.repos.companies.find(other.company.id))!.balance).toBe(10_000_000 - 100_000 - await completedFee(other.company.id));
    expect(await scalar(ctx.storage, "SELECT count(*) FROM transfers WHERE company_id = ? AND status = 'completed'", [other.company.id])).toBe(1);
  });

  const completedFee = async (companyId: number): Promise<number> =>
    (await scalar(ctx.storage, "SELECT COALESCE(SUM(fee), 0) FROM transfers WHERE company_id = ? AND status = 'completed'", [companyId]))!;

  test('when a confirmation is refused for the limit, then the code typed is not spent and not counted (R14), and confirms a smaller transfer', async () => {
    const { company, user, userToken } = await limitedContract();
    const client = await signedIn(user);
    const big = await draft(client, '100000');
    // The bank lowers the limit after the draft: the confirmation's own check refuses it.
    await ctx.deps.repos.limits.setBank(company.id, { perTransfer: 50_000, daily: 150_000 });
    const code = userToken.code();

    const refused = await confirm(client, big, { otp: code });

    expect(refused.status).toBe(409);
    expect(readPage(refused.text).errors()[0]?.message).toContain('1回あたりの振込限度額（50,000円）を超えるため、振込できません。');
    expect((await ctx.deps.repos.transfers.find(big))!.status).toBe('draft');
    expect((await ctx.deps.repos.locks.get(user.id, 'otp')).failures).toBe(0);
    expect((await auditEvents(ctx.deps, 'transfer.confirm'))[0]).toMatchObject({ outcome: 'failure', detail: 'reason=limit amount=100000' });
    const small = await draft(client, '50000');
    expect((await confirm(client, small, { otp: code })).status).toBe(303);
  });
});
