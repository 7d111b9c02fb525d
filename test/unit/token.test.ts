import { credentialIdField, groupCredentialId, maskCredentialId, normalizeCredentialId, otpField, PC_TOKEN_MESSAGE, platformOf } from '../../src/domain/token';

describe('credential IDs (R3)', () => {
  test.each([
    ['SYMC12345678', 'SYMC12345678'],
    ['symc12345678', 'SYMC12345678'],
    ['SYMC 1234 5678', 'SYMC12345678'],
    ['  SYMC-1234-5678 ', 'SYMC12345678'],
    ['ＳＹＭＣ１２３４５６７８', 'SYMC12345678'],
    ['ｓｙｍｃ　１２３４　５６７８', 'SYMC12345678'],
  ])('when %p is typed, then it is read as %p', (typed, id) => {
    expect(normalizeCredentialId(typed)).toBe(id);
    expect(credentialIdField.safeParse(typed)).toEqual({ success: true, data: id });
  });

  test.each([
    ['SYMC', 'mobile'],
    ['VSMT', 'mobile'],
    ['SYDC', 'desktop'],
    ['VSST', 'desktop'],
    ['ABCD', undefined],
  ])('when the prefix is %s, then the platform is %s', (prefix, platform) => {
    expect(platformOf(`${prefix}12345678`)).toBe(platform);
  });

  test.each(['SYDC12345678', 'vsst 1234 5678'])('when the PC token %p is typed, then the message says PC tokens cannot be used (manual §2)', (typed) => {
    const parsed = credentialIdField.safeParse(typed);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([PC_TOKEN_MESSAGE]);
  });

  test.each([
    ['', 'トークンIDを入力してください。'],
    ['SYMC1234567', 'トークンIDは英字4文字と数字8桁（例：SYMC12345678）で入力してください。'],
    ['ABCD12345678', 'このトークンIDはご利用になれません。VIP Accessに表示されているトークンIDを入力してください。'],
  ])('when %p is typed, then one clear message is given', (typed, message) => {
    const parsed = credentialIdField.safeParse(typed);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([message]);
  });

  test('when an ID is shown, then it is grouped as the app shows it, and masked where it is not being entered', () => {
    expect(groupCredentialId('SYMC12345678')).toBe('SYMC 1234 5678');
    expect(maskCredentialId('SYMC12345678')).toBe('SYMC **** 5678');
  });
});

describe('one-time password input (R4)', () => {
  test.each([
    ['123456', '123456'],
    ['１２３４５６', '123456'],
    [' 123 456 ', '123456'],
    ['123-456', '123456'],
  ])('when %p is typed, then it is read as %p', (typed, code) => {
    expect(otpField.safeParse(typed)).toEqual({ success: true, data: code });
  });

  test.each([
    ['', 'ワンタイムパスワードを入力してください。'],
    ['12345', 'ワンタイムパスワードは数字6桁で入力してください。'],
    ['12345a', 'ワンタイムパスワードは数字6桁で入力してください。'],
  ])('when %p is typed, then the message is %p', (typed, message) => {
    expect(otpField.safeParse(typed).error?.issues[0]?.message).toBe(message);
  });
});
