import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { FormClient } from '../../helpers/client';
import { auditEvents, givenContract, givenSignedInStaff } from '../../helpers/fixtures';

const GOOD = {
  companyName: '新規商事株式会社',
  accountBalance: '１，２３４，５６７',
  adminLoginId: 'shinki-admin',
  adminName: '新規 太郎',
  adminPassword: 'Init-Login-1',
  adminApprovalPassword: 'Init-Approve-1',
  adminTransferPassword: 'Init-Send-1',
};
const SECRETS = [GOOD.adminPassword, GOOD.adminApprovalPassword, GOOD.adminTransferPassword];

describe('契約登録 (opening a contract at the branch)', () => {
  let ctx: TestContext;
  let staff: FormClient;
  let staffId: string;
  const companyCount = async (): Promise<number> => (await scalar(ctx.storage, 'SELECT count(*) FROM companies'))!;

  beforeEach(async () => {
    ctx = await createTestContext();
    ({ staffId, staff } = await givenSignedInStaff(ctx));
  });

  test('when the form shows, then it has the manual fields and the 確定 button', async () => {
    const page = await staff.get('/staff/companies/new');
    expect(page.status).toBe(200);
    for (const name of Object.keys(GOOD)) expect(page.text).toContain(`name="${name}"`);
    for (const label of ['契約先名', '代表口座の開設時残高', '管理者ログインID', '管理者氏名', '管理者ログインパスワード（初期）', '承認用パスワード（初期）', '送信確認パスワード（初期）']) {
      expect(page.text).toContain(`>${label}</label>`);
    }
    expect(page.text).toContain('>確定</button>');
  });

  test('when staff open a contract, then the administrator can log in and the contract shows the balance', async () => {
    const res = await staff.submit('/staff/companies/new', '/staff/companies/new', GOOD);
    expect(res.status).toBe(303);
    const company = (await ctx.deps.repos.companies.search(GOOD.companyName, 10, 0)).rows[0]!;
    expect(company).toMatchObject({ name: GOOD.companyName, balance: 1_234_567, openingBalance: 1_234_567 });
    expect(res.headers.location).toBe(`/staff/companies/${company.id}`);

    const detail = await staff.get(res.headers.location!);
    expect(detail.text).toContain('契約を登録しました');
    expect(detail.text).toContain(`普通 ${company.accountNumber}`);
    expect(detail.text).toContain('1,234,567円');
    expect(detail.text).toContain('shinki-admin');
    expect(detail.text).toContain('管理者');

    const admin = new FormClient(ctx.app);
    expect((await admin.login(GOOD.adminLoginId, GOOD.adminPassword)).status).toBe(303);
    expect((await admin.get('/')).text).toContain('残高 <strong>1,234,567円</strong>');

    expect(await auditEvents(ctx.deps, 'contract.open')).toEqual([
      expect.objectContaining({ actorType: 'staff', actor: staffId, companyId: company.id, subject: 'shinki-admin', outcome: 'success' }),
    ]);
  });

  const bad: [string, Partial<typeof GOOD>, string, string][] = [
    ['an empty form', { companyName: '', accountBalance: '', adminLoginId: '', adminName: '' }, 'companyName', '契約先名を入力してください。'],
    ['a negative balance', { accountBalance: '-1000' }, 'accountBalance', '代表口座の開設時残高は0円以上の金額を入力してください。'],
    ['a balance with a decimal point', { accountBalance: '1000.5' }, 'accountBalance', '1円単位の整数で入力してください'],
    ['letters as the balance', { accountBalance: '百万円' }, 'accountBalance', '数字で入力してください'],
    ['a misplaced comma', { accountBalance: '1,0000' }, 'accountBalance', '数字で入力してください'],
    ['a huge balance', { accountBalance: '1,000,000,000,000' }, 'accountBalance', '999,999,999,999円以内で入力してください。'],
    ['an over-long company name', { companyName: 'あ'.repeat(61) }, 'companyName', '契約先名は60文字以内で入力してください。'],
    ['an invalid login id', { adminLoginId: 'ad min!' }, 'adminLoginId', '管理者ログインIDは半角英数字と「.」「_」「-」で4〜32文字で入力してください。'],
    ['a weak password', { adminPassword: 'password' }, 'adminPassword', '管理者ログインパスワードには英字と数字をそれぞれ1文字以上含めてください。'],
    ['a short approval password', { adminApprovalPassword: 'a1' }, 'adminApprovalPassword', '承認用パスワードは半角英数記号8〜32文字で入力してください。'],
    ['a missing transfer password', { adminTransferPassword: '' }, 'adminTransferPassword', '送信確認パスワードを入力してください。'],
  ];

  test.each(bad)('when the form has %s, then it is refused with a message and nothing is written', async (_case, change, field, message) => {
    const before = await companyCount();
    const fields = { ...GOOD, ...change };
    const res = await staff.submit('/staff/companies/new', '/staff/companies/new', fields);
    expect(res.status).toBe(400);
    expect(res.text).toContain('入力内容をご確認ください');
    expect(res.text).toContain(`<a href="#${field}">`);
    expect(res.text).toContain(message);
    expect(res.text).toContain(`id="${field}-error"`);
    if (fields.companyName) expect(res.text).toContain(`value="${fields.companyName}"`);
    if (fields.adminLoginId) expect(res.text).toContain(`value="${fields.adminLoginId}"`);
    for (const secret of SECRETS) expect(res.text).not.toContain(secret);
    expect(await companyCount()).toBe(before);
    expect(await auditEvents(ctx.deps, 'contract.open')).toHaveLength(0);
  });

  test('when the administrator login id is taken, then the field says so and nothing is written', async () => {
    const { admin } = await givenContract(ctx.deps);
    const before = await companyCount();
    const res = await staff.submit('/staff/companies/new', '/staff/companies/new', { ...GOOD, adminLoginId: admin.loginId });
    expect(res.status).toBe(400);
    expect(res.text).toContain('この管理者ログインIDは既に使用されています。');
    expect(res.text).toContain(`value="${admin.loginId}"`);
    expect(res.text).toContain(`value="${GOOD.companyName}"`);
    for (const secret of SECRETS) expect(res.text).not.toContain(secret);
    expect(await companyCount()).toBe(before);
    expect(await auditEvents(ctx.deps, 'contract.open')).toHaveLength(1); // the fixture's own contract only
  });

  test('when the form is posted without a CSRF token, then it is refused with 403 and nothing is written', async () => {
    await staff.get('/staff/companies/new');
    const res = await staff.agent.post('/staff/companies/new').type('form').send(GOOD);
    expect(res.status).toBe(403);
    expect(await companyCount()).toBe(0);
  });
});
