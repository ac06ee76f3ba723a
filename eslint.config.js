// Lint guards the runtime boundaries (DEVELOPERS.md habit 1):
//  - shared/ runs everywhere: no Node, DOM, Electron or React imports;
//  - electron/ outside the shell (electron/main, electron/preload) runs in plain
//    Node: it never imports `electron`;
//  - renderer/ runs in a sandboxed page: no Node, no Electron.
import js from '@eslint/js';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// bare names by path, `node:` names by pattern (one message per import)
const nodeModules = builtinModules.filter((m) => !m.startsWith('node:'));

const noNode = {
  paths: nodeModules.map((name) => ({ name, message: 'This folder must not depend on Node.' })),
  patterns: [{ group: ['node:*'], message: 'This folder must not depend on Node.' }],
};
const noElectron = {
  name: 'electron',
  message: 'Only the Electron shell (electron/main, electron/preload) may import electron.',
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', 'out/**', 'test-results/**', 'playwright-report/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.{ts,tsx}'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...noNode.paths, noElectron, { name: 'react', message: 'shared/ is UI-free.' }, { name: 'react-dom', message: 'shared/ is UI-free.' }],
          patterns: noNode.patterns,
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['electron/**/*.{ts,tsx}'],
    ignores: ['electron/main/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: [...noNode.paths, noElectron], patterns: noNode.patterns }],
    },
  },
);
