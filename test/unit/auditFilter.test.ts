import { parseAuditFilter } from '../../src/web/auditFilter';

const JST = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) - 9 * 3_600_000;

describe('操作履歴 filter (JST calendar days, both inclusive)', () => {
  test('when nothing is asked, then every entry of every event is listed and the pager carries nothing', () => {
    const filter = parseAuditFilter({}, 'customer');
    expect(filter).toMatchObject({ ok: true, filtered: false, pagerQuery: '', query: { events: null } });
  });

  test('when 開始日 and 終了日 are the same day, then the range is that whole JST day, from midnight to the next midnight', () => {
    const filter = parseAuditFilter({ from: '2026-11-27', to: '2026-11-27' }, 'customer');
    expect(filter).toMatchObject({ ok: true, query: { from: JST(2026, 11, 27), to: JST(2026, 11, 28) } });
  });

  test('when dates are typed with slashes or full-width digits, then they are read and kept in the ISO form the date field takes', () => {
    const filter = parseAuditFilter({ from: '２０２６/４/１', to: '2026/04/30', operation: 'login' }, 'customer');
    expect(filter).toMatchObject({ ok: true, values: { from: '2026-04-01', to: '2026-04-30', operation: 'login' } });
    expect(filter.ok && filter.pagerQuery).toBe('from=2026-04-01&to=2026-04-30&operation=login');
    expect(filter.ok && filter.query.events).toEqual(['login', 'logout', 'staff.login', 'staff.logout']);
  });

  test.each([
    ['a day that does not exist', { from: '2026-02-30' }, 'from'],
    ['a month that does not exist', { to: '2026-13-01' }, 'to'],
    ['words', { from: 'yesterday' }, 'from'],
    ['a repeated parameter', { from: ['2026-04-01', '2026-04-02'] }, 'from'],
    ['a 和暦-like two-digit year', { to: '08-04-01' }, 'to'],
  ])('when 開始日 or 終了日 is %s, then that field gets a message and nothing is listed', (_case, query, field) => {
    const filter = parseAuditFilter(query, 'customer');
    expect(filter.ok).toBe(false);
    expect(!filter.ok && Object.keys(filter.errors)).toEqual([field]);
  });

  test('when 終了日 is before 開始日, then 終了日 says so', () => {
    const filter = parseAuditFilter({ from: '2026-04-30', to: '2026-04-01' }, 'staff');
    expect(!filter.ok && filter.errors).toEqual({ to: '終了日は開始日と同じ日か、それより後の日付を入力してください。' });
  });

  test('when the operation is not in the list, or is a bank-only group on the customer side, then it is refused', () => {
    expect(parseAuditFilter({ operation: 'drop table' }, 'staff').ok).toBe(false);
    expect(parseAuditFilter({ operation: 'bank' }, 'customer').ok).toBe(false);
    expect(parseAuditFilter({ operation: 'bank' }, 'staff')).toMatchObject({ ok: true, query: { events: ['staff.add', 'token.provision', 'token.import', 'key.rotate'] } });
  });
});
