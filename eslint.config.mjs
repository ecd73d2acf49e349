// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Type-aware rules over the service's own source (tests and the bench are left to tsc: typed
    // linting costs about a minute over the whole tree on two cores).
    files: ['**/*.ts'],
    ignores: ['test/**', 'bench/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
  {
    // The pure chart may import nothing but xstate and the domain vocabulary.
    files: ['machines/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['../activities/*', '../api/*', '../workflows/*', '../models/*', 'mongoose', '@temporalio/*', 'node:*'] },
      ],
    },
  },
  {
    // Workflows run in Temporal's deterministic sandbox: activities by type only, no I/O.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['mongoose', 'node:*', '../models/*', '../api/*'] }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
