// `npm test` is the SQLite run whatever the shell exports: a DATABASE_URL left there (for psql, or
// a node started by hand) must not move the suite onto PostgreSQL (test/helpers/engine.ts reads it).
/* global process */
delete process.env.DATABASE_URL;

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The browser suite has its own config (jest.browser.config.js): one worker, a real Chromium.
  // The PostgreSQL suites have theirs (jest.pg.config.js, `npm run test:pg`): `npm test` stays SQLite.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/', '<rootDir>/test/pg/'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  maxWorkers: 2,
  testTimeout: 20000,
};
