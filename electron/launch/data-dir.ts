import os from 'node:os';
import path from 'node:path';

// One data folder for both ways CA Desk runs: Electron's `userData` and browser
// mode resolve it here, so an operator who switches mode keeps their queue.
// Electron would name the folder after productName ("CA Desk"); we pin it.

export const DATA_FOLDER_NAME = 'ca-desk';
export const DATA_DIR_ENV = 'CA_DESK_USER_DATA';
export const DATA_DIR_FLAG = '--data-dir';

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
