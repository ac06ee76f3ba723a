import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMAND_CHANNELS } from '../shared/ipc/channels';
import { STARTUP_FAILED_EXIT_CODE } from '../electron/launch/electron-exit';

// SHELL WIRING, NOT AN ELECTRON RUN. No Electron binary can be downloaded on
// our machines, so this drives the real built dist-electron/main.cjs and its
// real back-end worker in plain Node, with a labelled stand-in answering
// require('electron') (test/electron-stand-in/). It proves what the shell asks
// of Electron and how it answers Electron's callbacks; e2e/electron proves
// Electron itself wherever a binary exists. The bundles are built (when stale)
// by test/build-once.ts before any test runs.

const root = path.resolve(import.meta.dirname, '..');
const mainBundle = path.join(root, 'dist-electron', 'main.cjs');
const standIn = path.join(import.meta.dirname, 'electron-stand-in');
const temp: string[] = [];

interface Report {
  userData: string | null;
  singleInstanceLockRequested: boolean;
  quitCount: number;
  exitCode: number | null;
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[];
  protocolHandlers: string[];
  windows: { options: { webPreferences: Record<string, unknown> }; url: string }[];
  errorBoxes: { title: string; content: string }[];
  menus: unknown[];
  openedExternally: string[];
  ipcChannels: string[];
  quitAfterBackEndClosed?: boolean;
  timedOut?: boolean;
  probes: null | {
    foreignSender: Record<string, string>;
    noFrameSender: string;
    appInfo: { ok: boolean; value: { mode: string } };
    settings: { ok: boolean; value: { credentialProtection: string } };
    protocol: Record<'index' | 'otherHost' | 'traversal', { status: number; csp: string | null; type: string | null }>;
    navigationPrevented: Record<'external' | 'file' | 'redirect' | 'ownPage', boolean>;
    windowOpen: string[];
    permissionsGranted: boolean[];
    permissionCheck: boolean[];
    responseHeaders: Record<string, string[]>;
  };
}

function runShell(env: Record<string, string>, dataDirOverride?: string): Report & { dataDir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-wiring-'));
  temp.push(dir);
  const reportFile = path.join(dir, 'report.json');
  const dataDir = dataDirOverride ?? path.join(dir, 'data');
  const result = spawnSync(
    process.execPath,
    ['--require', path.join(standIn, 'register.cjs'), '--require', path.join(standIn, 'probes.cjs'), mainBundle, `--data-dir=${dataDir}`],
    { cwd: root, env: { ...process.env, STAND_IN_REPORT: reportFile, ...env }, encoding: 'utf8', timeout: 90_000 },
  );
  if (!existsSync(reportFile)) throw new Error(`the shell wrote no report (status ${result.status}): ${result.stderr.slice(-2000)}`);
  return { ...(JSON.parse(readFileSync(reportFile, 'utf8')) as Report), dataDir };
}

afterAll(() => {
  for (const dir of temp.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Electron shell wiring (stand-in Electron module, real main.cjs and worker)', () => {
  it('opens one isolated, sandboxed window on app://, checks every sender and denies navigation, popups and permissions', () => {
    const report = runShell({ STAND_IN_PACKAGED: '1' });
    expect(report.timedOut).toBeUndefined();
    expect(report.userData).toBe(report.dataDir);
    expect(existsSync(path.join(report.dataDir, 'ca-desk.sqlite'))).toBe(true);

    expect(report.windows).toHaveLength(1);
    const window = report.windows[0]!;
    expect(window.url).toBe('app://ca-desk/index.html');
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
    });
    expect(String(window.options.webPreferences.preload)).toMatch(/dist-electron[\\/]preload\.cjs$/);
    // Packaged: no default menu (Linux: none at all).
    expect(report.menus).toEqual([null]);

    expect(report.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(report.protocolHandlers).toEqual(['app']);
    const probes = report.probes!;
    expect(probes.protocol.index).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/html/) });
    expect(probes.protocol.index.csp).toMatch(/default-src 'none'|default-src 'self'/);
    expect(probes.protocol.otherHost.status).toBe(404);
    expect(probes.protocol.traversal.status).toBe(404);

    // Every channel of the contract is registered, and every one refuses a foreign sender.
    expect([...report.ipcChannels].sort()).toEqual(COMMAND_CHANNELS.map((c) => `caDesk:${c}`).sort());
    for (const channel of COMMAND_CHANNELS) expect(probes.foreignSender[channel], channel).toBe('FORBIDDEN');
    expect(probes.noFrameSender).toBe('FORBIDDEN');
    expect(probes.appInfo).toMatchObject({ ok: true, value: { mode: 'electron' } });

    expect(probes.navigationPrevented).toEqual({ external: true, file: true, redirect: true, ownPage: false });
    expect(probes.windowOpen).toEqual(['deny', 'deny', 'deny']);
    expect(report.openedExternally).toEqual([]);
    // Only notifications, and only to the app's own page.
    expect(probes.permissionsGranted).toEqual([false, false, true]);
    expect(probes.permissionCheck).toEqual([false, false, true]);
    expect(probes.responseHeaders['Content-Security-Policy']).toHaveLength(1);

    // With a keyring, credentials go through safeStorage.
    expect(probes.settings).toMatchObject({ ok: true, value: { credentialProtection: 'os-keychain' } });
    // Quitting waits for the back end to close the store.
    expect(report.quitAfterBackEndClosed).toBe(true);
  }, 120_000);

  it('does not use safeStorage where Linux has no keyring (basic_text)', () => {
    const report = runShell({ STAND_IN_KEYRING: 'none' });
    expect(report.probes!.settings.ok).toBe(true);
    expect(report.probes!.settings.value.credentialProtection).not.toBe('os-keychain');
    // A development build keeps DevTools and sets no menu.
    expect(report.windows[0]!.options.webPreferences.devTools).toBe(true);
    expect(report.menus).toEqual([]);
  }, 120_000);

  it('quits at once, with no window, when another instance holds the lock', () => {
    const report = runShell({ STAND_IN_LOCK: 'denied' });
    expect(report.singleInstanceLockRequested).toBe(true);
    expect(report.quitCount).toBeGreaterThan(0);
    expect(report.windows).toEqual([]);
    expect(report.ipcChannels).toEqual([]);
  }, 60_000);

  it('shows a failed start in an error box and exits with the startup-failure code', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-wiring-file-'));
    temp.push(dir);
    const notAFolder = path.join(dir, 'occupied');
    writeFileSync(notAFolder, 'a file where the data folder should be');
    const report = runShell({}, path.join(notAFolder, 'data'));
    expect(report.windows).toEqual([]);
    expect(report.exitCode).toBe(STARTUP_FAILED_EXIT_CODE);
    expect(report.errorBoxes).toHaveLength(1);
    expect(report.errorBoxes[0]!.title).toBe('CA Desk could not start');
    expect(report.errorBoxes[0]!.content).toContain(path.join(notAFolder, 'data'));
  }, 60_000);
});
