import { codeAt, codeAtStep, matchStep, otpauthUri, OtpauthUriError, parseOtpauthUri, stepAt } from '../../src/domain/totp';

// RFC 6238 Appendix B, the SHA-1 rows: the ASCII seed "12345678901234567890".
const RFC_SEED = new Uint8Array(Buffer.from('12345678901234567890', 'ascii'));
const RFC_SHA1_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP core (RFC 6238, R1)', () => {
  test.each(RFC_SHA1_VECTORS)('when the time is %p s, then the 8-digit code is the RFC value %p', (seconds, code) => {
    expect(codeAt(RFC_SEED, seconds * 1000, 8)).toBe(code);
  });

  test.each(RFC_SHA1_VECTORS)('when the time is %p s, then the 6-digit code (the vendor parameters) is the last six digits and matches at that step', (seconds, code) => {
    const six = code.slice(-6);
    expect(codeAt(RFC_SEED, seconds * 1000)).toBe(six);
    expect(matchStep(RFC_SEED, six, seconds * 1000, 1)).toBe(stepAt(seconds * 1000));
  });

  describe('the window of ±1 step', () => {
    const now = 1_800_000_000_000; // a step boundary: 60_000_000 × 30 s
    const step = stepAt(now);
    test.each([
      [-1, step - 1],
      [0, step],
      [1, step + 1],
    ])('when the code of step T%+d is entered, then it is accepted and its own step is returned', (offset, expected) => {
      expect(matchStep(RFC_SEED, codeAtStep(RFC_SEED, step + offset), now, 1)).toBe(expected);
    });

    test.each([-2, 2])('when the code of step T%+d is entered, then it is refused', (offset) => {
      const code = codeAtStep(RFC_SEED, step + offset);
      // Guard: the refused code must not collide with one inside the window.
      const inside = [-1, 0, 1].map((o) => codeAtStep(RFC_SEED, step + o));
      expect(inside).not.toContain(code);
      expect(matchStep(RFC_SEED, code, now, 1)).toBeNull();
    });

    test('when the window is configured to 0, then only the current step is accepted', () => {
      expect(matchStep(RFC_SEED, codeAtStep(RFC_SEED, step), now, 0)).toBe(step);
      expect(matchStep(RFC_SEED, codeAtStep(RFC_SEED, step - 1), now, 0)).toBeNull();
    });

    test('when the last millisecond of a step is reached, then the step has not yet changed', () => {
      expect(stepAt(now + 29_999)).toBe(step);
      expect(stepAt(now + 30_000)).toBe(step + 1);
    });
  });

  test.each(['', '12345', '1234567', 'abcdef', '12 345'])('when %p is entered, then nothing matches', (typed) => {
    expect(matchStep(RFC_SEED, typed, 59_000, 1)).toBeNull();
  });
});

describe('otpauth URIs (token import and the demo QR code)', () => {
  const base32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC_SEED in base32

  test('when a URI is written for a credential, then it has the VIP Access label, the issuer and the vendor parameters', () => {
    const uri = otpauthUri('SYMC12345678', RFC_SEED);
    expect(uri).toMatch(/^otpauth:\/\/totp\/VIP%20Access:SYMC12345678\?/);
    expect(uri).toContain('issuer=Symantec');
    expect(uri).toContain(`secret=${base32}`);
    expect(uri).toContain('algorithm=SHA1');
    expect(uri).toContain('digits=6');
    expect(uri).toContain('period=30');
  });

  test.each([
    `otpauth://totp/VIP%20Access:SYMC12345678?secret=${base32}&issuer=Symantec&algorithm=SHA1&digits=6&period=30`,
    `otpauth://totp/VIP%20Access:SYMC12345678?secret=${base32}`,
  ])('when %s is read, then the label and the secret come back', (uri) => {
    const parsed = parseOtpauthUri(uri);
    expect(parsed.label).toBe('SYMC12345678');
    expect(Buffer.from(parsed.secret)).toEqual(Buffer.from(RFC_SEED));
  });

  test.each([
    ['not a uri', 'not-a-uri'],
    ['HOTP', `otpauth://hotp/VIP%20Access:SYMC12345678?secret=${base32}&counter=0`],
    ['SHA256', `otpauth://totp/VIP%20Access:SYMC12345678?secret=${base32}&algorithm=SHA256`],
    ['8 digits', `otpauth://totp/VIP%20Access:SYMC12345678?secret=${base32}&digits=8`],
    ['60 s', `otpauth://totp/VIP%20Access:SYMC12345678?secret=${base32}&period=60`],
    ['a short secret', 'otpauth://totp/VIP%20Access:SYMC12345678?secret=GEZDGNBV'],
  ])('when the URI is %s, then it is refused', (_name, uri) => {
    expect(() => parseOtpauthUri(uri)).toThrow(OtpauthUriError);
  });
});
