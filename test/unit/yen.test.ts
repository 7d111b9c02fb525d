import { parseYen } from '../../src/domain/yen';

const balance = { label: '残高', min: 0, max: 999_999_999_999 } as const;

describe('yen amounts', () => {
  test.each([
    ['0', 0],
    ['¥1,000', 1000],
    ['￥１，０００円', 1000],
    ['999,999,999,999', 999_999_999_999],
  ])('when a rule allows zero and %p is typed, then it is %p yen', (typed, yen) => {
    expect(parseYen(typed, balance)).toEqual({ ok: true, value: yen });
  });

  test.each([
    ['-1', '残高は0円以上の金額を入力してください。'],
    ['1,0000', '残高は数字で入力してください（例：1,000）。'],
    ['1,000,000,000,000', '残高は999,999,999,999円以内で入力してください。'],
    ['12.5', '残高は1円単位の整数で入力してください（小数点は使えません）。'],
  ])('when %p is typed, then the message names the field', (typed, message) => {
    expect(parseYen(typed, balance)).toEqual({ ok: false, message });
  });
});
