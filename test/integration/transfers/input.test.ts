import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { auditEvents, givenSignedInAdmin, TRANSFER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';

const validForm = VALID_TRANSFER_FORM;

const htmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

describe('都度振込 入力 → 振込内容確認 → 受付完了', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  const transferCount = async (): Promise<number> => (await scalar(ctx.storage, 'SELECT count(*) FROM transfers'))!;


  test('when the administrator enters, confirms and completes a transfer, then the balance is debited and the 受付番号 is shown', async () => {
    const { company, admin, client } = await givenSignedInAdmin(ctx, { balance: 1_000_000 });

    const input = await client.get('/transfers/new');
    expect(input.status).toBe(200);
    expect(input.text).toContain('金融機関コード');
    expect(input.text).toContain('>次へ<');
    const drafted = await client.post('/transfers', { ...validForm, amount: '123,456' });
    expect(drafted.status).toBe(303);
    const confirmPath = drafted.headers.location as string;
    expect(confirmPath).toMatch(/^\/transfers\/\d+\/confirm$/);

    const confirmPage = await client.get(confirmPath);
    expect(confirmPage.status).toBe(200);
    expect(confirmPage.text).toContain('<h1>振込内容確認</h1>');
    expect(confirmPage.text).toContain('123,456円');
    expect(confirmPage.text).toContain('普通');
    expect(confirmPage.text).toContain('ﾔﾏﾀﾞ ﾀﾛｳ');
    expect(confirmPage.text).toContain('<label for="transferPassword">送信確認パスワード</label>');
    expect(confirmPage.text).toContain('>確定<');
    // Nothing is debited while the transfer is only a draft.
    expect((await ctx.deps.repos.companies.find(company.id))!.balance).toBe(1_000_000);

    const done = await client.post(confirmPath, { transferPassword: TRANSFER_PASSWORD });
    expect(done.status).toBe(303);
    const id = Number(/^\/transfers\/(\d+)$/.exec(done.headers.location as string)![1]);

    const row = (await ctx.deps.repos.transfers.find(id))!;
    expect(row).toMatchObject({ status: 'completed', amount: 123_456, userId: admin.id, confirmedWith: 'transferPassword' });
    expect(row.receiptNumber).toBe(`20261126-${String(id).padStart(8, '0')}`);
    const receipt = await client.get(done.headers.location as string);
    expect(receipt.status).toBe(200);
    expect(receipt.text).toContain('<h1>受付完了</h1>');
    expect(receipt.text).toContain(row.receiptNumber!);
    expect(receipt.text).toContain('受付済');
    expect(receipt.text).toContain('2026/11/26 10:00:00'); // 01:00 UTC shown in JST
    expect((await ctx.deps.repos.companies.find(company.id))!.balance).toBe(1_000_000 - 123_456);
    expect((await client.get('/')).text).toContain('残高 <strong>876,544円</strong>');
    expect(await auditEvents(ctx.deps, 'transfer.confirm')).toEqual([
      expect.objectContaining({ outcome: 'success', actor: admin.loginId, subject: row.receiptNumber, detail: 'amount=123456' }),
    ]);
    // Opened again later (from 振込履歴), the same page is the 明細.
    expect((await client.get(`/transfers/${id}`)).text).toContain('<h1>振込明細</h1>');
  });

  test('when codes, the amount and the payee are typed full-width or in hiragana, then they are stored as zengin values', async () => {
    const { client } = await givenSignedInAdmin(ctx);
    const res = await client.submit('/transfers/new', '/transfers', {
      bankCode: '０００１',
      branchCode: '１２３',
      accountType: 'current',
      accountNumber: '７６５４３２１',
      payeeName: 'かぶしきがいしゃ　やまだ（きゃっと）',
      amount: '１,０００',
    });
    expect(res.status).toBe(303);
    const id = Number(/(\d+)/.exec(res.headers.location as string)![1]);
    expect(await ctx.deps.repos.transfers.find(id)).toMatchObject({
      bankCode: '0001',
      branchCode: '123',
      accountType: 'current',
      accountNumber: '7654321',
      payeeName: 'ｶﾌﾞｼｷｶﾞｲｼﾔ ﾔﾏﾀﾞ(ｷﾔﾂﾄ)',
      amount: 1000,
      status: 'draft',
      expiresAt: ctx.clock.now() + 10 * 60_000,
    });
    const page = await client.get(res.headers.location as string);
    expect(page.text).toContain('当座');
    expect(page.text).toContain('1,000円');
  });

  test.each([
    ['an empty bank code', 'bankCode', '', '金融機関コードを入力してください。'],
    ['letters in the bank code', 'bankCode', '12a4', '金融機関コードは4桁の数字で入力してください。'],
    ['a two-digit branch code', 'branchCode', '12', '支店コードは3桁の数字で入力してください。'],
    ['letters in the account number', 'accountNumber', 'ABCDEFG', '口座番号は7桁の数字で入力してください。'],
    ['a 500-digit account number', 'accountNumber', '1'.repeat(500), '口座番号は7桁の数字で入力してください。'],
    ['a negative amount', 'amount', '-1000', '振込金額は1円以上の金額を入力してください。'],
    ['a decimal amount', 'amount', '1000.5', '振込金額は1円単位の整数で入力してください（小数点は使えません）。'],
    ['a zero amount', 'amount', '0', '振込金額は1円以上の金額を入力してください。'],
    ['an amount over the limit', 'amount', '10,000,001', '振込金額は10,000,000円以内で入力してください。'],
    ['a huge number string', 'amount', '9'.repeat(300), '振込金額は10,000,000円以内で入力してください。'],
    ['letters as the amount', 'amount', '千円', '振込金額は数字で入力してください（例：1,000）。'],
    ['a wrong account type', 'accountType', 'savings', '預金種目は普通または当座を選択してください。'],
    ['a kanji payee', 'payeeName', '山田太郎', '受取人名はカナで入力してください'],
    ['an emoji in the payee', 'payeeName', 'ﾔﾏﾀﾞ😀', '受取人名はカナで入力してください'],
    ['a 500-character payee', 'payeeName', 'ア'.repeat(500), '受取人名は半角カナに換算して30文字以内で入力してください。'],
    ['markup in the payee', 'payeeName', '<b>ﾔﾏﾀﾞ</b>', '受取人名はカナで入力してください'],
    ['a missing amount', 'amount', undefined, '振込金額を入力してください。'],
    ['a missing account type', 'accountType', undefined, '預金種目は普通または当座を選択してください。'],
    ['a missing payee', 'payeeName', undefined, '受取人名を入力してください。'],
  ])('when the form has %s, then it is refused on the form and nothing is written', async (_case, field, typed, message) => {
    const { company, client } = await givenSignedInAdmin(ctx);
    const fields: Record<string, string> = { ...validForm };
    if (typed === undefined) delete fields[field];
    else fields[field] = typed;

    const res = await client.submit('/transfers/new', '/transfers', fields);

    expect(res.status).toBe(400);
    // Once in the summary at the top, once beside the field.
    expect(res.text.split(message).length - 1).toBe(2);
    expect(res.text).toContain(`href="#${field}"`);
    if (typed !== undefined && field !== 'accountType') {
      expect(res.text).toContain(`value="${htmlEscape(typed.slice(0, 200))}"`);
    }
    // The other fields keep what was typed.
    if (field !== 'bankCode') expect(res.text).toContain('value="0001"');
    expect(await transferCount()).toBe(0);
    expect((await ctx.deps.repos.companies.find(company.id))!.balance).toBe(1_000_000);
  });

  test('when the input form is posted with a wrong account type, then neither radio button is ticked but the rest is kept', async () => {
    const { client } = await givenSignedInAdmin(ctx);
    const res = await client.submit('/transfers/new', '/transfers', { ...validForm, accountType: 'savings', payeeName: 'やまだ' });
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/name="accountType"[^>]*checked/);
    expect(res.text).toContain('value="やまだ"');
  });
});
