import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linuxSandboxProblem, readLinuxSandboxFacts } from '../electron/launch/linux-sandbox';

// `npm start` when Electron cannot give a window: it says why and starts
// browser mode instead of exiting silently. The Electron binary is a labelled
// stand-in (test/electron-stand-in/electron-binary.sh, via CA_DESK_ELECTRON):
// no real Electron can be downloaded on our machines.

const root = path.resolve(import.meta.dirname, '..');
const standIn = path.join(import.meta.dirname, 'electron-stand-in', 'electron-binary.sh');
const temp: string[] = [];
const NOBODY = 65534;

interface StartRun {
  output: string;
  exitCode: number | null;
  browserMode: boolean;
  windowAttempted: boolean;
}

function freshDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-start-'));
  chmodSync(dir, 0o777);
  temp.push(dir);
  return dir;
}

/** Runs `npm start`'s script until browser mode is up (then stops it) or it exits; bounded. */
function runStart(env: Record<string, string>, asUser?: number): Promise<StartRun> {
  const dir = freshDir();
  const mark = path.join(dir, 'window-attempted');
  const options: SpawnOptions = {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: dir, CA_DESK_ELECTRON: standIn, STAND_IN_NODE: process.execPath, STAND_IN_MARK: mark, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ...env },
  };
  if (asUser !== undefined) Object.assign(options, { uid: asUser, gid: asUser });
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-open', '--data-dir', path.join(dir, 'data')], options);
  let output = '';
  let browserMode = false;
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (!browserMode && /CA Desk \(browser mode\)[\s\S]*open {8}: http:\/\/127\.0\.0\.1:\d+\//.test(output)) {
        browserMode = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ output, exitCode: code, browserMode, windowAttempted: existsSync(mark) });
    });
  });
}

/** Non-root scenarios: as this user, or (when we are root) as nobody if nobody can run this checkout. */
function nonRootUser(): number | undefined | null {
  if (process.platform !== 'linux') return null;
  if (process.getuid!() !== 0) return undefined;
  const probe = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./electron/launch/data-dir.ts')"], { cwd: root, uid: NOBODY, gid: NOBODY, env: { ...process.env, HOME: os.tmpdir() }, timeout: 30_000 });
  return probe.status === 0 ? NOBODY : null;
}

let otherUser: number | undefined | null = null;

beforeAll(() => {
  // The bundles are built by test/build-once.ts, so a run as another user never writes into the checkout.
  otherUser = nonRootUser();
  if (otherUser === null) console.warn('start-fallback: no non-root user can run this checkout here; the non-root scenarios are skipped');
}, 60_000);

afterAll(() => {
  for (const dir of temp.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('npm start when Electron cannot give a window', () => {
  it.runIf(process.platform === 'linux' && process.getuid?.() === 0)('as root: says why, never disables the sandbox, starts browser mode', async () => {
    const run = await runStart({ STAND_IN_EXIT: 'clean' });
    expect(run.output).toMatch(/refuses to run as root/);
    expect(run.output).toMatch(/Starting browser mode instead/);
    expect(run.browserMode).toBe(true);
    expect(run.windowAttempted).toBe(false);
  }, 90_000);

  describe('as an ordinary user', () => {
    const sandboxBlocked = () => linuxSandboxProblem({ ...readLinuxSandboxFacts(standIn), uid: 1000 }) !== null;

    it('a failed start: says so and starts browser mode on the same data folder', async (context) => {
      if (otherUser === null || sandboxBlocked()) return context.skip();
      const run = await runStart({ STAND_IN_EXIT: 'startup-failed' }, otherUser);
      expect(run.windowAttempted).toBe(true);
      expect(run.output).toMatch(/Electron window failed: the Electron window could not start/);
      expect(run.browserMode).toBe(true);
    }, 90_000);

    it('killed by a signal: reported as a failure, browser mode offered', async (context) => {
      if (otherUser === null || sandboxBlocked()) return context.skip();
      const run = await runStart({ STAND_IN_EXIT: 'segv' }, otherUser);
      expect(run.output).toMatch(/killed by SIGSEGV/);
      expect(run.browserMode).toBe(true);
    }, 90_000);

    it('an Electron that cannot load the SQLite binding is not started', async (context) => {
      if (otherUser === null || sandboxBlocked()) return context.skip();
      const run = await runStart({ STAND_IN_EXIT: 'no-binding' }, otherUser);
      expect(run.output).toMatch(/cannot load the SQLite binding in node_modules\/better-sqlite3 \(Error: better_sqlite3\.node: invalid ELF header\)/);
      expect(run.windowAttempted).toBe(false);
      expect(run.browserMode).toBe(true);
    }, 90_000);

    it('an Electron that does not even report its Node-API version is not started', async (context) => {
      if (otherUser === null || sandboxBlocked()) return context.skip();
      const run = await runStart({ STAND_IN_EXIT: 'clean', STAND_IN_NODE: '/bin/false' }, otherUser);
      expect(run.output).toMatch(/did not start to report its Node-API version/);
      expect(run.windowAttempted).toBe(false);
      expect(run.browserMode).toBe(true);
    }, 90_000);

    it('a window closed normally ends npm start with 0 and no browser mode', async (context) => {
      if (otherUser === null || sandboxBlocked()) return context.skip();
      const run = await runStart({ STAND_IN_EXIT: 'clean' }, otherUser);
      expect(run.windowAttempted).toBe(true);
      expect(run.browserMode).toBe(false);
      expect(run.exitCode).toBe(0);
    }, 90_000);
  });
});
