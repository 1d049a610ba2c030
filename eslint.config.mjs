// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import cutover from './scripts/eslint/no-import-cycle.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'libs/persistence/src/generated/**', 'coverage/**', '.sandbox/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip)$/]", message: 'No focused or skipped tests.' },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@nestjs/*', '@prisma/*', '@kubernetes/*', 'bullmq', 'ioredis', 'pg', '@cutover/*', 'node:*'], message: 'libs/domain is pure: plain data in, plain data out.' },
      ] }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'Time comes in as data.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'No randomness in the pure domain.' }],
    },
  },
  {
    // No import cycle anywhere. import-x/no-cycle follows runtime imports through the resolver; it skips
    // `import type`, so cutover/no-import-cycle (scripts/eslint/) adds the cycles made of type imports too.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX, cutover },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }], 'cutover/no-import-cycle': 'error' },
  },
  {
    files: ['libs/domain/src/**/*.ts'],
    // Specs may drive a strategy through the engine: they are not part of the floors.
    ignores: ['**/*.spec.ts'],
    plugins: { 'import-x': importX },
    rules: {
      // The domain's floors: model/ (types and documents) <- strategies/ (one folder per strategy) <- engine/
      // (decide, command rules, plan, status). A floor imports only the floors below it.
      'import-x/no-restricted-paths': ['error', { zones: [
        { target: './libs/domain/src/model', from: ['./libs/domain/src/strategies', './libs/domain/src/engine'], message: 'model/ is the bottom floor of the domain: it imports neither strategies/ nor engine/.' },
        { target: './libs/domain/src/strategies', from: './libs/domain/src/engine', message: 'strategies/ sits below engine/: a strategy never imports the engine (the engine dispatches to the strategy registry).' },
      ] }],
    },
  },
  {
    files: ['libs/domain/**/*.spec.ts'],
    rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off' },
  },
  {
    files: ['libs/kube-sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@cutover/*', '../../*/src/*'], message: 'The simulator is the cluster: it imports nothing from the product.' },
      ] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    // After the spread: its languageOptions would otherwise replace these globals.
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The dashboard runs in browsers: DOM globals, its own tsconfig (found by the project service), and TSX.
    files: ['apps/dashboard/src/**/*.ts', 'apps/dashboard/src/**/*.tsx'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@cutover/*', '**/libs/*', '**/api/src/*', 'node:*'], message: 'The dashboard is a client of the public REST routes only (docs/shared ARCHITECTURE).' },
      ] }],
    },
  },
);
