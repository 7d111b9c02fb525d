import type { Locator, Page } from 'playwright-core';
import type { Actor } from '../../src/services/auditLog';
import { ADMIN_PASSWORD, givenContract, givenStaff, STAFF_PASSWORD } from '../helpers/fixtures';
import { checkScreen, newPage, startWorld, WIDTHS, type BrowserWorld } from './helpers/browser';
import { follow, onScreen, press, signIn } from './helpers/customer';

/**
 * 操作履歴 on both sides, in a browser without scripts (issue 15): at 1280 px
 * every column fits the screen and at 360 px each entry is readable; nothing
 * is cut off, and no text breaks after every character.
 */

/** The little of the DOM the layout check reads (the project compiles without the DOM library). */
interface Box { top: number; right: number }
interface El {
  scrollWidth: number;
  clientWidth: number;
  textContent: string | null;
  parentElement: El;
  getBoundingClientRect(): Box;
  querySelectorAll(selector: string): Iterable<El>;
  ownerDocument: { documentElement: El; createRange(): { selectNodeContents(el: El): void; getClientRects(): Iterable<Box> } };
}

interface Layout {
  viewport: number;
  pageOverflow: number;
  tableOverflow: number;
  regionOverflow: number;
  tableRight: number;
  overflowingCells: string[];
  squeezedCells: string[];
}

/** Measures the table as laid out: overflow of the page, the table's region and each cell; characters per line of each cell. */
const layoutOf = (table: Locator): Promise<Layout> =>
  table.evaluate((el: El) => {
    const root = el.ownerDocument.documentElement;
    const cells = [...el.querySelectorAll('td, th')];
    const text = (c: El): string => (c.textContent ?? '').replace(/\s+/g, ' ').trim();
    const lines = (c: El): number => {
      const range = el.ownerDocument.createRange();
      range.selectNodeContents(c);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    };
    return {
      viewport: root.clientWidth,
      pageOverflow: root.scrollWidth - root.clientWidth,
      tableOverflow: el.scrollWidth - el.clientWidth,
      regionOverflow: el.parentElement.scrollWidth - el.parentElement.clientWidth,
      tableRight: el.getBoundingClientRect().right,
      overflowingCells: cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map(text),
      // A text of four or more characters averaging fewer than four per line has been squeezed into a sliver.
      squeezedCells: cells.filter((c) => text(c).length >= 4 && text(c).length / Math.max(1, lines(c)) < 4).map(text),
    };
  });

/** Nothing sticks out of the screen, the table's region or a cell, and no text stands one character per line. */
async function expectReadable(page: Page): Promise<void> {
  const layout = await layoutOf(page.getByRole('table', { name: '操作履歴' }));
  expect(layout).toEqual(expect.objectContaining({ pageOverflow: 0, tableOverflow: 0, regionOverflow: 0, overflowingCells: [], squeezedCells: [] }));
  expect(layout.tableRight).toBeLessThanOrEqual(layout.viewport);
}

const LONG_COMPANY = 'ブラウザ信用金庫テスト商事株式会社東日本営業本部';
const IPV6 = '2001:0db8:85a3:0000:0000:8a2e:0370:7334';

describe('操作履歴 in a browser without JavaScript, at 1280 and 360 px', () => {
  let world: BrowserWorld;
  let adminLoginId: string;
  let staffId: string;

  beforeAll(async () => {
    world = await startWorld();
    const { deps } = world.ctx;
    const { company, admin } = await givenContract(deps, { name: LONG_COMPANY });
    adminLoginId = admin.loginId;
    staffId = await givenStaff(deps);
    const user: Actor = { type: 'user', id: 'keiri.tanaka.hanako.longname01', companyId: company.id, clientIp: IPV6 };
    const branch: Actor = { type: 'staff', id: staffId, companyId: null, clientIp: '10.20.30.40' };
    // One entry of each kind a day is made of, with the longest values each column may hold.
    const entries: [Actor, string, 'success' | 'failure', string | null, string | null][] = [
      [user, 'login', 'failure', 'keiri.tanaka.hanako.longname01', 'failures=3'],
      [user, 'otp.verify', 'failure', 'keiri.tanaka.hanako.longname01', 'replayed failures=1'],
      [user, 'lock', 'success', 'keiri.tanaka.hanako.longname01', 'otp'],
      [user, 'transfer.confirm', 'failure', '#12', 'reason=insufficient amount=1200000'],
      [user, 'transfer.confirm', 'success', '20261126-000001', 'amount=30000 fee=440'],
      [user, 'otp.mode', 'success', null, 'individual'],
      [user, 'otp.register', 'success', 'keiri.tanaka.hanako.longname01', 'SYMC **** 5678'],
      [user, 'future.event', 'failure', null, 'Cannot-open-the-sealed-secret-of-token-12345-because-the-key-is-missing'],
      [{ ...branch, companyId: company.id }, 'otp.unregister', 'success', admin.loginId, '書面受付番号=RQ-2026-000123 届出印確認済 SYMC **** 5678'],
      [{ ...branch, companyId: company.id }, 'unlock', 'success', admin.loginId, 'login,transferPassword,approvalPassword,otp'],
      [{ type: 'system', id: 'cli', companyId: null, clientIp: null }, 'key.rotate', 'success', null, '40000 secret(s) re-sealed under key 2026-11-key-rotation-01'],
    ];
    for (const [actor, event, outcome, subject, detail] of entries) {
      world.ctx.clock.advance(1000);
      await deps.audit.record(actor, { event, outcome, subject, detail });
    }
  });
  afterAll(async () => world.close());

  test.each(Object.entries(WIDTHS))('when the administrator opens 操作履歴 at the %s width, then every column fits and reads in words', async (_name, width) => {
    const page = await newPage(world, width);
    await signIn(world, page, adminLoginId, ADMIN_PASSWORD);
    await page.goto(`${world.customerUrl}/admin/audit`);
    await onScreen(page, '操作履歴');

    const log = page.getByRole('table', { name: '操作履歴' });
    await expect(log.getByRole('row').filter({ hasText: '残高が不足していました（振込金額 1,200,000円）。' }).count()).resolves.toBe(1);
    await expect(log.getByText('当金庫（営業店）').first().isVisible()).resolves.toBe(true);
    await expect(page.content()).resolves.not.toContain(staffId);
    if (width === WIDTHS.desk) await checkScreen(world, page, 'audit-admin');
    await expectReadable(page);
  });

  test.each(Object.entries(WIDTHS))('when staff open the console\'s 操作履歴 at the %s width, then 接続元 and 詳細 are not cut off', async (_name, width) => {
    const page = await newPage(world, width);
    await page.goto(`${world.staffUrl}/staff/login`);
    await page.getByLabel('行員ID').fill(staffId);
    await page.getByLabel('パスワード').fill(STAFF_PASSWORD);
    await press(page, 'ログイン');
    await page.goto(`${world.staffUrl}/staff/audit`);
    await onScreen(page, '操作履歴');

    const log = page.getByRole('table', { name: '操作履歴' });
    await expect(log.getByText(IPV6).first().isVisible()).resolves.toBe(true);
    await expect(log.getByText('40000件のトークンの秘密情報を新しい鍵（2026-11-key-rotation-01）で暗号化し直しました。').isVisible()).resolves.toBe(true);
    if (width === WIDTHS.desk) await checkScreen(world, page, 'audit-console');
    await expectReadable(page);
  });

  test('when the administrator filters by day and operation, then the form keeps them and an invalid range is explained on the page', async () => {
    const page = await newPage(world, WIDTHS.phone);
    await signIn(world, page, adminLoginId, ADMIN_PASSWORD);
    await follow(page, '管理機能');
    await follow(page, '操作履歴');

    await page.getByLabel('開始日').fill('2026-11-26');
    await page.getByLabel('終了日').fill('2026-11-26');
    await page.getByLabel('操作', { exact: true }).selectOption({ label: '振込' });
    await press(page, '絞り込む');

    await onScreen(page, '操作履歴');
    await expect(page.getByText('絞り込み結果：2件').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('table', { name: '操作履歴' }).locator('tbody tr').count()).resolves.toBe(2);
    await expect(page.getByLabel('開始日').inputValue()).resolves.toBe('2026-11-26');
    await expect(page.getByLabel('操作', { exact: true }).inputValue()).resolves.toBe('transfer');
    await checkScreen(world, page, 'audit-admin-filtered');
    await expectReadable(page);

    await page.getByLabel('開始日').fill('2026-11-27');
    await press(page, '絞り込む');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('終了日は開始日と同じ日か、それより後の日付を入力してください。');
    await expect(page.getByRole('table', { name: '操作履歴' }).count()).resolves.toBe(0);
    await checkScreen(world, page, 'audit-admin-invalid');
  });
});
