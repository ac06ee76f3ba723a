import { app, session, shell, type Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../shared/ipc/csp';
import { isAppUrl, isSafeExternalUrl, permissionGranted } from './app-origin';

// Locks the browser side down: nothing navigates away, nothing opens a
// window, no permission is granted but desktop notifications to our own
// renderer (the operator's opt-in for new attention items), only https links
// leave (to the system browser), and every response carries our CSP.

export function hardenSession(target: Session = session.defaultSession): void {
  target.setPermissionRequestHandler((_contents, permission, callback, details) => callback(permissionGranted(permission, details.requestingUrl)));
  target.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionGranted(permission, requestingOrigin));
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}

export function denyNavigationAndPopups(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
