import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { givenContract, givenStaff, STAFF_PASSWORD } from '../../helpers/fixtures';

describe('操作履歴 and the separate branch listener', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext();
  });

  async function loggedInStaff(): Promise<FormClient> {
    const client = new FormClient(ctx.staffApp);
    await client.staffLogin(await givenStaff(ctx.deps), STAFF_PASSWORD);
    return client;
  }

  test('when staff open 操作履歴, then entries of every company are listed newest first with the company column', async () => {
    const a = await givenContract(ctx.deps, { name: '東町商店' });
    ctx.clock.advance(60_000);
    const b = await givenContract(ctx.deps, { name: '西町工業' });
    await new FormClient(ctx.app).login(b.admin.loginId, 'wrong-pass-1');
    const staff = await loggedInStaff();
    const res = await staff.get('/staff/audit');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>操作履歴</h1>');
    expect(res.text).toContain('<th scope="col">契約先</th>');
    const rows = res.text.split('<tr>').slice(2);
    const rowOf = (needle: string): number => rows.findIndex((r) => r.includes(needle));
    expect(rows[rowOf('西町工業')]).toContain('<td>ログイン</td>');
    expect(rowOf('行員ログイン')).toBe(0);
    expect(rowOf('西町工業')).toBeLessThan(rowOf(`<td>${a.admin.loginId}</td>`));
    expect(rows[rowOf(`<td>${a.admin.loginId}</td>`)]).toContain('東町商店');
    expect(rows[rowOf(`<td>${a.admin.loginId}</td>`)]).toContain('契約登録');
  });

  test('when there are more entries than a page holds, then 操作履歴 is paged', async () => {
    for (let i = 0; i < 25; i += 1) await givenContract(ctx.deps);
    const staff = await loggedInStaff();
    const first = await staff.get('/staff/audit');
    expect(first.text).toContain('1 / 2 ページ（全27件）');
    const second = await staff.get('/staff/audit?page=2');
    expect(second.text).toContain('2 / 2 ページ（全27件）');
    expect(second.text.split('<tr>').length - 2).toBe(7);
  });

  test.each(['/login', '/', '/transfers/new', '/admin'])('when %s is asked of the branch listener, then it does not exist', async (path) => {
    const res = await new FormClient(ctx.staffApp).get(path);
    expect(res.status).toBe(404);
  });

  test.each(['/staff/login', '/staff/companies', '/staff/audit'])('when %s is asked of the customer site, then it does not exist', async (path) => {
    const res = await new FormClient(ctx.app).get(path);
    expect(res.status).toBe(404);
  });

  test('when a customer session cookie is sent to the branch listener, then it opens nothing', async () => {
    const { admin } = await givenContract(ctx.deps);
    const customer = new FormClient(ctx.app);
    const login = await customer.login(admin.loginId, 'Admin-Pass-1');
    const cookie = ((login.headers['set-cookie'] as unknown as string[]) ?? [])[0]!.split(';')[0]!;
    const res = await new FormClient(ctx.staffApp).agent.get('/staff/companies').set('Cookie', cookie.replace('webfb.sid', 'webfb.staff.sid'));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/login');
  });

  test('when a console page is served, then it carries the security headers and is not cached', async () => {
    const staff = await loggedInStaff();
    const res = await staff.get('/staff/companies');
    expect(res.headers['content-security-policy']).toContain("script-src 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBeDefined();
  });
});
