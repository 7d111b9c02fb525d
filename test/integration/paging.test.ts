import { createTestContext, type TestContext } from '../helpers/app';
import { givenSignedInAdmin, givenSignedInStaff } from '../helpers/fixtures';
import type { FormClient } from '../helpers/client';
import { paginate } from '../../src/web/paging';

const ODD_PAGES = ['99999999999999999999', '9223372036854775808', '1e400', '-5', '0', 'abc', '2.5', ''];

/** Enough audit rows for two pages, so the last page is page 2. */
async function givenTwoPagesOfAudit(ctx: TestContext, companyId: number): Promise<void> {
  for (let i = 0; i < 25; i += 1) {
    await ctx.deps.audit.record({ type: 'system', id: 'test', companyId, clientIp: null }, { event: 'test.row', outcome: 'success' });
  }
}

describe('paging of every listing (issue 10: no page number is a 500)', () => {
  let ctx: TestContext;
  let admin: FormClient;
  let staff: FormClient;
  beforeEach(async () => {
    ctx = await createTestContext();
    const signedIn = await givenSignedInAdmin(ctx);
    admin = signedIn.client;
    staff = (await givenSignedInStaff(ctx)).staff;
    await givenTwoPagesOfAudit(ctx, signedIn.company.id);
  });

  const listings = () => [
    { name: '振込履歴', client: admin, path: '/transfers' },
    { name: '操作履歴', client: admin, path: '/admin/audit' },
    { name: 'the console’s 操作履歴', client: staff, path: '/staff/audit' },
    { name: 'the console’s 契約先検索', client: staff, path: '/staff/companies?q=%E3%83%86%E3%82%B9%E3%83%88' },
  ];

  test.each(ODD_PAGES)('when ?page=%j is asked of each listing, then it answers 200 with a page that exists', async (page) => {
    for (const { name, client, path } of listings()) {
      const res = await client.get(`${path}${path.includes('?') ? '&' : '?'}page=${encodeURIComponent(page)}`);
      expect([name, res.status]).toEqual([name, 200]);
      expect(res.text).not.toContain('datatype mismatch');
    }
  });

  test('when a page past the end is asked of the audit, then the last page is shown', async () => {
    const res = await admin.get('/admin/audit?page=99999999999999999999');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/2 \/ 2 ページ/);
  });
});

describe('paginate (pure)', () => {
  test.each([
    ['99999999999999999999', 3],
    ['-1', 1],
    ['abc', 1],
    ['2', 2],
    [['2', '3'], 1],
    [undefined, 1],
  ])('when ?page=%j of 3 pages is asked, then page %d is shown with a safe offset', (raw, page) => {
    const pager = paginate(raw, 60);
    expect(pager.page).toBe(page);
    expect(Number.isSafeInteger(pager.offset)).toBe(true);
  });
});
