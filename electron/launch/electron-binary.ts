import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkNativeBinding, queryNapiVersion } from '../runtime-check/native-binding';

// The development Electron of `npm start`: node_modules/electron's binary,
// fetched on first use where the network allows (Electron 45 downloads lazily,
// so an offline `npm install` never fails), and a check that it can load our
// SQLite binding before a window is promised.

/** Names an Electron binary to use instead of node_modules/electron's (another install, or a test's stand-in). */
export const ELECTRON_BINARY_ENV = 'CA_DESK_ELECTRON';

/** The Electron binary: CA_DESK_ELECTRON if set, else the one downloaded into node_modules/electron. */
export function electronBinary(root: string): string | null {
  const chosen = process.env[ELECTRON_BINARY_ENV];
  if (chosen) return existsSync(chosen) ? chosen : null;
  const pathFile = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Tries Electron's own download once, bounded; offline it fails within a second. */
export function fetchElectronBinary(root: string, say: (line: string) => void): string | null {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || process.env[ELECTRON_BINARY_ENV]) return null;
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return null;
  say('Fetching the Electron binary (first start)…');
  const result = spawnSync(process.execPath, [installer], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (result.status !== 0 || result.error) {
    const why = result.error?.message ?? result.stderr.toString().split('\n').find((line) => line.trim()) ?? 'unknown error';
    say(`Could not fetch the Electron binary (${why.trim().slice(0, 200)}).`);
  }
  return electronBinary(root);
}

// Runs in Electron's own Node (ELECTRON_RUN_AS_NODE): the same ABI and Node-API
// the app's worker will have. Opening an in-memory database loads the binding.
const PROBE = "const D = require('better-sqlite3'); new D(':memory:').prepare('select 1').get();";

/**
 * Null when this Electron loads node_modules/better-sqlite3, else what went
 * wrong in an operator's words: first the static check (the right prebuild,
 * its format, the Node-API version this Electron offers), then a real load in
 * Electron's own Node. (A packaged app cannot run this — its RunAsNode fuse is
 * off — so packaging checks the binding it ships: build/after-pack.mjs.)
 */
export function electronBindingProblem(electron: string, root: string): string | null {
  const napiVersion = queryNapiVersion(electron);
  if (napiVersion === null) return `This Electron (${electron}) did not start to report its Node-API version.`;
  const packageDir = path.join(root, 'node_modules', 'better-sqlite3');
  const staticProblem = checkNativeBinding(packageDir, { platform: process.platform, arch: process.arch, napiVersion });
  if (staticProblem !== null) return staticProblem;
  const result = spawnSync(electron, ['-e', PROBE], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status === 0) return null;
  const detail = (result.error?.message ?? result.stderr ?? '').split('\n').find((line) => line.trim()) ?? `exit code ${result.status}`;
  return [
    `This Electron cannot load the SQLite binding in node_modules/better-sqlite3 (${detail.trim().slice(0, 300)}).`,
    'better-sqlite3 13 ships prebuilt Node-API binaries that Electron loads as they are: run `npm ci` again to restore them.',
  ].join('\n');
}
