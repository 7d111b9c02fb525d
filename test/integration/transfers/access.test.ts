import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, auditEvents, givenContract, givenUser, TRANSFER_PASSWORD, USER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import type { User } from '../../../src/repositories/users';

const validForm = VALID_TRANSFER_FORM;

describe('who may see and confirm which transfer (R10, DESIGN §6)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });

  async function clientOf(user: User, password: string): Promise<FormClient> {
    const client = new FormClient(ctx.app);
    expect((await client.login(user.loginId, password)).status).toBe(303);
    return client;
  }

  async function draft(client: FormClient, payeeName = validForm.payeeName): Promise<number> {
    const res = await client.submit('/transfers/new', '/transfers', { ...validForm, payeeName });
    expect(res.status).toBe(303);
    return Number(/^\/transfers\/(\d+)\/confirm$/.exec(res.headers.location as string)![1]);
  }

  async function completed(client: FormClient, payeeName?: string): Promise<number> {
    const id = await draft(client, payeeName);
    const res = await client.submit(`/transfers/${id}/confirm`, `/transfers/${id}/confirm`, { transferPassword: TRANSFER_PASSWORD });
    expect(res.status).toBe(303);
    return id;
  }

  test("when a user opens or confirms another user's draft, then it does not exist for them and nothing is executed", async () => {
    const { company } = await givenContract(ctx.deps);
    const owner = await clientOf(await givenUser(ctx.deps, company.id), USER_PASSWORD);
    const intruder = await clientOf(await givenUser(ctx.deps, company.id), USER_PASSWORD);
    const id = await draft(owner);
    await intruder.get('/transfers/new'); // a page with a valid token for the intruder's own session

    expect((await intruder.get(`/transfers/${id}/confirm`)).status).toBe(404);
    expect((await intruder.get(`/transfers/${id}`)).status).toBe(404);
    const post = await intruder.post(`/transfers/${id}/confirm`, { transferPassword: TRANSFER_PASSWORD });

    expect(post.status).toBe(404);
    expect((await ctx.deps.repos.transfers.find(id))!.status).toBe('draft');
    expect((await ctx.deps.repos.companies.find(company.id))!.balance).toBe(1_000_000);
    expect(await auditEvents(ctx.deps, 'transfer.confirm')).toHaveLength(0);
  });

  test("when the administrator opens a user's draft, then it does not exist for them either", async () => {
    const { company, admin } = await givenContract(ctx.deps);
    const id = await draft(await clientOf(await givenUser(ctx.deps, company.id), USER_PASSWORD));
    const adminClient = await clientOf(admin, ADMIN_PASSWORD);
    expect((await adminClient.get(`/transfers/${id}`)).status).toBe(404);
    expect((await adminClient.get(`/transfers/${id}/confirm`)).status).toBe(404);
  });

  test("when another company's transfer ids are used, then every screen answers 404 and nothing is executed", async () => {
    const a = await givenContract(ctx.deps);
    const b = await givenContract(ctx.deps);
    const aClient = await clientOf(a.admin, ADMIN_PASSWORD);
    const done = await completed(aClient);
    const pending = await draft(aClient);
    const bClient = await clientOf(b.admin, ADMIN_PASSWORD);
    await bClient.get('/transfers/new');

    for (const id of [done, pending]) {
      expect((await bClient.get(`/transfers/${id}`)).status).toBe(404);
      expect((await bClient.get(`/transfers/${id}/confirm`)).status).toBe(404);
      expect((await bClient.post(`/transfers/${id}/confirm`, { transferPassword: TRANSFER_PASSWORD })).status).toBe(404);
    }
    expect((await ctx.deps.repos.transfers.find(pending))!.status).toBe('draft');
    expect((await ctx.deps.repos.companies.find(a.company.id))!.balance).toBe(999_000);
    expect((await ctx.deps.repos.companies.find(b.company.id))!.balance).toBe(1_000_000);
    expect((await bClient.get('/transfers')).text).not.toContain('ﾔﾏﾀﾞ');
  });

  test.each(['/transfers/abc', '/transfers/0', '/transfers/99999', '/transfers/1e3/confirm', '/transfers/99999999999999999999'])(
    'when %s is opened, then it is not found',
    async (path) => {
      const { admin } = await givenContract(ctx.deps);
      const client = await clientOf(admin, ADMIN_PASSWORD);
      expect((await client.get(path)).status).toBe(404);
    },
  );

  test('when a user without transfer authority opens the input page or posts, then it is refused with 403 and nothing is written', async () => {
    const { company } = await givenContract(ctx.deps);
    const viewer = await givenUser(ctx.deps, company.id, { canTransfer: false });
    const client = await clientOf(viewer, USER_PASSWORD);
    const menu = await client.get('/');
    expect(menu.text).not.toContain('href="/transfers/new"');

    expect((await client.get('/transfers/new')).status).toBe(403);
    expect((await client.post('/transfers', validForm)).status).toBe(403);
    expect((await client.get('/transfers/1/confirm')).status).toBe(403);
    expect((await client.post('/transfers/1/confirm', { transferPassword: TRANSFER_PASSWORD })).status).toBe(403);

    expect(await scalar(ctx.storage, 'SELECT count(*) FROM transfers')).toBe(0);
    expect((await client.get('/transfers')).status).toBe(200);
  });

  test('when nobody is logged in, then every transfer screen leads to the login page', async () => {
    const client = new FormClient(ctx.app);
    for (const path of ['/transfers', '/transfers/new', '/transfers/1', '/transfers/1/confirm']) {
      const res = await client.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
    }
  });

  test("when the administrator opens 振込履歴, then it shows the company's transfers with who made each; a user sees only their own", async () => {
    const { company, admin } = await givenContract(ctx.deps);
    const alice = await givenUser(ctx.deps, company.id);
    const bob = await givenUser(ctx.deps, company.id);
    const adminClient = await clientOf(admin, ADMIN_PASSWORD);
    const aliceClient = await clientOf(alice, USER_PASSWORD);
    const aliceTransfer = await completed(aliceClient, 'ｱﾘｽ');
    await completed(await clientOf(bob, USER_PASSWORD), 'ﾎﾞﾌﾞ');
    await completed(adminClient, 'ｶﾝﾘ');
    await draft(aliceClient, 'ｼﾀｶﾞｷ'); // drafts are not history

    const all = await adminClient.get('/transfers');
    expect(all.status).toBe(200);
    expect(all.text).toContain('<h1>振込履歴</h1>');
    for (const payee of ['ｱﾘｽ', 'ﾎﾞﾌﾞ', 'ｶﾝﾘ']) expect(all.text).toContain(payee);
    for (const name of [alice.name, bob.name, admin.name]) expect(all.text).toContain(`<td>${name}</td>`);
    expect(all.text).not.toContain('ｼﾀｶﾞｷ');

    const own = await aliceClient.get('/transfers');
    expect(own.text).toContain('ｱﾘｽ');
    expect(own.text).not.toContain('ﾎﾞﾌﾞ');
    expect(own.text).not.toContain('ｶﾝﾘ');
    expect(own.text).not.toContain('依頼者');

    // The administrator may open any completed 明細 of the company.
    const detail = await adminClient.get(`/transfers/${aliceTransfer}`);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain(alice.name);
  });

  test('when there are more transfers than fit on a page, then 振込履歴 is paged', async () => {
    const { company, admin } = await givenContract(ctx.deps, { balance: 10_000_000 });
    const { transfers } = ctx.deps.repos;
    const now = ctx.clock.now();
    for (let i = 1; i <= 21; i += 1) {
      const id = await transfers.insertDraft({
        ...validForm,
        accountType: 'ordinary',
        amount: i,
        payeeName: `ﾃｽﾄ${i}`,
        bankName: 'みずほ',
        branchName: '戸越',
        fee: 0,
        companyId: company.id,
        userId: admin.id,
        createdAt: now,
        expiresAt: now + 60_000,
      });
      await transfers.complete(id, 'transferPassword', now, '20261126');
    }
    const client = await clientOf(admin, ADMIN_PASSWORD);

    const first = await client.get('/transfers');
    const second = await client.get('/transfers?page=2');

    expect(first.text).toContain('1 / 2 ページ（全21件）');
    expect(first.text).toContain('ﾃｽﾄ21');
    expect(first.text).not.toContain('ﾃｽﾄ1<');
    expect(second.text).toContain('ﾃｽﾄ1<');
    expect((await client.get('/transfers?page=99')).text).toContain('2 / 2 ページ');
  });
});
