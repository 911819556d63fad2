import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * Size limits of the layout (`npm run lint` fails on a regression): a source file at most 250
 * non-blank lines and a function at most 60 (blank lines and comments not counted); a test file at
 * most 300. A longer function says why in an eslint-disable comment beside it. The console's
 * sources are held to the same two limits and to nothing else here (vite and tsc check them).
 */
const sizeOfSource = {
  'max-lines': ['error', { max: 250, skipBlankLines: true }],
  'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'console/dist/**', 'coverage/**', 'data/**', 'artifacts/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    ignores: ['console/**'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/**/*.spec.ts'], rules: sizeOfSource },
  { files: ['test/**/*.ts', 'src/**/*.spec.ts'], rules: { 'max-lines': ['error', { max: 300, skipBlankLines: true }] } },
  { files: ['console/src/**/*.ts', 'console/src/**/*.tsx'], languageOptions: { parser: tseslint.parser }, rules: sizeOfSource },
);
