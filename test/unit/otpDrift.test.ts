import { acceptedSteps, driftOf, inWindow, resyncSteps } from '../../src/domain/otpDrift';
import { daysLeft, defaultExpiry, expiryInstant, expiryState, formatExpiry, isCalendarDate, isExpired, jstDate } from '../../src/domain/tokenExpiry';
import { codeAtStep, matchConsecutiveSteps, matchStepIn } from '../../src/domain/totp';

const JST = (iso: string): number => Date.parse(`${iso}+09:00`);
const SEED = new Uint8Array(Buffer.from('12345678901234567890'));

describe('the window follows the recorded drift (RFC 6238 §6, issue 13)', () => {
  test('when no drift is recorded, then the window is R1\'s T−1…T+1', () => {
    expect(acceptedSteps(100, 0, 1)).toEqual({ from: 99, to: 101 });
  });

  test('when a drift of +5 is recorded, then the ±1 window is centred on T+5', () => {
    expect(acceptedSteps(100, 5, 1)).toEqual({ from: 104, to: 106 });
    expect(inWindow(103, acceptedSteps(100, 5, 1))).toBe(false);
  });

  test('when the wider window is asked, then it is ±OTP_RESYNC_WINDOW around the server\'s own step, whatever the drift', () => {
    expect(resyncSteps(100, 10)).toEqual({ from: 90, to: 110 });
  });

  test('when two consecutive codes end at step T+4, then the drift is +4', () => {
    expect(driftOf(104, 100)).toBe(4);
  });

  test('when a code is matched in a window, then the step is returned only inside it', () => {
    const code = codeAtStep(SEED, 106);
    expect(matchStepIn(SEED, code, acceptedSteps(100, 5, 1))).toBe(106);
    expect(matchStepIn(SEED, code, acceptedSteps(100, 0, 1))).toBeNull();
  });

  test('when two codes are consecutive, then the first step is found; out of order or with a gap, nothing', () => {
    const window = resyncSteps(100, 10);
    expect(matchConsecutiveSteps(SEED, codeAtStep(SEED, 95), codeAtStep(SEED, 96), window)).toBe(95);
    expect(matchConsecutiveSteps(SEED, codeAtStep(SEED, 96), codeAtStep(SEED, 95), window)).toBeNull();
    expect(matchConsecutiveSteps(SEED, codeAtStep(SEED, 95), codeAtStep(SEED, 97), window)).toBeNull();
    expect(matchConsecutiveSteps(SEED, codeAtStep(SEED, 120), codeAtStep(SEED, 121), window)).toBeNull();
  });
});

describe('有効期限 arithmetic (issue 13)', () => {
  test('when the 有効期限 is 2029-11-26, then it is valid through 23:59:59.999 JST and expired from 00:00:00 JST the next day', () => {
    expect(expiryInstant('2029-11-26')).toBe(JST('2029-11-27T00:00:00'));
    expect(isExpired('2029-11-26', JST('2029-11-26T23:59:59.999'))).toBe(false);
    expect(isExpired('2029-11-26', JST('2029-11-27T00:00:00'))).toBe(true);
  });

  test('when a token is made, then it expires on the same JST day three years on; 29 February gives 28 February', () => {
    expect(defaultExpiry(JST('2026-11-26T10:00:00'))).toBe('2029-11-26');
    expect(defaultExpiry(JST('2026-11-26T23:30:00'))).toBe('2029-11-26');
    expect(defaultExpiry(Date.parse('2026-11-26T15:30:00Z'))).toBe('2029-11-27'); // 00:30 JST the next day
    expect(defaultExpiry(JST('2028-02-29T12:00:00'))).toBe('2031-02-28');
  });

  test('when the notice period is counted, then 61 days before is valid, 60 days before and the day itself are soon', () => {
    expect(expiryState('2027-01-26', JST('2026-11-26T10:00:00'))).toBe('valid');
    expect(daysLeft('2027-01-26', JST('2026-11-27T00:00:00'))).toBe(60);
    expect(expiryState('2027-01-26', JST('2026-11-27T00:00:00'))).toBe('soon');
    expect(expiryState('2027-01-26', JST('2027-01-26T23:59:59'))).toBe('soon');
    expect(expiryState('2027-01-26', JST('2027-01-27T00:00:00'))).toBe('expired');
  });

  test('when dates are read and shown, then only real YYYY-MM-DD dates pass and they read in Japanese', () => {
    expect(['2027-02-28', '2028-02-29'].map(isCalendarDate)).toEqual([true, true]);
    expect(['2027-02-29', '2027-13-01', '27-01-01', '2027/01/01'].map(isCalendarDate)).toEqual([false, false, false, false]);
    expect(formatExpiry('2029-01-05')).toBe('2029年1月5日');
    expect(jstDate(Date.parse('2026-11-26T15:00:00Z'))).toBe('2026-11-27');
  });
});
