/**
 * The browser suite (issue 4): real headless Chromium with JavaScript off,
 * driven by playwright-core. One worker: each file runs its own browser and
 * the machine has two cores.
 * @type {import('jest').Config}
 */
// SQLite, as `npm test` (jest.config.js): a DATABASE_URL in the shell does not move it.
/* global process */
delete process.env.DATABASE_URL;

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  maxWorkers: 1,
  testTimeout: 90000,
};
