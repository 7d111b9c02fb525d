import { amountRule, toZenginKana, transferInputSchema } from '../../src/domain/zengin';
import { parseYen } from '../../src/domain/yen';
import { VALID_TRANSFER_FORM } from '../helpers/fixtures';

const LIMIT = 10_000_000;
const valid = VALID_TRANSFER_FORM;
const firstMessage = (field: string, value: unknown): string | undefined =>
  transferInputSchema(LIMIT)
    .safeParse({ ...valid, [field]: value })
    .error?.issues.find((i) => i.path[0] === field)?.message;

describe('payee names in zengin half-width katakana (受取人名)', () => {
  test.each([
    ['hiragana with a full-width space', 'やまだ　たろう', 'ﾔﾏﾀﾞ ﾀﾛｳ'],
    ['full-width katakana', 'ヤマダタロウ', 'ﾔﾏﾀﾞﾀﾛｳ'],
    ['half-width katakana as sent', 'ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ', 'ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ'],
    ['small kana', 'キャッシュ', 'ｷﾔﾂｼﾕ'],
    ['small a-row kana', 'ァィゥェォ', 'ｱｲｳｴｵ'],
    ['the long vowel mark', 'パーティー', 'ﾊﾟ-ﾃｲ-'],
    ['lower-case and full-width letters', 'abc（ｋａｂｕ）', 'ABC(KABU)'],
    ['voiced ヴ', 'ヴァイオリン', 'ｳﾞｱｲｵﾘﾝ'],
    ['ヶ and ヰ', 'ヶヰ', 'ｹｲ'],
    ['surrounding spaces', '  ヤマダ  ', 'ﾔﾏﾀﾞ'],
  ])('when the clerk types %s, then it becomes zengin kana', (_case, typed, expected) => {
    expect(toZenginKana(typed)).toBe(expected);
  });

  test('when the payee is typed in hiragana, then the form accepts it as half-width kana', () => {
    const parsed = transferInputSchema(LIMIT).parse({ ...valid, payeeName: 'かぶしきがいしゃ　やまだ' });
    expect(parsed.payeeName).toBe('ｶﾌﾞｼｷｶﾞｲｼﾔ ﾔﾏﾀﾞ');
  });

  test.each([
    ['kanji', '山田太郎'],
    ['an emoji', 'ﾔﾏﾀﾞ😀'],
    ['a symbol outside zengin', 'ﾔﾏﾀﾞ＆ｺ'],
  ])('when the payee contains %s, then it is refused asking for kana', (_case, typed) => {
    expect(firstMessage('payeeName', typed)).toMatch(/受取人名はカナで入力/);
  });

  test('when the payee is longer than 30 zengin characters, then it is refused', () => {
    expect(firstMessage('payeeName', 'ア'.repeat(30))).toBeUndefined();
    // ガ is two zengin characters (ｶﾞ): 16 of them are 32.
    expect(firstMessage('payeeName', 'ガ'.repeat(16))).toBe('受取人名は半角カナに換算して30文字以内で入力してください。');
  });

  test('when the payee is empty or missing, then it asks for it', () => {
    expect(firstMessage('payeeName', '　')).toBe('受取人名を入力してください。');
    expect(firstMessage('payeeName', undefined)).toBe('受取人名を入力してください。');
  });
});

describe('amounts (振込金額)', () => {
  test.each([
    ['1000', 1000],
    ['1,000', 1000],
    ['１,０００', 1000],
    ['１，０００，０００', 1_000_000],
    [' 0500 ', 500],
    ['10,000,000', LIMIT],
  ])('when %p is typed, then it is %p yen', (typed, yen) => {
    expect(parseYen(typed, amountRule(LIMIT))).toEqual({ ok: true, value: yen });
  });

  test.each([
    ['nothing', '', '振込金額を入力してください。'],
    ['zero', '0', '振込金額は1円以上の金額を入力してください。'],
    ['zeros', '000', '振込金額は1円以上の金額を入力してください。'],
    ['a negative amount', '-1000', '振込金額は1円以上の金額を入力してください。'],
    ['a full-width negative amount', '－１０００', '振込金額は1円以上の金額を入力してください。'],
    ['a decimal', '1000.5', '振込金額は1円単位の整数で入力してください（小数点は使えません）。'],
    ['misplaced commas', '1,00', '振込金額は数字で入力してください（例：1,000）。'],
    ['an exponent', '1e6', '振込金額は数字で入力してください（例：1,000）。'],
    ['kanji', '千円', '振込金額は数字で入力してください（例：1,000）。'],
    ['one yen over the limit', '10,000,001', '振込金額は10,000,000円以内で入力してください。'],
    ['a 400-digit number', '9'.repeat(400), '振込金額は10,000,000円以内で入力してください。'],
  ])('when %s is typed, then it is refused with a message', (_case, typed, message) => {
    expect(parseYen(typed, amountRule(LIMIT))).toEqual({ ok: false, message });
  });

  test('when the limit is configured lower, then the message shows that limit', () => {
    expect(parseYen('500,001', amountRule(500_000))).toEqual({ ok: false, message: '振込金額は500,000円以内で入力してください。' });
  });

  test('when the amount is not a string at all, then it asks for it', () => {
    expect(firstMessage('amount', undefined)).toBe('振込金額を入力してください。');
  });
});

describe('codes and account numbers', () => {
  test('when full-width digits are typed, then they are accepted as ASCII digits', () => {
    const parsed = transferInputSchema(LIMIT).parse({
      ...valid,
      bankCode: '０００１',
      branchCode: '１２３',
      accountNumber: '１２３４５６７',
    });
    expect(parsed).toMatchObject({ bankCode: '0001', branchCode: '123', accountNumber: '1234567' });
  });

  test.each([
    ['bankCode', 'empty', '', '金融機関コードを入力してください。'],
    ['bankCode', 'three digits', '123', '金融機関コードは4桁の数字で入力してください。'],
    ['bankCode', 'a letter among digits', '12a4', '金融機関コードは4桁の数字で入力してください。'],
    ['branchCode', 'four digits', '1234', '支店コードは3桁の数字で入力してください。'],
    ['accountNumber', 'six digits', '123456', '口座番号は7桁の数字で入力してください。'],
    ['accountNumber', '500 digits', '1'.repeat(500), '口座番号は7桁の数字で入力してください。'],
    ['accountType', 'not ordinary or current', 'savings', '預金種目は普通または当座を選択してください。'],
    ['accountType', 'missing', undefined, '預金種目は普通または当座を選択してください。'],
  ])('when %s is %s, then the message names the field and its form', (field, _case, value, message) => {
    expect(firstMessage(field, value)).toBe(message);
  });

  test('when every field is right, then the form gives typed values', () => {
    expect(transferInputSchema(LIMIT).parse({ ...valid, accountType: 'current' })).toEqual({
      ...valid,
      accountType: 'current',
      amount: 1000,
    });
  });
});
