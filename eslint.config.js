import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import boundaries from './scripts/lint/boundaries.js';

export default tseslint.config(
  {
    ignores: ['node_modules/', '**/.serverless/', '**/.esbuild/', '.gcr/', 'coverage/', 'schemas/generated/'],
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
    // The architecture's import rules (scripts/lint/boundaries.js): a failing import fails CI.
    files: ['**/*.{ts,js,mjs}'],
    plugins: { gcr: boundaries },
    rules: { 'gcr/boundaries': 'error' },
  },
  {
    // Tests read parsed JSON answers freely; production code may not.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
