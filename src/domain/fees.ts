/**
 * 振込手数料 (issue 15): what a transfer costs the paying company, by where
 * the money goes and how much it is — the tiers a shinkin bank publishes for
 * its internet banking. The table comes from the configuration; the function
 * is pure, so the confirmation screen, the debit and the tests read the same
 * rule.
 */

/** The fee below the tier and from the tier on, in yen (tax included). */
export interface FeeTier {
  below: number;
  from: number;
}

export interface FeeTable {
  /** This bank's 金融機関コード. */
  bankCode: string;
  /** The branch (取引店) that keeps the companies' 代表口座. */
  branchCode: string;
  /** The amount from which the higher fee applies (usually 30,000円). */
  tierYen: number;
  sameBranch: FeeTier;
  otherBranch: FeeTier;
  otherBank: FeeTier;
}

export type Destination = 'sameBranch' | 'otherBranch' | 'otherBank';

export function destinationOf(table: Pick<FeeTable, 'bankCode' | 'branchCode'>, to: { bankCode: string; branchCode: string }): Destination {
  if (to.bankCode !== table.bankCode) return 'otherBank';
  return to.branchCode === table.branchCode ? 'sameBranch' : 'otherBranch';
}

/** The fee of one transfer of `amount` yen to the given bank and branch. */
export function transferFee(table: FeeTable, to: { bankCode: string; branchCode: string; amount: number }): number {
  const tier = table[destinationOf(table, to)];
  return to.amount < table.tierYen ? tier.below : tier.from;
}
