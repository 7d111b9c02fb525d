import fs from 'node:fs';
import path from 'node:path';

/**
 * Bank and branch names of the zengin network (全銀協 codes), from the
 * `zengin-code` package: which 金融機関コード and 支店コード exist, their names
 * for 振込内容確認, and a search by name for the no-script lookup form.
 *
 * The dataset is 5 MB (1,100 institutions, 29,000 branches). It is read once,
 * on first use — a process that never drafts a transfer never pays for it —
 * and kept as maps by code plus one search key per entry.
 */

export interface Branch {
  code: string;
  /** The branch's name as the dataset spells it (e.g. 戸越, 本店, 東京営業部). */
  name: string;
}

export interface Bank {
  code: string;
  /** The institution's short name as the zengin network spells it (e.g. みずほ, 北海道信金). */
  name: string;
}

interface Indexed<T> {
  entry: T;
  /** Name and reading folded by searchKey, for the lookup. */
  key: string;
}

interface IndexedBank extends Indexed<Bank> {
  branches: Map<string, Indexed<Branch>>;
}

interface RawEntry {
  code: string;
  name: string;
  hira: string;
  branches?: Record<string, RawEntry>;
}

const LARGE_KANA: Record<string, string> = { ぁ: 'あ', ぃ: 'い', ぅ: 'う', ぇ: 'え', ぉ: 'お', っ: 'つ', ゃ: 'や', ゅ: 'ゆ', ょ: 'よ', ゎ: 'わ', ゕ: 'か', ゖ: 'け' };

/**
 * What a name is compared by: NFKC (full-width letters, half-width kana),
 * katakana as hiragana, small kana as large ones (the dataset spells トウキヨウ,
 * a customer types とうきょう), without spaces, dots and long-vowel marks.
 */
export function searchKey(text: string): string {
  // NFKC makes half-width kana full-width; katakana ァ–ヶ sit 0x60 above their hiragana.
  const folded = text.normalize('NFKC').toLowerCase().replace(/[ァ-ヶ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
  return folded.replace(/[ぁぃぅぇぉっゃゅょゎゕゖ]/g, (c) => LARGE_KANA[c] ?? c).replace(/[\s・.．ー\-－‐]/g, '');
}

/** Words customers add that the dataset leaves out (みずほ銀行 → みずほ, 北海道信用金庫 → 北海道信金). */
const BANK_WORDS: [RegExp, string][] = [
  [/(銀行|ぎんこう)$/, ''],
  [/信用金庫$/, '信金'],
  [/しんようきんこ$/, 'しんきん'],
  [/信用組合$/, '信組'],
  [/しんようくみあい$/, 'しんくみ'],
];
const BRANCH_WORDS: [RegExp, string][] = [[/(支店|してん|営業部|えいぎようぶ|出張所|しゆつちようじよ)$/, '']];

const queryKey = (query: string, words: [RegExp, string][]): string =>
  words.reduce((key, [word, replacement]) => key.replace(word, replacement), searchKey(query));

/** Where the dataset lives; its package.json carries the version the README names. */
const packageDir = (): string => path.dirname(require.resolve('zengin-code/package.json'));

/**
 * The dataset is a CommonJS file of one object literal. Parsing its body as
 * JSON takes about a third of the time of compiling it as a module (≈0.15 s
 * against ≈0.4 s) and leaves no 5 MB script source behind; should the
 * package ever change that layout, the module itself is loaded instead.
 */
function readDataset(): Record<string, RawEntry> {
  const source = fs.readFileSync(path.join(packageDir(), 'lib', 'zengin-data.js'), 'utf8');
  try {
    return JSON.parse(source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1)) as Record<string, RawEntry>;
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('zengin-code') as Record<string, RawEntry>;
  }
}

function index(raw: Record<string, RawEntry>): Map<string, IndexedBank> {
  const banks = new Map<string, IndexedBank>();
  for (const b of Object.values(raw)) {
    const branches = new Map<string, Indexed<Branch>>();
    for (const br of Object.values(b.branches ?? {})) {
      branches.set(br.code, { entry: { code: br.code, name: br.name }, key: `${searchKey(br.name)}\n${searchKey(br.hira)}` });
    }
    banks.set(b.code, { entry: { code: b.code, name: b.name }, key: `${searchKey(b.name)}\n${searchKey(b.hira)}`, branches });
  }
  return banks;
}

let loaded: Map<string, IndexedBank> | undefined;
const dataset = (): Map<string, IndexedBank> => (loaded ??= index(readDataset()));

let version: string | undefined;

/** The dataset's version (the package's, e.g. 1.0.0-p20260824: the date of its data). */
export const datasetVersion = (): string =>
  (version ??= (JSON.parse(fs.readFileSync(path.join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version);

export function findBank(code: string): Bank | undefined {
  return dataset().get(code)?.entry;
}

export function findBranch(bankCode: string, branchCode: string): Branch | undefined {
  return dataset().get(bankCode)?.branches.get(branchCode)?.entry;
}

export interface Matches<T> {
  rows: T[];
  /** How many matched in all (rows holds at most the limit). */
  total: number;
}

/** Entries whose name or reading contains the query; those that start with it first, then by code. */
function match<T extends { code: string }>(entries: Iterable<Indexed<T>>, key: string, limit: number): Matches<T> {
  if (key === '') return { rows: [], total: 0 };
  const found: { entry: T; starts: boolean }[] = [];
  for (const { entry, key: k } of entries) {
    if (!k.includes(key)) continue;
    found.push({ entry, starts: k.startsWith(key) || k.includes(`\n${key}`) });
  }
  found.sort((a, b) => Number(b.starts) - Number(a.starts) || a.entry.code.localeCompare(b.entry.code));
  return { rows: found.slice(0, limit).map((f) => f.entry), total: found.length };
}

/** 金融機関名 in kanji or kana, whole or in part. */
export function searchBanks(query: string, limit: number): Matches<Bank> {
  return match(dataset().values(), queryKey(query, BANK_WORDS), limit);
}

/** 支店名 of one institution, in kanji or kana, whole or in part; an empty query lists them all. */
export function searchBranches(bankCode: string, query: string, limit: number): Matches<Branch> {
  const bank = dataset().get(bankCode);
  if (!bank) return { rows: [], total: 0 };
  const key = queryKey(query, BRANCH_WORDS);
  if (key === '') return { rows: [...bank.branches.values()].slice(0, limit).map((b) => b.entry), total: bank.branches.size };
  return match(bank.branches.values(), key, limit);
}
