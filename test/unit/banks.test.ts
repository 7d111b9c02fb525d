import { datasetVersion, findBank, findBranch, searchBanks, searchBranches, searchKey } from '../../src/domain/banks';

describe('bank and branch names from zengin-code (issue 15)', () => {
  test('when a code exists, then its name is found; when it does not, then nothing is', () => {
    expect(findBank('0001')).toEqual({ code: '0001', name: 'みずほ' });
    expect(findBranch('0001', '123')).toEqual({ code: '123', name: '戸越' });
    expect(findBank('1234')).toBeUndefined();
    expect(findBranch('0001', '999')).toBeUndefined();
    expect(findBranch('1234', '001')).toBeUndefined();
  });

  test.each([
    ['hiragana with small kana', 'とうきょう', 'とうきよう'],
    ['full-width katakana', 'トウキョウ', 'とうきよう'],
    ['half-width katakana', 'ﾄｳｷｮｳ', 'とうきよう'],
    ['full-width letters and a space', 'ＵＦＪ　銀行', 'ufj銀行'],
    ['a long vowel mark and a middle dot', 'ユー・エフ・ジェー', 'ゆえふじえ'],
  ])('when a name is typed in %s, then it folds to the dataset\'s spelling', (_case, typed, key) => {
    expect(searchKey(typed)).toBe(key);
  });

  test('when a bank is searched by the start of its name, then those that start with it come first', () => {
    const found = searchBanks('みずほ', 10);
    expect(found.rows[0]).toEqual({ code: '0001', name: 'みずほ' });
    expect(found.total).toBeGreaterThanOrEqual(1);
  });

  test('when branches are searched with an empty name, then all of them are counted and the first page listed', () => {
    const all = searchBranches('0001', '', 5);
    expect(all.rows).toHaveLength(5);
    expect(all.total).toBeGreaterThan(100);
    expect(searchBranches('1234', 'どこでも', 5)).toEqual({ rows: [], total: 0 });
  });

  test('when 支店 is added to a branch name, then it is still found', () => {
    expect(searchBranches('0001', '戸越支店', 5).rows).toContainEqual({ code: '123', name: '戸越' });
  });

  test('when the dataset version is asked, then it is the package\'s', () => {
    expect(datasetVersion()).toMatch(/^\d+\.\d+\.\d+-p\d{8}$/);
  });
});
