// One type-checked ESLint flat config for the whole monorepo.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.stack/**', '**/coverage/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Nest modules are empty classes carrying a decorator.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      // A package is imported by its name, never by reaching into another package's sources.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/packages/*/src/**', '@acme/*/src/**'], message: 'Import the package by name.' },
          ],
        },
      ],
    },
  },
  {
    // Command-line entry points and tests talk to a terminal.
    files: ['**/cli.ts', '**/demo.ts', '**/bench.ts', '**/runner/**', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
