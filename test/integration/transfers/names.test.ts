import { createTestContext, type TestContext } from '../../helpers/app';
import { scalar } from '../../helpers/engine';
import { givenSignedInAdmin, TRANSFER_PASSWORD, VALID_TRANSFER_FORM } from '../../helpers/fixtures';
import { readPage } from '../../helpers/page';

/** 金融機関名・支店名 from the zengin-code dataset (issue 15, item 1). */
describe('都度振込: bank and branch names', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  const transferCount = async (): Promise<number> => (await scalar(ctx.storage, 'SELECT count(*) FROM transfers'))!;

  test('when a transfer to a bank and branch that exist is made, then their names are shown on 振込内容確認, 受付完了 and 振込履歴 and kept on the row', async () => {
    const { client } = await givenSignedInAdmin(ctx);

    const drafted = await client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, bankCode: '0005', branchCode: '341' });
    const confirm = readPage((await client.get(drafted.headers.location as string)).text);
    const done = await client.post(drafted.headers.location as string, { transferPassword: TRANSFER_PASSWORD });
    const receipt = readPage((await client.get(done.headers.location as string)).text);
    const history = readPage((await client.get('/transfers')).text);

    for (const page of [confirm, receipt]) {
      expect(page.term('金融機関名')).toBe('三菱ＵＦＪ');
      expect(page.term('金融機関コード')).toBe('0005');
      expect(page.term('支店名')).toBe('新宿');
      expect(page.term('支店コード')).toBe('341');
    }
    expect(receipt.heading()).toBe('受付完了');
    expect(history.table('振込履歴')?.rows[0]?.['振込先']).toBe('三菱ＵＦＪ 新宿 0005-341 普通 1234567');
    const id = Number(/\d+/.exec(done.headers.location as string)![0]);
    expect(await ctx.deps.repos.transfers.find(id)).toMatchObject({ bankName: '三菱ＵＦＪ', branchName: '新宿' });
  });

  test('when the names on the row differ from the dataset (it was updated since), then history shows the names the customer confirmed', async () => {
    const { client } = await givenSignedInAdmin(ctx);
    const drafted = await client.submit('/transfers/new', '/transfers', VALID_TRANSFER_FORM);
    await client.post(drafted.headers.location as string, { transferPassword: TRANSFER_PASSWORD });
    await ctx.storage.run("UPDATE transfers SET bank_name = '旧みずほ', branch_name = '旧戸越'");

    const history = readPage((await client.get('/transfers')).text);

    expect(history.table('振込履歴')?.rows[0]?.['振込先']).toBe('旧みずほ 旧戸越 0001-123 普通 1234567');
  });

  test('when the 金融機関コード is unknown, then 入力 refuses it beside the field, keeps every typed value and drafts nothing', async () => {
    const { client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, bankCode: '1234', amount: '12,345' });

    expect(res.status).toBe(400);
    const page = readPage(res.text);
    const message = '金融機関コード「1234」の金融機関は見つかりません。コードをご確認いただくか、「金融機関・支店を検索」から選んでください。';
    expect(page.errors()).toEqual([{ message, field: '金融機関コード' }]);
    expect(page.field('金融機関コード')).toMatchObject({ value: '1234', invalid: true });
    expect(page.field('金融機関コード')?.description).toContain(message);
    expect(page.field('支店コード')?.value).toBe('123');
    expect(page.field('口座番号')?.value).toBe('1234567');
    expect(page.field('振込金額（円）')?.value).toBe('12,345');
    expect(await transferCount()).toBe(0);
  });

  test('when the 支店コード does not exist at that bank, then 入力 names the bank and refuses the branch beside its field', async () => {
    const { client } = await givenSignedInAdmin(ctx);

    const res = await client.submit('/transfers/new', '/transfers', { ...VALID_TRANSFER_FORM, bankCode: '0001', branchCode: '999' });

    expect(res.status).toBe(400);
    expect(readPage(res.text).errors()).toEqual([
      { message: 'みずほに支店コード「999」の支店は見つかりません。コードをご確認いただくか、「金融機関・支店を検索」から選んでください。', field: '支店コード' },
    ]);
    expect(readPage(res.text).field('金融機関コード')?.value).toBe('0001');
    expect(await transferCount()).toBe(0);
  });

  describe('金融機関・支店の検索 (no script)', () => {
    test('when the customer searches a bank by kana and then a branch by hiragana, then the chosen link fills both codes into 入力', async () => {
      const { client } = await givenSignedInAdmin(ctx);
      const input = readPage((await client.get('/transfers/new')).text);
      const lookupPath = input.link('金融機関・支店を検索')!;
      expect(lookupPath).toBe('/transfers/lookup');

      const lookup = readPage((await client.get(lookupPath)).text);
      expect(lookup.field('金融機関名')?.name).toBe('bankName');
      expect(lookup.button('検索')?.form).toMatchObject({ action: '/transfers/lookup', method: 'get' });
      const banks = readPage((await client.get(`/transfers/lookup?bankName=${encodeURIComponent('ミツビシ')}`)).text);
      expect(banks.table('金融機関の検索結果')?.rows).toContainEqual({ 金融機関コード: '0005', 金融機関名: '三菱ＵＦＪ' });
      const branchesPath = banks.link('三菱ＵＦＪ')!;

      const branchForm = readPage((await client.get(branchesPath)).text);
      expect(branchForm.term('金融機関名')).toBe('三菱ＵＦＪ');
      expect(branchForm.button('検索')?.form?.hidden).toEqual({ bankCode: '0005' });
      const branches = readPage((await client.get(`/transfers/lookup?bankCode=0005&branchName=${encodeURIComponent('しんじゅく')}`)).text);
      expect(branches.table('支店の検索結果')?.rows).toContainEqual({ 支店コード: '341', 支店名: '新宿' });
      const back = branches.link('新宿')!;
      expect(back).toBe('/transfers/new?bankCode=0005&branchCode=341');

      const filled = readPage((await client.get(back)).text);
      expect(filled.heading()).toBe('都度振込');
      expect(filled.field('金融機関コード')?.value).toBe('0005');
      expect(filled.field('支店コード')?.value).toBe('341');
    });

    test.each([
      ['the full name with 銀行', 'みずほ銀行', '0001', 'みずほ'],
      ['the full name with 信用金庫', '城南信用金庫', '1344', '城南信金'],
      ['full-width katakana', 'ジョウナン', '1344', '城南信金'],
      ['half-width katakana', 'ｼﾞｮｳﾅﾝ', '1344', '城南信金'],
    ])('when a bank is searched by %s, then it is found', async (_case, query, code, name) => {
      const { client } = await givenSignedInAdmin(ctx);

      const page = readPage((await client.get(`/transfers/lookup?bankName=${encodeURIComponent(query)}`)).text);

      expect(page.table('金融機関の検索結果')?.rows).toContainEqual({ 金融機関コード: code, 金融機関名: name });
    });

    test('when nothing matches, then the page says so and how to search instead', async () => {
      const { client } = await givenSignedInAdmin(ctx);

      const page = readPage((await client.get(`/transfers/lookup?bankName=${encodeURIComponent('存在しない銀行名')}`)).text);

      expect(page.status()).toEqual([expect.stringContaining('該当する金融機関はありません。名前の一部だけ、またはひらがなで入力してお試しください。')]);
      expect(page.table('金融機関の検索結果')).toBeUndefined();
    });

    test('when a search matches more than fit, then the first 50 are listed and the page asks for a longer name', async () => {
      const { client } = await givenSignedInAdmin(ctx);

      const page = readPage((await client.get(`/transfers/lookup?bankName=${encodeURIComponent('しんきん')}`)).text);

      expect(page.table('金融機関の検索結果')?.rows).toHaveLength(50);
      expect(page.status()[0]).toMatch(/^\d{3}件見つかりました。先頭の50件を表示しています。/);
    });

    test('when the codes carried back are not codes, then 入力 ignores them', async () => {
      const { client } = await givenSignedInAdmin(ctx);

      const page = readPage((await client.get('/transfers/new?bankCode=%22%3E%3Cscript%3E&branchCode=12')).text);

      expect(page.field('金融機関コード')?.value).toBe('');
      expect(page.field('支店コード')?.value).toBe('');
    });

    test('when an unknown 金融機関コード is asked for, then the page says so and offers the search by name', async () => {
      const { client } = await givenSignedInAdmin(ctx);

      const page = readPage((await client.get('/transfers/lookup?bankCode=1234')).text);

      expect(page.text()).toContain('金融機関コード「1234」の金融機関は見つかりませんでした。');
      expect(page.link('金融機関名から検索する')).toBe('/transfers/lookup');
    });
  });
});
