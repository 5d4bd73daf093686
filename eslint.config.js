import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import boundaries from './scripts/lint/boundaries.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '**/.serverless/',
      '**/.esbuild/',
      '.gcr/',
      'coverage/',
      'schemas/generated/',
      'web/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The web console runs in a browser.
    files: ['web/src/**/*.{ts,tsx}', 'test/unit/web/**/*.{ts,tsx}', 'test/helpers/web/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    // The architecture's import rules (scripts/lint/boundaries.js): a failing import fails CI.
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { gcr: boundaries },
    rules: { 'gcr/boundaries': 'error' },
  },
  {
    // Tests read parsed JSON answers freely; production code may not.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
