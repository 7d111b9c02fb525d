/**
 * `npm run screenshots` (issue 15): the README's pictures, taken by the browser
 * suite's harness from test/screenshots/ and written to docs/screenshots/.
 * Not part of `npm test`: it rewrites committed files.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.browser.config'),
  roots: ['<rootDir>/test/screenshots'],
  testMatch: ['**/*.screens.ts'],
};
