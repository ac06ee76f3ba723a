// Lint guards the runtime boundaries (DEVELOPERS.md habit 1):
//  - shared/ runs everywhere: no Node, DOM, Electron or React imports;
//  - electron/ outside the shell (electron/main, electron/preload) runs in plain
//    Node: it never imports `electron`;
//  - renderer/ runs in a sandboxed page: no Node, no Electron.
import js from '@eslint/js';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import { folderImports } from './lint/folder-imports.js';

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
const noElectronDeep = { group: ['electron/*'], message: noElectron.message };
// Only one file each may touch raw Electron IPC: every channel goes through the contract.
const rawIpc = (name) => ({ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: `Only ${name} may import raw ipcMain/ipcRenderer: use the typed contract in shared/ipc.` });

// Globals every runtime of ours has (Node 22, Chromium, Electron's renderer): the
// only non-language globals shared/ may touch.
const crossRuntimeGlobals = new Set([
  'console', 'crypto', 'structuredClone', 'queueMicrotask', 'setTimeout', 'clearTimeout',
  'setInterval', 'clearInterval', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams',
  'AbortController', 'AbortSignal', 'performance',
]);
const runtimeOnlyGlobals = [...new Set([...Object.keys(globals.browser), ...Object.keys(globals.node)])].filter(
  (name) => !(name in globals.es2024) && !crossRuntimeGlobals.has(name),
);

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
    // Our own folders: shared/ only shared/; renderer/ itself and shared/; electron/ itself and shared/.
    files: ['shared/**/*.{ts,tsx}', 'renderer/**/*.{ts,tsx}', 'electron/**/*.{ts,tsx}'],
    plugins: { local: { rules: { 'folder-imports': folderImports } } },
    rules: {
      'local/folder-imports': ['error', { shared: ['shared'], renderer: ['renderer', 'shared'], electron: ['electron', 'shared'] }],
    },
  },
  {
    // The bridge's tests talk to it with the page's own transport, as the renderer does.
    files: ['electron/**/*.test.ts'],
    rules: { 'local/folder-imports': ['error', { electron: ['electron', 'shared', 'renderer'] }] },
  },
  {
    files: ['electron/main/**/*.ts'],
    ignores: ['electron/main/ipc-main.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc('electron/main/ipc-main.ts')] }] },
  },
  {
    files: ['electron/preload/**/*.ts'],
    ignores: ['electron/preload/preload.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawIpc('electron/preload/preload.ts')] }] },
  },
  {
    files: ['shared/**/*.{ts,tsx}'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...noNode.paths, noElectron, { name: 'react', message: 'shared/ is UI-free.' }, { name: 'react-dom', message: 'shared/ is UI-free.' }],
          patterns: [...noNode.patterns, noElectronDeep],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...runtimeOnlyGlobals.map((name) => ({ name, message: 'shared/ runs in Node and in the page: no runtime-specific globals.' })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'globalThis', property: 'process', message: 'shared/ must not depend on Node.' },
        { object: 'globalThis', property: 'window', message: 'shared/ must not depend on the DOM.' },
        { object: 'globalThis', property: 'document', message: 'shared/ must not depend on the DOM.' },
      ],
    },
  },
  {
    files: ['electron/**/*.{ts,tsx}'],
    ignores: ['electron/main/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noElectronDeep] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: [...noNode.paths, noElectron], patterns: [...noNode.patterns, noElectronDeep] }],
    },
  },
  {
    // The stand-in for Electron in the shell-wiring test is CommonJS on purpose:
    // it is loaded with `node --require` before the real main.cjs.
    files: ['test/electron-stand-in/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
