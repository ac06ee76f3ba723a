import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// `npm start` rebuilds a bundle when any of its sources is newer than it, so
// an edited checkout never runs yesterday's code.

const SOURCE_FILE = /\.(ts|tsx|css|html|json|svg|png)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'dist-electron', '.git']);
/** A checkout has a few hundred sources; stop walking well past that. */
const MAX_ENTRIES = 20_000;

/** The newest modification time (ms) of source files under the given folders; 0 when none. */
export function newestSourceMtime(folders: readonly string[]): number {
  let newest = 0;
  let seen = 0;
  const pending = [...folders];
  while (pending.length > 0 && seen < MAX_ENTRIES) {
    const folder = pending.pop()!;
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      seen += 1;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) pending.push(full);
      } else if (SOURCE_FILE.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        newest = Math.max(newest, statSync(full).mtimeMs);
      }
    }
  }
  return newest;
}

/** True when an output is missing or older than the newest source under `sourceFolders`. */
export function isStale(outputs: readonly string[], sourceFolders: readonly string[]): boolean {
  let oldestOutput = Infinity;
  for (const file of outputs) {
    try {
      oldestOutput = Math.min(oldestOutput, statSync(file).mtimeMs);
    } catch {
      return true;
    }
  }
  return newestSourceMtime(sourceFolders) > oldestOutput;
}

/** The app's bundles: what each is built from, and the vite mode(s) that build it. */
export const BUNDLES = {
  renderer: { what: 'the renderer', outputs: ['dist/renderer/index.html'], sources: ['renderer', 'shared'], modes: [undefined] },
  shell: {
    what: 'the Electron main, back-end worker and preload',
    outputs: ['dist-electron/main.cjs', 'dist-electron/runtime-worker.cjs', 'dist-electron/preload.cjs'],
    sources: ['electron', 'shared'],
    modes: ['electron-main', 'electron-preload'],
  },
} as const satisfies Record<string, { what: string; outputs: readonly string[]; sources: readonly string[]; modes: readonly (string | undefined)[] }>;

/** Builds each named bundle of the checkout at `root` that is missing or older than its sources (vite, synchronously). */
export function buildStaleBundles(root: string, names: readonly (keyof typeof BUNDLES)[], say: (line: string) => void = () => {}): void {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const inRoot = (parts: readonly string[]) => parts.map((part) => path.join(root, part));
  for (const name of names) {
    const bundle = BUNDLES[name];
    if (!isStale(inRoot(bundle.outputs), inRoot(bundle.sources))) continue;
    say(`Building ${bundle.what} (missing or older than its sources)…`);
    for (const mode of bundle.modes) {
      const run = spawnSync(process.execPath, [vite, 'build', ...(mode ? ['--mode', mode] : []), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', timeout: 300_000 });
      if (run.status !== 0) throw new Error(`vite build${mode ? ` --mode ${mode}` : ''} failed`);
    }
  }
}
