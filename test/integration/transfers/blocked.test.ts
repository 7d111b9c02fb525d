import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, givenContract, givenUser, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { givenRegistered, givenToken } from '../../helpers/otp';
import { readPage } from '../../helpers/page';
import { unregisterAtBranch } from '../../../src/services/otpBranch';

const ASK_ADMIN = 'ワンタイムパスワードのトークンが登録されていません。管理者にソフトウェアトークンの登録を依頼してください。登録が済むまで、都度振込はご利用いただけません。';
const REGISTER_OWN =
  'ワンタイムパスワードのトークンが登録されていません。「管理機能」の「ワンタイムパスワード認証情報管理」からトークンを登録してください。登録が済むまで、都度振込はご利用いただけません。';

/** A user whom no token serves after OTP started is told at 都度振込's first screen, before typing anything (R7, issue 15). */
describe('都度振込 for a user who cannot confirm transfers', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  const transferCount = async (): Promise<number> => (await scalar(ctx.storage, 'SELECT count(*) FROM transfers'))!;

  async function signedIn(loginId: string, password: string): Promise<FormClient> {
    const client = new FormClient(ctx.app);
    await client.login(loginId, password);
    return client;
  }

  test('when a transfer user without a token in mode A opens 都度振込, then the page says to ask the administrator and offers no form; a post is refused the same way', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: await givenToken(ctx) }]);
    const newcomer = await givenUser(ctx.deps, company.id);
    const client = await signedIn(newcomer.loginId, USER_PASSWORD);

    const res = await client.get('/transfers/new');
    const posted = await client.post('/transfers', VALID_TRANSFER_FORM);

    expect(res.status).toBe(200);
    const page = readPage(res.text);
    expect(page.heading()).toBe('都度振込');
    expect(page.text()).toContain(ASK_ADMIN);
    expect(page.field('金融機関コード')).toBeUndefined();
    expect(page.button('次へ')).toBeUndefined();
    expect(page.link('ワンタイムパスワード認証情報管理')).toBeUndefined();
    expect(posted.status).toBe(403);
    expect(readPage(posted.text).text()).toContain(ASK_ADMIN);
    expect(await transferCount()).toBe(0);
  });

  test('when the branch has unregistered the administrator\'s token, then 都度振込 tells the administrator to register it and links there', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    await givenRegistered(ctx.deps, company.id, 'individual', [{ userId: admin.id, token: await givenToken(ctx) }]);
    await unregisterAtBranch(ctx.deps, company.id, 'Q1-1', { type: 'staff', id: 'staff-x', companyId: null, clientIp: null });
    const client = await signedIn(admin.loginId, ADMIN_PASSWORD);

    const page = readPage((await client.get('/transfers/new')).text);
    const posted = await client.post('/transfers', VALID_TRANSFER_FORM);

    expect(page.text()).toContain(REGISTER_OWN);
    expect(page.field('金融機関コード')).toBeUndefined();
    expect(page.link('ワンタイムパスワード認証情報管理')).toBe('/admin/otp');
    expect(posted.status).toBe(403);
    expect(await transferCount()).toBe(0);
  });

  test('when the shared token of mode B was unregistered, then every user is told before typing, and after registering again the form is back', async () => {
    const { company, admin } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    await givenRegistered(ctx.deps, company.id, 'shared', [{ userId: null, token: await givenToken(ctx) }]);
    await unregisterAtBranch(ctx.deps, company.id, 'Q1-2', { type: 'staff', id: 'staff-x', companyId: null, clientIp: null });
    const userClient = await signedIn(user.loginId, USER_PASSWORD);

    expect(readPage((await userClient.get('/transfers/new')).text).text()).toContain(ASK_ADMIN);

    const token = await givenToken(ctx);
    const registered = await (await signedIn(admin.loginId, ADMIN_PASSWORD)).submit('/admin/otp/register', '/admin/otp/register', {
      credentialId: token.credentialId, otp: token.code(), approvalPassword: 'Approve-Pass-1',
    });
    expect(registered.status).toBe(303);
    expect(readPage((await userClient.get('/transfers/new')).text).field('金融機関コード')?.name).toBe('bankCode');
  });

  test('when OTP has not started, then a user without a token still gets the form (the 送信確認パスワード confirms)', async () => {
    const { company } = await givenContract(ctx.deps);
    const user = await givenUser(ctx.deps, company.id);
    const client = await signedIn(user.loginId, USER_PASSWORD);

    const page = readPage((await client.get('/transfers/new')).text);

    expect(page.field('金融機関コード')?.name).toBe('bankCode');
    expect(page.errors()).toEqual([]);
  });
});
