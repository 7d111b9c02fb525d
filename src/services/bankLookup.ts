import { datasetVersion, findBank, searchBanks, searchBranches, type Bank, type Branch, type Matches } from '../domain/banks';

/**
 * 金融機関・支店の検索 (issue 15): the no-script lookup beside 都度振込 入力.
 * First a 金融機関名, then a 支店名 of the chosen institution; each match
 * leads back to 入力 with its codes filled in.
 */

/** Matches shown at most; the page asks for a longer name past this. */
export const LOOKUP_LIMIT = 50;

export type Lookup =
  | { step: 'bank'; bankName: string; banks: Matches<Bank> | null }
  | { step: 'branch'; bank: Bank; branchName: string; branches: Matches<Branch> | null }
  | { step: 'unknownBank'; bankCode: string };

export interface LookupQuery {
  bankName: string;
  bankCode: string;
  branchName: string;
}

export function lookupDestination(q: LookupQuery): Lookup {
  if (q.bankCode === '') {
    const bankName = q.bankName.trim();
    return { step: 'bank', bankName, banks: bankName === '' ? null : searchBanks(bankName, LOOKUP_LIMIT) };
  }
  const bank = findBank(q.bankCode);
  if (!bank) return { step: 'unknownBank', bankCode: q.bankCode };
  const branchName = q.branchName.trim();
  return { step: 'branch', bank, branchName, branches: branchName === '' ? null : searchBranches(bank.code, branchName, LOOKUP_LIMIT) };
}

/** The dataset's version, for the page's note on where the names come from. */
export const lookupDatasetVersion = (): string => datasetVersion();
