import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electronBinary } from '../../electron/launch/electron-binary';
import { linuxSandboxProblem, readLinuxSandboxFacts } from '../../electron/launch/linux-sandbox';
import { BUNDLES } from '../../electron/launch/stale-build';

// The Electron shell itself: one window, isolated, sandboxed, the preload's
// bridge and nothing else. Needs the Electron binary, which `npm install`
// downloads where it can; this machine has none, so the suite is skipped here.

const root = path.resolve(import.meta.dirname, '..', '..');

const binary = electronBinary(root);
// Where Electron exists but cannot open a sandboxed window here (root, AppArmor,
// no display), the suite says why and skips, as npm start would offer browser mode.
const cannotRun =
  binary === null
    ? null
    : (linuxSandboxProblem(readLinuxSandboxFacts(binary)) ??
      (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY ? 'no display (set DISPLAY, e.g. under xvfb-run)' : null));
const built = BUNDLES.shell.outputs.every((file) => existsSync(path.join(root, file)));

if (binary === null) console.warn('e2e/electron: Electron binary not available here — the Electron suite is skipped (browser-mode suites cover the same services).');
test.skip(binary === null, 'Electron binary not available here (node_modules/electron/path.txt is missing): run where npm could download Electron');
if (cannotRun !== null) console.warn(`e2e/electron: Electron cannot open a window here — ${cannotRun.split('\n')[0]}`);
test.skip(cannotRun !== null, `Electron cannot open a window here: ${cannotRun ?? ''}`);
// Where Electron exists, an unbuilt shell is a failure, not a reason to skip
// (`npm run test:e2e` builds it first).
test.beforeAll(() => {
  if (!built) throw new Error('dist-electron is not built: run npm run build (npm run test:e2e does) before the Electron suite');
});

test('one locked-down window with the preload bridge only', async () => {
  const userData = mkdtempSync(path.join(os.tmpdir(), 'cadesk-electron-'));
  const app = await electron.launch({ executablePath: binary!, args: [root], env: { ...process.env, CA_DESK_USER_DATA: userData } });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible({ timeout: 30_000 });
    expect(app.windows()).toHaveLength(1);
    expect(window.url()).toMatch(/^app:\/\/ca-desk\//);
    // No Node in the page; the contract's bridge is there.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    expect(await window.evaluate(() => Object.keys((globalThis as unknown as { caDesk: object }).caDesk).sort())).toEqual(['invoke', 'on']);
    const info = await window.evaluate(() => (globalThis as unknown as { caDesk: { invoke(c: string, i: unknown): Promise<unknown> } }).caDesk.invoke('app.info', {}));
    expect(info).toMatchObject({ ok: true, value: { mode: 'electron' } });
    // Navigation away and new windows are refused.
    // http (not https) so the refused popup is not handed to the system browser either.
    await window.evaluate(() => globalThis.open('http://example.invalid/'));
    await window.evaluate(() => {
      globalThis.location.href = 'http://example.invalid/';
    });
    await window.waitForTimeout(500);
    expect(app.windows()).toHaveLength(1);
    expect(window.url()).toMatch(/^app:\/\/ca-desk\//);
    // The SQLite file lives in the user-data folder.
    expect(existsSync(path.join(userData, 'ca-desk.sqlite'))).toBe(true);
  } finally {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
