import react from '@vitejs/plugin-react';
import { builtinModules } from 'node:module';
import { defineConfig, type UserConfig } from 'vite';

// Three builds from one file:
//   vite build                        → dist/renderer (the React UI, base ./)
//   vite build --mode electron-main    → dist-electron/main.cjs
//   vite build --mode electron-preload → dist-electron/preload.cjs (one CommonJS
//                                        file: a sandboxed preload cannot require
//                                        siblings)

const nodeExternals = ['electron', 'better-sqlite3', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

function electronBuild(entry: string, fileName: string): UserConfig {
  return {
    publicDir: false,
    build: {
      ssr: entry,
      outDir: 'dist-electron',
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        external: nodeExternals,
        output: { format: 'cjs', entryFileNames: fileName, codeSplitting: false },
      },
    },
    ssr: { noExternal: true, external: nodeExternals },
  };
}

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'electron-main') return electronBuild('electron/main/main.ts', 'main.cjs');
  if (mode === 'electron-preload') return electronBuild('electron/preload/preload.ts', 'preload.cjs');
  return {
    root: 'renderer',
    base: './',
    plugins: [react()],
    build: {
      outDir: '../dist/renderer',
      emptyOutDir: true,
      target: 'chrome130',
      sourcemap: false,
      // Keep the CSP free of inline anything: no inlined module-preload polyfill.
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
    },
  };
});
