import { createTestContext, type TestContext } from '../../helpers/app';
import { auditEvents, givenContract, givenSignedInStaff } from '../../helpers/fixtures';
import { readPage } from '../../helpers/page';

/** 振込限度額 set by the bank (issue 13, item 1): 契約登録 and 契約先詳細. */
describe('振込限度額 on the branch console', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  const contract = { companyName: '限度商事', accountBalance: '1000000', adminLoginId: 'limit-admin', adminName: '限度 太郎', adminPassword: 'Admin-Pass-1', adminApprovalPassword: 'Approve-Pass-1', adminTransferPassword: 'Send-Pass-1' };

  test('when 契約登録 is posted without limits, then the configured defaults apply; with limits, they are kept and audited', async () => {
    const { staff } = await givenSignedInStaff(ctx);
    const form = readPage((await staff.get('/staff/companies/new')).text);
    expect(form.field('1回あたりの振込限度額（円）')?.value).toBe('5000000');

    await staff.submit('/staff/companies/new', '/staff/companies/new', contract);
    const res = await staff.submit('/staff/companies/new', '/staff/companies/new', { ...contract, adminLoginId: 'limit-admin2', perTransferLimit: '１,０００,０００', dailyLimit: '2,000,000' });

    const first = (await ctx.deps.repos.users.findByLoginId('limit-admin'))!;
    const second = (await ctx.deps.repos.users.findByLoginId('limit-admin2'))!;
    expect(res.status).toBe(303);
    expect((await ctx.deps.repos.limits.company(first.companyId))!.bank).toEqual({ perTransfer: 5_000_000, daily: 10_000_000 });
    expect((await ctx.deps.repos.limits.company(second.companyId))!.bank).toEqual({ perTransfer: 1_000_000, daily: 2_000_000 });
    expect((await auditEvents(ctx.deps, 'limits.bank'))[0]).toMatchObject({ companyId: second.companyId, detail: 'perTransfer=1000000 daily=2000000' });
  });

  test.each([
    ['a 1回 limit above the 1日 one', { perTransferLimit: '300000', dailyLimit: '200000' }, '1回あたりの振込限度額は、1日あたりの振込限度額以下で入力してください。'],
    ['a 1回 limit above the service\'s ceiling', { perTransferLimit: '10,000,001', dailyLimit: '20000000' }, '1回あたりの振込限度額は10,000,000円以内で入力してください。'],
    ['an empty daily limit', { perTransferLimit: '1000', dailyLimit: '' }, '1日あたりの振込限度額を入力してください。'],
  ])('when 契約先詳細 posts %s, then it is refused with the typed values and nothing changes', async (_name, fields, message) => {
    const { company } = await givenContract(ctx.deps);
    const { staff } = await givenSignedInStaff(ctx);

    const res = await staff.submit(`/staff/companies/${company.id}`, `/staff/companies/${company.id}/limits`, fields);

    expect(res.status).toBe(400);
    expect(readPage(res.text).errors().map((e) => e.message)).toEqual([message]);
    expect(readPage(res.text).field('1回あたりの振込限度額（円）')?.value).toBe(fields.perTransferLimit);
    expect((await ctx.deps.repos.limits.company(company.id))!.bank).toEqual({ perTransfer: 5_000_000, daily: 10_000_000 });
  });

  test('when 契約先詳細 sets limits, then they apply at once and another company\'s id is 404', async () => {
    const { company } = await givenContract(ctx.deps);
    const { staff } = await givenSignedInStaff(ctx);

    const res = await staff.submit(`/staff/companies/${company.id}`, `/staff/companies/${company.id}/limits`, { perTransferLimit: '200000', dailyLimit: '500000' });
    const unknown = await staff.post('/staff/companies/99999/limits', { perTransferLimit: '200000', dailyLimit: '500000' });

    expect(res.status).toBe(303);
    expect(readPage((await staff.get(`/staff/companies/${company.id}`)).text).term('当金庫が設定した限度額')).toBe('1回あたり 200,000円、1日あたり 500,000円');
    expect(unknown.status).toBe(404);
  });
});
