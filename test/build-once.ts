import path from 'node:path';
import { buildStaleBundles } from '../electron/launch/stale-build';

// Vitest global setup: the tests that drive built bundles (shell wiring, npm
// start's fallback, packaging) need dist/renderer and dist-electron. Built once
// here, before any test file runs, when missing or older than their sources —
// built per test file, parallel workers would empty each other's output folder.

const root = path.resolve(import.meta.dirname, '..');

export default function buildOnce(): void {
  buildStaleBundles(root, ['renderer', 'shell']);
}

// `tsx test/build-once.ts` builds the same way before Playwright (npm run test:e2e)
// and before the quick benches (npm run test:bench: the UI bench serves dist/renderer).
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) buildOnce();
