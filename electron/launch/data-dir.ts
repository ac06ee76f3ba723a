import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// One data folder for both ways CA Desk runs: Electron's `userData` and browser
// mode resolve it here, so an operator who switches mode keeps their queue.
// Electron would name the folder after productName ("CA Desk"); we pin it.

export const DATA_FOLDER_NAME = 'ca-desk';
export const DATA_DIR_ENV = 'CA_DESK_USER_DATA';
export const DATA_DIR_FLAG = '--data-dir';
/** The store's file name inside the data folder. */
export const STORE_FILE = 'ca-desk.sqlite';

export interface DataDirInputs {
  /** Command-line arguments (only `--data-dir DIR` / `--data-dir=DIR` are read). */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths are resolved against this folder. */
  cwd: string;
  platform?: NodeJS.Platform;
  home?: string;
}

/** Electron's `appData` for the platform (what `app.getPath('appData')` answers). */
export function platformAppDataDir(platform: NodeJS.Platform, env: DataDirInputs['env'], home: string): string {
  if (platform === 'win32') return env.APPDATA || path.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME || path.join(home, '.config');
}

/** The value of `--data-dir`, in either spelling; undefined when absent or empty. */
export function dataDirArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === DATA_DIR_FLAG) return argv[i + 1] || undefined;
    if (arg.startsWith(`${DATA_DIR_FLAG}=`)) return arg.slice(DATA_DIR_FLAG.length + 1) || undefined;
  }
  return undefined;
}

/** The data folder: `--data-dir`, else CA_DESK_USER_DATA, else `<appData>/ca-desk`; always absolute. */
export function resolveDataDir(inputs: DataDirInputs): string {
  const chosen = dataDirArgument(inputs.argv) ?? (inputs.env[DATA_DIR_ENV] || undefined);
  if (chosen !== undefined) return path.resolve(inputs.cwd, chosen);
  const platform = inputs.platform ?? process.platform;
  return path.join(platformAppDataDir(platform, inputs.env, inputs.home ?? os.homedir()), DATA_FOLDER_NAME);
}

/**
 * Default folders of earlier versions: Electron's own `<appData>/CA Desk`
 * (named after productName) and browser mode's `~/.config/ca-desk` on every
 * platform. Never the current default itself.
 */
export function legacyDataDirs(inputs: Omit<DataDirInputs, 'argv' | 'cwd'>): string[] {
  const platform = inputs.platform ?? process.platform;
  const home = inputs.home ?? os.homedir();
  const appData = platformAppDataDir(platform, inputs.env, home);
  const current = path.join(appData, DATA_FOLDER_NAME);
  return [path.join(appData, 'CA Desk'), path.join(inputs.env.XDG_CONFIG_HOME || path.join(home, '.config'), DATA_FOLDER_NAME)].filter(
    (dir, i, all) => dir !== current && all.indexOf(dir) === i,
  );
}

/**
 * The data folder to open. With no explicit choice, an upgrade finds the queue
 * where an earlier version kept it: when the default folder has no store and
 * one earlier default has, that folder is moved into place (store, WAL, marker
 * and backups together). Opening an empty queue beside the old one would leave
 * its unknown outcomes unreconciled and invite operators to queue them again.
 */
export function prepareDataDir(inputs: DataDirInputs): { dir: string; movedFrom: string | null } {
  const dir = resolveDataDir(inputs);
  if (dataDirArgument(inputs.argv) !== undefined || inputs.env[DATA_DIR_ENV]) return { dir, movedFrom: null };
  if (existsSync(path.join(dir, STORE_FILE))) return { dir, movedFrom: null };
  const earlier = legacyDataDirs(inputs).filter((candidate) => existsSync(path.join(candidate, STORE_FILE)));
  if (earlier.length === 0) return { dir, movedFrom: null };
  if (earlier.length > 1) {
    throw new Error(`Earlier versions left a CA Desk store in ${earlier.join(' and in ')}. Move the one to keep to ${dir} (or start with --data-dir) and start again.`);
  }
  const from = earlier[0]!;
  if (existsSync(dir)) {
    if (readdirSync(dir).length > 0) throw new Error(`${from} holds the queue of an earlier version, but ${dir} is not empty. Move ${from} to ${dir} (or start with --data-dir ${from}).`);
    rmdirSync(dir);
  }
  try {
    mkdirSync(path.dirname(dir), { recursive: true });
    renameSync(from, dir);
  } catch (error) {
    throw new Error(`Could not move the earlier data folder ${from} to ${dir} (${error instanceof Error ? error.message : String(error)}). Move it by hand, or start with --data-dir ${from}.`);
  }
  return { dir, movedFrom: from };
}
