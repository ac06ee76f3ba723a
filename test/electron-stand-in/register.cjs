// STAND-IN FOR ELECTRON — NOT AN ELECTRON RUN.
// No Electron binary can be downloaded on our machines, so the shell-wiring
// test runs the real built dist-electron/main.cjs (and its real back-end
// worker) in plain Node with this module answering `require('electron')`.
// It records what the shell asks of Electron (window options, protocol,
// handlers, dialogs) and lets the test drive those handlers as Electron would.
// It proves our wiring, not Electron's behaviour: e2e/electron/app.spec.ts
// does that wherever a real Electron exists.
//
// Scenario knobs (environment):
//   STAND_IN_REPORT          file the report is written to (JSON), then the process exits
//   STAND_IN_LOCK            "denied": another instance holds the single-instance lock
//   STAND_IN_KEYRING         "none": safeStorage reports the basic_text backend (no keyring)
//   STAND_IN_PACKAGED        "1": app.isPackaged is true
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const { writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const record = {
  singleInstanceLockRequested: false,
  quitCount: 0,
  exitCode: null,
  userData: null,
  privilegedSchemes: [],
  protocolHandlers: {},
  windows: [],
  errorBoxes: [],
  menus: [],
  openedExternally: [],
  ipcHandlers: new Map(),
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  headersHandler: null,
};

const app = new EventEmitter();
const paths = { appData: path.join(os.tmpdir(), 'stand-in-appdata'), userData: path.join(os.tmpdir(), 'stand-in-appdata', 'CA Desk') };
let ready;
const readyPromise = new Promise((resolve) => (ready = resolve));
Object.assign(app, {
  isPackaged: process.env.STAND_IN_PACKAGED === '1',
  getVersion: () => '0.0.0-stand-in',
  getPath: (name) => paths[name],
  setPath: (name, value) => {
    paths[name] = value;
    if (name === 'userData') record.userData = value;
  },
  requestSingleInstanceLock: () => {
    record.singleInstanceLockRequested = true;
    return process.env.STAND_IN_LOCK !== 'denied';
  },
  whenReady: () => readyPromise,
  quit: () => {
    record.quitCount += 1;
    app.emit('will-quit', { preventDefault() {} });
  },
  exit: (code) => {
    record.exitCode = code;
    finish();
  },
});
setImmediate(() => ready());

class WebContents extends EventEmitter {
  constructor(url) {
    super();
    this.url = url;
    this.sent = [];
    this.windowOpenHandler = null;
  }
  getURL() {
    return this.url;
  }
  send(channel, payload) {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
}

class BrowserWindow extends EventEmitter {
  static all = [];
  static getAllWindows() {
    return BrowserWindow.all;
  }
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents('');
    this.destroyed = false;
    BrowserWindow.all.push(this);
    record.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url) {
    this.webContents.url = url;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show() {}
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

const noKeyring = process.env.STAND_IN_KEYRING === 'none';
// Reversible, clearly not encryption: enough to prove the shell routes secrets
// through safeStorage and not through the key-file fallback.
const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => (noKeyring ? 'basic_text' : 'gnome_libsecret'),
  encryptString: (plain) => Buffer.from(`stand-in:${Buffer.from(plain, 'utf8').toString('base64')}`),
  decryptString: (sealed) => Buffer.from(sealed.toString().replace(/^stand-in:/, ''), 'base64').toString('utf8'),
};

const electron = {
  app,
  BrowserWindow,
  safeStorage,
  dialog: { showErrorBox: (title, content) => record.errorBoxes.push({ title, content }) },
  Menu: {
    buildFromTemplate: (template) => ({ template }),
    setApplicationMenu: (menu) => record.menus.push(menu),
  },
  shell: { openExternal: (url) => (record.openedExternally.push(url), Promise.resolve()) },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => record.privilegedSchemes.push(...schemes),
    handle: (scheme, handler) => (record.protocolHandlers[scheme] = handler),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler) => (record.permissionRequestHandler = handler),
      setPermissionCheckHandler: (handler) => (record.permissionCheckHandler = handler),
      webRequest: { onHeadersReceived: (handler) => (record.headersHandler = handler) },
    },
  },
  ipcMain: {
    handle: (channel, handler) => record.ipcHandlers.set(channel, handler),
    removeHandler: (channel) => record.ipcHandlers.delete(channel),
  },
};

const load = Module._load;
Module._load = function standInLoad(request, ...rest) {
  if (request === 'electron') return electron;
  return load.call(this, request, ...rest);
};

let finished = false;
function finish(extra = {}) {
  if (finished) return;
  finished = true;
  const report = {
    ...record,
    ...extra,
    ipcChannels: [...record.ipcHandlers.keys()],
    windows: record.windows.map((w) => ({ options: w.options, url: w.webContents.url })),
    permissionRequestHandler: undefined,
    permissionCheckHandler: undefined,
    headersHandler: undefined,
    protocolHandlers: Object.keys(record.protocolHandlers),
    ipcHandlers: undefined,
  };
  writeFileSync(process.env.STAND_IN_REPORT, JSON.stringify(report));
  process.exit(0);
}

// What the test drives once the window exists, as Electron would.
globalThis.__electronStandIn = { record, electron, finish, WebContents };
