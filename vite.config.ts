import react from '@vitejs/plugin-react';
import { builtinModules } from 'node:module';
import { defineConfig, type UserConfig } from 'vite';

// Three builds from one file:
//   vite build                        → dist/renderer (the React UI, base ./)
//   vite build --mode electron-main    → dist-electron/main.cjs and
//                                        dist-electron/runtime-worker.cjs (the
//                                        back end's worker thread), sharing
//                                        dist-electron/chunks/*.cjs
//   vite build --mode electron-preload → dist-electron/preload.cjs (one CommonJS
//                                        file: a sandboxed preload cannot require
//                                        siblings)

const nodeExternals = ['electron', 'better-sqlite3', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** entries: output name (without .cjs) → source file. One entry builds one self-contained file. */
function electronBuild(entries: Record<string, string>): UserConfig {
  const single = Object.keys(entries).length === 1;
  return {
    publicDir: false,
    build: {
      ssr: true,
      outDir: 'dist-electron',
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      sourcemap: true,
      rolldownOptions: {
        input: entries,
        external: nodeExternals,
        output: { format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/shared-[hash].cjs', codeSplitting: !single },
      },
    },
    ssr: { noExternal: true, external: nodeExternals },
  };
}

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'electron-main') return electronBuild({ main: 'electron/main/main.ts', 'runtime-worker': 'electron/services/runtime-worker.ts' });
  if (mode === 'electron-preload') return electronBuild({ preload: 'electron/preload/preload.ts' });
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
