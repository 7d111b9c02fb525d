import { formatJstDateTime } from '../../src/domain/jst';
import { formatYenAmount } from '../../src/domain/yen';

// The formats Intl writes, kept here as the oracle the hand-written ones must match.
const intlJst = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});
const intlYen = new Intl.NumberFormat('ja-JP');

/** A fixed pseudo-random sequence (xorshift), so a failure names the same instants every run. */
function* samples(count: number, seed: number): Generator<number> {
  let x = seed;
  for (let i = 0; i < count; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield (x >>> 0) / 2 ** 32;
  }
}

describe('formats shown on screens and in mail', () => {
  test.each([
    [Date.UTC(2026, 10, 25, 15, 0, 0), '2026/11/26 00:00:00'],
    [Date.UTC(2026, 11, 31, 14, 59, 59, 999), '2026/12/31 23:59:59'],
    [Date.UTC(2028, 1, 28, 15, 0, 0), '2028/02/29 00:00:00'],
    [0, '1970/01/01 09:00:00'],
  ])('when the instant is %p then Japan time reads %p', (ms, text) => {
    expect(formatJstDateTime(ms)).toBe(text);
  });

  test('when any instant from 2000 to 2100 is formatted then the text is what Intl writes for Asia/Tokyo', () => {
    const from = Date.UTC(2000, 0, 1);
    const span = Date.UTC(2100, 0, 1) - from;
    for (const r of samples(20_000, 0x2545f491)) {
      const ms = from + Math.floor(r * span);
      expect(formatJstDateTime(ms)).toBe(intlJst.format(new Date(ms)));
    }
  });

  test.each([
    [0, '0円'], [7, '7円'], [999, '999円'], [1_000, '1,000円'], [440, '440円'], [12_345, '12,345円'],
    [1_000_000, '1,000,000円'], [999_999_999_999, '999,999,999,999円'], [-1_234, '-1,234円'],
  ])('when the amount is %p then it reads %p', (yen, text) => {
    expect(formatYenAmount(yen)).toBe(text);
  });

  test('when any whole amount is formatted then the text is what Intl writes for ja-JP', () => {
    for (const r of samples(20_000, 0x9e3779b9)) {
      const yen = Math.floor(r ** 4 * 2 * 10 ** (1 + Math.floor(r * 13))) - (r < 0.1 ? 10 ** 6 : 0);
      expect(formatYenAmount(yen)).toBe(`${intlYen.format(yen)}円`);
    }
  });
});
