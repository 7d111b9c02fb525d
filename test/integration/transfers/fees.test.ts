import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { auditEvents, givenContract, givenUser, TRANSFER_PASSWORD, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';
import { readPage } from '../../helpers/page';

/** 振込手数料 (issue 15, item 2): shown, kept on the row, debited with the amount in one step. */
describe('都度振込: 振込手数料', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  const balanceOf = async (companyId: number): Promise<number> => (await ctx.deps.repos.companies.find(companyId))!.balance;
  /** 三菱ＵＦＪ 新宿: another bank than this one (BANK_CODE 0001). */
  const OTHER_BANK = { ...VALID_TRANSFER_FORM, bankCode: '0005', branchCode: '341' };

  async function transferUser(balance: number) {
    const { company, admin } = await givenContract(ctx.deps, { balance });
    const user = await givenUser(ctx.deps, company.id);
    const client = new FormClient(ctx.app);
    await client.login(user.loginId, USER_PASSWORD);
    return { company, admin, user, client };
  }

  async function draft(client: FormClient, form: Record<string, string>): Promise<string> {
    const res = await client.submit('/transfers/new', '/transfers', form);
    expect(res.status).toBe(303);
    return res.headers.location as string;
  }

  test('when a transfer to another bank from 30,000円 is confirmed, then 振込内容確認 and 受付完了 show the names and the fee, and the balance falls by amount + fee', async () => {
    const { company, client } = await transferUser(1_000_000);
    const confirmPath = await draft(client, { ...OTHER_BANK, amount: '30,000' });

    const confirm = readPage((await client.get(confirmPath)).text);
    expect(confirm.heading()).toBe('振込内容確認');
    expect(confirm.term('金融機関名')).toBe('三菱ＵＦＪ');
    expect(confirm.term('支店名')).toBe('新宿');
    expect(confirm.term('振込金額')).toBe('30,000円');
    expect(confirm.term('振込手数料')).toBe('660円');
    expect(confirm.term('お引落金額')).toBe('30,660円（振込金額＋振込手数料）');
    expect(await balanceOf(company.id)).toBe(1_000_000);

    const done = await client.post(confirmPath, { transferPassword: TRANSFER_PASSWORD });
    const receipt = readPage((await client.get(done.headers.location as string)).text);
    const history = readPage((await client.get('/transfers')).text);

    expect(receipt.heading()).toBe('受付完了');
    expect(receipt.term('金融機関名')).toBe('三菱ＵＦＪ');
    expect(receipt.term('支店名')).toBe('新宿');
    expect(receipt.term('振込手数料')).toBe('660円');
    expect(await balanceOf(company.id)).toBe(1_000_000 - 30_000 - 660);
    expect(history.table('振込履歴')?.rows[0]?.['振込金額']).toBe('30,000円 手数料 660円');
    expect((await auditEvents(ctx.deps, 'transfer.confirm'))[0]).toMatchObject({ outcome: 'success', detail: 'amount=30000 fee=660' });
  });

  test.each([
    ['the same branch of this bank', '0001', '123', '29,999', 0],
    ['another branch of this bank, below 30,000円', '0001', '001', '29,999', 110],
    ['another branch of this bank, from 30,000円', '0001', '001', '30,000', 330],
    ['another bank, below 30,000円', '0005', '341', '29,999', 440],
  ])('when a transfer goes to %s, then the fee on the row and the debit follow the table', async (_case, bankCode, branchCode, amount, fee) => {
    const { company, client } = await transferUser(1_000_000);
    const confirmPath = await draft(client, { ...VALID_TRANSFER_FORM, bankCode, branchCode, amount });
    const id = Number(/\d+/.exec(confirmPath)![0]);
    expect((await ctx.deps.repos.transfers.find(id))!.fee).toBe(fee);

    await client.submit(confirmPath, confirmPath, { transferPassword: TRANSFER_PASSWORD });

    expect(await balanceOf(company.id)).toBe(1_000_000 - Number(amount.replace(',', '')) - fee);
  });

  test('when the balance covers the amount but not amount + fee, then it is refused, nothing is debited and the code is not spent (R10, R14)', async () => {
    const { company, admin, user, client } = await transferUser(30_500);
    const token = await givenToken(ctx);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: await givenToken(ctx) }, { userId: user.id, token }]);
    const confirmPath = await draft(client, { ...OTHER_BANK, amount: '30,000' });

    const res = await client.submit(confirmPath, confirmPath, { otp: token.code() });

    expect(res.status).toBe(409);
    expect(readPage(res.text).errors().map((e) => e.message)).toEqual([
      '残高が不足しているため、振込できません。振込金額と振込手数料の合計が代表口座の残高を超えています。残高をご確認のうえ、振込金額を変更して入力し直してください。',
    ]);
    expect(await balanceOf(company.id)).toBe(30_500);
    expect((await ctx.deps.repos.transfers.find(Number(/\d+/.exec(confirmPath)![0])))!.status).toBe('draft');
    expect((await ctx.deps.repos.tokens.find(token.credentialId))!.lastStep).toBeNull();
  });

  test('when the balance is exactly amount + fee, then the transfer executes and leaves 0円', async () => {
    const { company, client } = await transferUser(30_660);
    const confirmPath = await draft(client, { ...OTHER_BANK, amount: '30,000' });

    const res = await client.submit(confirmPath, confirmPath, { transferPassword: TRANSFER_PASSWORD });

    expect(res.status).toBe(303);
    expect(await balanceOf(company.id)).toBe(0);
  });

  test('when the fee table changes between 入力 and 確定, then the fee the customer saw is the one debited', async () => {
    const { company, client } = await transferUser(1_000_000);
    const confirmPath = await draft(client, { ...OTHER_BANK, amount: '1,000' });
    (ctx.deps.config.transferFees as { otherBank: { below: number; from: number } }).otherBank = { below: 999, from: 999 };

    await client.submit(confirmPath, confirmPath, { transferPassword: TRANSFER_PASSWORD });

    expect(await balanceOf(company.id)).toBe(1_000_000 - 1_000 - 440);
  });

  test('when the fee table is configured, then 入力 lists it and the draft uses it', async () => {
    ctx = await createTestContext({ FEE_OTHER_BANK: '330,550', FEE_TIER_YEN: '50000' });
    const { client } = await transferUser(1_000_000);

    const input = readPage((await client.get('/transfers/new')).text);
    const confirmPath = await draft(client, { ...OTHER_BANK, amount: '49,999' });

    expect(input.text()).toContain('振込手数料（50,000円未満／以上）');
    expect(input.text()).toContain('他金融機関あて 330円／550円');
    expect(readPage((await client.get(confirmPath)).text).term('振込手数料')).toBe('330円');
  });
});
