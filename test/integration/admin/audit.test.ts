import { createTestContext, type TestContext } from '../../helpers/app';
import { FormClient } from '../../helpers/client';
import { ADMIN_PASSWORD, givenContract } from '../../helpers/fixtures';

const bodyRows = (html: string): number => (/<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '').split('<tr>').length - 1;

describe('操作履歴 (the company\'s audit log)', () => {
  let ctx: TestContext;
  beforeEach(() => {
    ctx = createTestContext();
  });

  test('when the administrator opens 操作履歴, then only the own company\'s rows are shown', async () => {
    const other = await givenContract(ctx.deps);
    await new FormClient(ctx.app).login(other.admin.loginId, ADMIN_PASSWORD);
    const { admin } = await givenContract(ctx.deps);
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD);

    const res = await client.get('/admin/audit');

    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>操作履歴</h1>');
    expect(res.text).toContain(admin.loginId);
    expect(res.text).toContain('ログイン');
    expect(res.text).not.toContain(other.admin.loginId);
  });

  test('when there are more than 20 rows, then they are paged newest first and an odd page number is clamped', async () => {
    const { admin, company } = await givenContract(ctx.deps);
    const actor = { type: 'user' as const, id: admin.loginId, companyId: company.id, clientIp: '192.0.2.1' };
    for (let i = 1; i <= 23; i += 1) {
      ctx.clock.advance(1000);
      ctx.deps.audit.record(actor, { event: 'user.add', outcome: 'success', subject: `row-${String(i).padStart(2, '0')}` });
    }
    const client = new FormClient(ctx.app);
    await client.login(admin.loginId, ADMIN_PASSWORD); // 25 rows with contract.open and this login

    const first = await client.get('/admin/audit');
    const second = await client.get('/admin/audit?page=2');
    const beyond = await client.get('/admin/audit?page=99');
    const odd = await client.get('/admin/audit?page=abc');

    expect(bodyRows(first.text)).toBe(20);
    expect(first.text).toContain('1 / 2 ページ（全25件）');
    expect(first.text).toContain('href="?page=2"');
    expect(first.text.indexOf('row-23')).toBeLessThan(first.text.indexOf('row-22'));
    expect(first.text).not.toContain('row-03');
    expect(bodyRows(second.text)).toBe(5);
    expect(second.text).toContain('row-03');
    expect(second.text).toContain('契約登録');
    expect(beyond.text).toContain('2 / 2 ページ');
    expect(bodyRows(beyond.text)).toBe(5);
    expect(odd.text).toContain('1 / 2 ページ');
  });
});
