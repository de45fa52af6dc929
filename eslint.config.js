// One lint setup for the monorepo: typescript-eslint's recommended rules everywhere, and the type-aware rules
// that catch what review found costly (a floating promise is an unhandled rejection or a lost error) on every
// TypeScript file, with the type information of its own project; formatting is prettier's (npm test checks it).
import tseslint from 'typescript-eslint';

const typeAware = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'infra/kafka/lib/**', '.data/**', '**/generated/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Sources: each workspace's own tsconfig (found by the project service).
    files: ['packages/*/src/**/*.ts', 'services/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: typeAware,
  },
  {
    // Tests: the tests' own tsconfig (tsconfig.tests.json), which includes every test file.
    files: ['**/*.test.ts', 'services/*/test/**/*.ts', 'tests/**/*.ts'],
    languageOptions: { parserOptions: { project: ['./tsconfig.tests.json'], tsconfigRootDir: import.meta.dirname } },
    rules: typeAware,
  },
  {
    files: ['**/*.test.ts', '**/test/**', 'tests/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/ban-ts-comment': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
