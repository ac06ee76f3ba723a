import { app, BrowserWindow, dialog, Menu } from 'electron';
import path from 'node:path';
import { prepareDataDir } from '../launch/data-dir';
import { STARTUP_FAILED_EXIT_CODE } from '../launch/electron-exit';
import type { RuntimeHandle } from '../services/runtime-handle';
import { startRuntimeHost } from '../services/runtime-host';
import { APP_ENTRY_URL } from './app-origin';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { forwardEvents, registerIpcHandlers } from './ipc-main';
import { createSafeStorageVault } from './safe-storage-vault';
import { denyNavigationAndPopups, hardenSession } from './window-security';

// The Electron shell: one locked-down window over the same services browser
// mode uses. Built to dist-electron/main.cjs; __dirname is that folder. The
// back end (store, sandbox, sync) runs in a worker thread
// (dist-electron/runtime-worker.cjs) so this loop only relays IPC; safeStorage
// stays here and the worker asks it over a port (services/vault-channel.ts).

const rendererDir = path.join(__dirname, '..', 'dist', 'renderer');
const preloadFile = path.join(__dirname, 'preload.cjs');
const workerFile = path.join(__dirname, 'runtime-worker.cjs');

let runtime: RuntimeHandle | null = null;
let mainWindow: BrowserWindow | null = null;

function createWindow(current: RuntimeHandle): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    title: 'CA Desk',
    show: false,
    backgroundColor: '#101418',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // Packaged builds carry no DevTools (a development checkout keeps them).
      devTools: !app.isPackaged,
    },
  });
  const stopEvents = forwardEvents(current, window);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    stopEvents();
    mainWindow = null;
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** macOS needs an application menu for copy and paste; elsewhere a packaged build has none. */
function applicationMenu(): Menu | null {
  if (process.platform !== 'darwin') return null;
  return Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]);
}

async function boot(): Promise<void> {
  // The same folder browser mode uses (electron/launch/data-dir.ts): --data-dir,
  // CA_DESK_USER_DATA, else <appData>/ca-desk.
  // An earlier version's default folder is moved into place (prepareDataDir).
  app.setPath('userData', prepareDataDir({ argv: process.argv, env: process.env, cwd: process.cwd() }).dir);
  if (!app.requestSingleInstanceLock()) {
    // A second CA Desk on the same database would fight over the SQLite lock.
    app.quit();
    return;
  }
  registerAppScheme();
  denyNavigationAndPopups();
  await app.whenReady();
  if (app.isPackaged) Menu.setApplicationMenu(applicationMenu());
  hardenSession();
  serveRenderer(rendererDir);

  const dataDir = app.getPath('userData');
  // No OS keychain: the worker seals with the operator's passphrase (services/credential-vault.ts), locked until it is entered in Settings.
  const vault = createSafeStorageVault() ?? undefined;
  runtime = await startRuntimeHost({ dataDir, mode: 'electron', vault, version: app.getVersion(), workerFile });
  registerIpcHandlers(runtime);
  mainWindow = createWindow(runtime);

  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('activate', () => {
    if (runtime && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow(runtime);
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let closing = false;
app.on('will-quit', (event) => {
  if (closing || runtime === null) return;
  // Let the store and the sync engine finish cleanly before the process ends.
  event.preventDefault();
  closing = true;
  const current = runtime;
  runtime = null;
  void current.close().finally(() => app.quit());
});

// A failed start is shown to the operator, not only printed: a desktop launch
// has no terminal. `npm start` reads the exit code and offers browser mode.
boot().catch((error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`CA Desk could not start: ${reason}`);
  dialog.showErrorBox(
    'CA Desk could not start',
    `${reason}\n\nData folder: ${app.getPath('userData')}\nNothing in the queue was changed. Fix the cause above and start CA Desk again.`,
  );
  app.exit(STARTUP_FAILED_EXIT_CODE);
});
