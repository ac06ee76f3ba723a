// npm start: CA Desk in Electron when the Electron binary is installed, else
// in browser mode (same services in Node, UI in system Chromium or any browser).
// Either way the back end runs in its own worker thread (runtime-host.ts).
//   --browser        browser mode even if Electron is available
//   --port N         bridge port (default 0: any free port)
//   --data-dir DIR   user-data folder (default ~/.config/ca-desk)
//   --no-open        do not open a browser, just print the URL
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultDataDir, startBrowserMode } from '../electron/bridge/browser-mode';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

function viteBuild(mode?: string): void {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', ...(mode ? ['--mode', mode] : []), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`vite build${mode ? ` --mode ${mode}` : ''} failed`);
}

/** The Electron binary, if `npm install` could download it (it cannot here). */
function electronBinary(): string | null {
  const pathFile = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/**
 * Electron 45 downloads its binary on first use, not at install (so an offline
 * `npm install` never fails). Try that download once, bounded; offline it fails
 * within a second and we fall back to browser mode.
 */
function fetchElectronBinary(): string | null {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return null;
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return null;
  console.log('Fetching the Electron binary (first start)…');
  const result = spawnSync(process.execPath, [installer], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (result.status !== 0 || result.error) {
    const why = result.error?.message ?? result.stderr.toString().split('\n').find((line) => line.trim()) ?? 'unknown error';
    console.log(`Could not fetch the Electron binary (${why.trim().slice(0, 200)}).`);
  }
  return electronBinary();
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
    console.log('Building the renderer…');
    viteBuild();
  }
  const electron = flag('--browser') ? null : (electronBinary() ?? fetchElectronBinary());
  if (electron) {
    const built = ['main.cjs', 'runtime-worker.cjs', 'preload.cjs'].every((file) => existsSync(path.join(root, 'dist-electron', file)));
    if (!built) {
      console.log('Building the Electron main, back-end worker and preload…');
      viteBuild('electron-main');
      viteBuild('electron-preload');
    }
    const child = spawn(electron, [root], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }

  if (!flag('--browser')) console.log('Electron binary not available here — starting browser mode');
  const dataDir = option('--data-dir') ?? defaultDataDir();
  const port = Number(option('--port') ?? 0);
  const app = await startBrowserMode({ dataDir, port });
  console.log(`CA Desk (browser mode)\n  data folder : ${dataDir}\n  open        : ${app.launchUrl}`);
  console.log('  (the link works once: it is traded for a session cookie, so a copy seen later is useless; Ctrl+C stops CA Desk)');

  const chromium = '/usr/bin/chromium';
  const canShow = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!flag('--no-open') && existsSync(chromium) && canShow) {
    const browser = spawn(chromium, [`--app=${app.launchUrl}`, `--user-data-dir=${path.join(dataDir, 'chromium-profile')}`, '--no-first-run'], {
      stdio: 'ignore',
    });
    browser.on('error', (error) => console.log(`Could not open Chromium (${error.message}); open the link above in a browser.`));
  } else if (!flag('--no-open')) {
    console.log('  No display or no /usr/bin/chromium: open the link above in a browser.');
  }

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping CA Desk…');
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`CA Desk could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
