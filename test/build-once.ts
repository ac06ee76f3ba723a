import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { isStale } from '../electron/launch/stale-build';

// Vitest global setup: the tests that drive built bundles (shell wiring, npm
// start's fallback, packaging) need dist/renderer and dist-electron. Built once
// here, before any test file runs, when missing or older than their sources —
// built per test file, parallel workers would empty each other's output folder.

const root = path.resolve(import.meta.dirname, '..');
const inRoot = (...parts: string[]) => parts.map((part) => path.join(root, part));

const BUNDLES: { outputs: string[]; sources: string[]; modes: (string | undefined)[] }[] = [
  { outputs: inRoot('dist/renderer/index.html'), sources: inRoot('renderer', 'shared'), modes: [undefined] },
  {
    outputs: inRoot('dist-electron/main.cjs', 'dist-electron/runtime-worker.cjs', 'dist-electron/preload.cjs'),
    sources: inRoot('electron', 'shared'),
    modes: ['electron-main', 'electron-preload'],
  },
];

export default function buildOnce(): void {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  for (const bundle of BUNDLES) {
    if (!isStale(bundle.outputs, bundle.sources)) continue;
    for (const mode of bundle.modes) {
      const run = spawnSync(process.execPath, [vite, 'build', ...(mode ? ['--mode', mode] : []), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', timeout: 300_000 });
      if (run.status !== 0) throw new Error(`vite build${mode ? ` --mode ${mode}` : ''} failed before the tests`);
    }
  }
}

// `tsx test/build-once.ts` (npm run test:e2e) builds the same way before Playwright.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) buildOnce();
