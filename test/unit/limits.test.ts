import { allowance, excess, invalidLimits, jstDay, raises, within } from '../../src/domain/limits';

describe('振込限度額 (issue 13, item 1): the pure rules', () => {
  test('when the time is 23:59:59.999 or 00:00 JST, then the JST day is the one of Japan, not of UTC', () => {
    const midnightJst = Date.UTC(2026, 10, 26, 15, 0, 0); // 2026-11-27 00:00 JST
    expect(jstDay(midnightJst - 1)).toEqual({ start: midnightJst - 86_400_000, end: midnightJst });
    expect(jstDay(midnightJst)).toEqual({ start: midnightJst, end: midnightJst + 86_400_000 });
  });

  test('when a user has own limits, then the lower of user and company applies, and unset takes the company\'s', () => {
    const company = { perTransfer: 1_000_000, daily: 3_000_000 };
    expect(within({ perTransfer: 500_000, daily: null }, company)).toEqual({ perTransfer: 500_000, daily: 3_000_000 });
    expect(within({ perTransfer: 2_000_000, daily: 100 }, company)).toEqual({ perTransfer: 1_000_000, daily: 100 });
  });

  test('when the company and the user transferred today, then the remainder is the smaller of both daily remainders', () => {
    const company = { perTransfer: 1_000_000, daily: 3_000_000 };
    const a = allowance(company, { perTransfer: null, daily: 1_000_000 }, { company: 2_500_000, user: 200_000 });
    expect(a.remainingToday).toBe(500_000);
    expect(excess(500_000, a)).toBeNull();
    expect(excess(500_001, a)).toBe('daily');
    expect(excess(1_000_001, allowance(company, { perTransfer: null, daily: null }, { company: 0, user: 0 }))).toBe('perTransfer');
  });

  test('when limits above the level over them are asked, then they are refused (user <= company <= bank, 1回 <= 1日)', () => {
    const bank = { perTransfer: 1_000_000, daily: 3_000_000 };
    expect(invalidLimits({ perTransfer: 1_000_001, daily: 1 }, bank)).toBe('perTransferAbove');
    expect(invalidLimits({ perTransfer: 1, daily: 3_000_001 }, bank)).toBe('dailyAbove');
    expect(invalidLimits({ perTransfer: 900_000, daily: 800_000 }, bank)).toBe('perTransferOverDaily');
    expect(invalidLimits({ perTransfer: 800_000, daily: 800_000 }, bank)).toBeNull();
    expect(raises({ perTransfer: 5, daily: 10 }, { perTransfer: 5, daily: 11 })).toBe(true);
    expect(raises({ perTransfer: 5, daily: 10 }, { perTransfer: 4, daily: 10 })).toBe(false);
  });
});
