/**
 * The PostgreSQL suites (issue 12): run through `npm run test:pg`, which starts
 * a throwaway cluster (scripts/with-postgres.sh) and exports DATABASE_URL —
 * the adapter's own tests (test/pg) and the whole integration suite, whose
 * contexts (test/helpers/app.ts) then each get a schema on that cluster;
 * what is SQLite's alone is skipped there with its reason (describeSqliteOnly).
 * `npm test` (jest.config.js) never reads this file and never starts PostgreSQL.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/pg/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  maxWorkers: 2,
  testTimeout: 20000,
};
