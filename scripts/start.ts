// npm start: CA Desk in Electron when the Electron binary is installed and can
// run here, else in browser mode (same services in Node, UI in system Chromium
// or any browser). Either way the back end runs in its own worker thread
// (runtime-host.ts) and the data lives in one folder (electron/launch/data-dir.ts).
//   --browser        browser mode even if Electron is available
//   --port N         bridge port (default 0: any free port)
//   --data-dir DIR   data folder (default <appData>/ca-desk; also CA_DESK_USER_DATA)
//   --no-open        do not open a browser, just print the URL
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { startBrowserMode } from '../electron/bridge/browser-mode';
import { prepareDataDir } from '../electron/launch/data-dir';
import { electronBinary, electronBindingProblem, fetchElectronBinary } from '../electron/launch/electron-binary';
import { classifyElectronExit, type ElectronExit } from '../electron/launch/electron-exit';
import { linuxSandboxProblem, readLinuxSandboxFacts } from '../electron/launch/linux-sandbox';
import { buildStaleBundles } from '../electron/launch/stale-build';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** Why Electron should not be started here, or null. */
function electronProblem(electron: string): string | null {
  return linuxSandboxProblem(readLinuxSandboxFacts(electron)) ?? electronBindingProblem(electron, root);
}

/** Asks on a terminal (default yes); without one, browser mode is the answer. */
async function offerBrowserMode(reason: string): Promise<boolean> {
  console.log(`\n${reason}`);
  if (!process.stdin.isTTY) {
    console.log('Starting browser mode instead (same console, same data folder).');
    return true;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question('Start CA Desk in browser mode instead? [Y/n] ');
    return !/^n/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

function runElectron(electron: string, dataDir: string): Promise<ElectronExit> {
  buildStaleBundles(root, ['shell'], console.log);
  const child = spawn(electron, [root, `--data-dir=${dataDir}`], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ kind: 'failed', reason: `Electron could not be started (${error.message})`, exitCode: 1 }));
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(classifyElectronExit(code, signal));
    });
  });
}

async function runBrowserMode(dataDir: string): Promise<void> {
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

async function main(): Promise<void> {
  const { dir: dataDir, movedFrom } = prepareDataDir({ argv: args, env: process.env, cwd: process.cwd() });
  if (movedFrom !== null) console.log(`Moved the data folder of an earlier version from ${movedFrom} to ${dataDir}.`);
  buildStaleBundles(root, ['renderer'], console.log);

  if (flag('--browser')) return runBrowserMode(dataDir);
  const electron = electronBinary(root) ?? fetchElectronBinary(root, console.log);
  if (electron === null) {
    console.log('Electron binary not available here — starting browser mode');
    return runBrowserMode(dataDir);
  }
  const problem = electronProblem(electron);
  if (problem !== null) {
    if (await offerBrowserMode(problem)) return runBrowserMode(dataDir);
    process.exit(1);
  }
  const exit = await runElectron(electron, dataDir);
  if (exit.kind === 'closed') process.exit(0);
  if (exit.kind === 'stopped') process.exit(exit.exitCode);
  if (await offerBrowserMode(`CA Desk's Electron window failed: ${exit.reason}.`)) return runBrowserMode(dataDir);
  process.exit(exit.exitCode);
}

main().catch((error: unknown) => {
  console.error(`CA Desk could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
