// Flat config (ESLint 9): @eslint/js and typescript-eslint recommended rules.
// Type checking itself is `tsc --noEmit` in `npm run lint`; ESLint adds the
// checks the compiler does not make.
const { defineConfig } = require('eslint/config');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = defineConfig(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'coverage/', 'bench/results/', 'test-results/', 'data/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_next`, `_req`: Express tells handlers apart by their arity, so an
      // unused parameter must sometimes stay; the underscore says it is meant.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The few plain JavaScript files (this one, jest.config.js) are CommonJS.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
