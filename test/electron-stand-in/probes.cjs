// STAND-IN FOR ELECTRON — drives the handlers the real main.cjs registered,
// the way Electron would call them, and adds the answers to the report.
// Loaded after register.cjs, before dist-electron/main.cjs.
const { record, electron, finish, WebContents } = globalThis.__electronStandIn;

const APP_URL = 'app://ca-desk/index.html';
const FOREIGN_URL = 'https://evil.example/';
const DEADLINE_MS = 60_000;

function navigationProbe(event, url) {
  const contents = new WebContents(APP_URL);
  electron.app.emit('web-contents-created', {}, contents);
  let prevented = false;
  contents.emit(event, { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

async function probeRunningShell() {
  const probes = {};
  const invoke = (channel, senderUrl, input = {}) => record.ipcHandlers.get(`caDesk:${channel}`)({ senderFrame: senderUrl === null ? null : { url: senderUrl } }, input);

  probes.foreignSender = {};
  for (const channel of record.ipcHandlers.keys()) {
    const name = channel.replace(/^caDesk:/, '');
    probes.foreignSender[name] = (await invoke(name, FOREIGN_URL)).error?.code ?? 'ANSWERED';
  }
  probes.noFrameSender = (await invoke('app.info', null)).error?.code ?? 'ANSWERED';
  probes.appInfo = await invoke('app.info', APP_URL);
  probes.settings = await invoke('settings.get', APP_URL);

  const serve = record.protocolHandlers.app;
  const answer = async (url) => {
    const response = await serve({ url });
    return { status: response.status, csp: response.headers.get('Content-Security-Policy'), type: response.headers.get('Content-Type') };
  };
  probes.protocol = {
    index: await answer(APP_URL),
    otherHost: await answer('app://other/index.html'),
    traversal: await answer('app://ca-desk/..%2f..%2fpackage.json'),
  };

  probes.navigationPrevented = {
    external: navigationProbe('will-navigate', 'https://example.com/'),
    file: navigationProbe('will-navigate', 'file:///etc/passwd'),
    redirect: navigationProbe('will-redirect', 'http://127.0.0.1:1/'),
    ownPage: navigationProbe('will-navigate', 'app://ca-desk/index.html#/queue'),
  };
  const popupContents = record.windows[0].webContents;
  probes.windowOpen = ['https://example.com/', 'file:///etc/passwd', APP_URL].map((url) => popupContents.windowOpenHandler({ url }).action);

  // As Electron calls them: the request handler gets details with the requesting URL, the check handler the origin.
  const granted = [];
  const ask = (permission, requestingUrl) => record.permissionRequestHandler(null, permission, (allowed) => granted.push(allowed), { requestingUrl });
  ask('media', APP_URL);
  ask('notifications', 'https://example.com/');
  ask('notifications', APP_URL);
  probes.permissionsGranted = granted;
  probes.permissionCheck = [
    record.permissionCheckHandler(null, 'clipboard-read', 'app://ca-desk', {}),
    record.permissionCheckHandler(null, 'notifications', 'https://example.com', {}),
    record.permissionCheckHandler(null, 'notifications', 'app://ca-desk', {}),
  ];
  let headers = null;
  record.headersHandler({ responseHeaders: {} }, (result) => (headers = result.responseHeaders));
  probes.responseHeaders = headers;
  return probes;
}

async function run() {
  const started = Date.now();
  while (Date.now() - started < DEADLINE_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (record.windows.length > 0 && record.ipcHandlers.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const probes = await probeRunningShell();
      // Quit as Electron would: main defers the quit (will-quit) until the back
      // end has closed, then quits again.
      electron.app.quit();
      const quitStarted = Date.now();
      while (record.quitCount < 2 && Date.now() - quitStarted < 20_000) await new Promise((resolve) => setTimeout(resolve, 50));
      return finish({ probes, quitAfterBackEndClosed: record.quitCount >= 2 });
    }
    // Second instance: main quits without a window.
    if (record.quitCount > 0 && record.windows.length === 0 && Date.now() - started > 1_000) return finish({ probes: null });
  }
  finish({ probes: null, timedOut: true });
}

void run();
