import { loadConfig, ConfigError } from '../../src/config';
import { destinationOf, transferFee, type FeeTable } from '../../src/domain/fees';

/** The defaults: this bank 0001, its branch 123 (the demo's and the tests' own branch). */
const table: FeeTable = loadConfig({ NODE_ENV: 'test' }).transferFees;

describe('振込手数料 (issue 15)', () => {
  test('when nothing is configured, then the table is a shinkin bank\'s usual one', () => {
    expect(table).toEqual({
      bankCode: '0001',
      branchCode: '123',
      tierYen: 30_000,
      sameBranch: { below: 0, from: 0 },
      otherBranch: { below: 110, from: 330 },
      otherBank: { below: 440, from: 660 },
    });
  });

  test.each([
    ['the same branch, below the tier', '0001', '123', 29_999, 'sameBranch', 0],
    ['the same branch, at the tier', '0001', '123', 30_000, 'sameBranch', 0],
    ['another branch of this bank, below the tier', '0001', '001', 29_999, 'otherBranch', 110],
    ['another branch of this bank, at the tier', '0001', '001', 30_000, 'otherBranch', 330],
    ['another bank, 1 yen', '0005', '123', 1, 'otherBank', 440],
    ['another bank, below the tier', '0005', '001', 29_999, 'otherBank', 440],
    ['another bank, at the tier', '0005', '001', 30_000, 'otherBank', 660],
    ['another bank, the largest amount', '1001', '001', 10_000_000, 'otherBank', 660],
  ])('when a transfer goes to %s, then the fee is the table\'s', (_case, bankCode, branchCode, amount, destination, fee) => {
    expect(destinationOf(table, { bankCode, branchCode })).toBe(destination);
    expect(transferFee(table, { bankCode, branchCode, amount })).toBe(fee);
  });

  test('when the fees, the tier and this bank are configured, then the function follows them', () => {
    const custom = loadConfig({ NODE_ENV: 'test', BANK_CODE: '1001', BRANCH_CODE: '010', FEE_TIER_YEN: '50000', FEE_SAME_BRANCH: '55, 110', FEE_OTHER_BANK: '330,550' }).transferFees;

    expect(transferFee(custom, { bankCode: '1001', branchCode: '010', amount: 49_999 })).toBe(55);
    expect(transferFee(custom, { bankCode: '1001', branchCode: '010', amount: 50_000 })).toBe(110);
    expect(transferFee(custom, { bankCode: '1001', branchCode: '011', amount: 50_000 })).toBe(330);
    expect(transferFee(custom, { bankCode: '0001', branchCode: '123', amount: 1 })).toBe(330);
  });

  test.each([
    ['a fee that is not a pair', { FEE_OTHER_BANK: '440' }, 'FEE_OTHER_BANK'],
    ['a negative fee', { FEE_OTHER_BRANCH: '-110,330' }, 'FEE_OTHER_BRANCH'],
    ['a bank code of three digits', { BANK_CODE: '001' }, 'BANK_CODE'],
    ['a branch code with a letter', { BRANCH_CODE: '12a' }, 'BRANCH_CODE'],
    ['a tier of zero', { FEE_TIER_YEN: '0' }, 'FEE_TIER_YEN'],
  ])('when the configuration has %s, then the start is refused naming the variable', (_case, env, name) => {
    expect(() => loadConfig({ NODE_ENV: 'test', ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', ...env })).toThrow(name);
  });
});
