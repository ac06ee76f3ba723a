// The renderer is served from app://ca-desk/ (not file://), so it has a real
// origin: the CSP 'self', the IPC sender check and navigation checks all key on it.
export const APP_SCHEME = 'app';
export const APP_HOST = 'ca-desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True for URLs of our own renderer, and nothing else (not file://, not other app:// hosts). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The one permission the console may have: desktop notifications (an operator's opt-in in Settings). */
export const GRANTED_PERMISSIONS: readonly string[] = ['notifications'];

/** Whether `permission` asked by `requestingUrl` is granted: only ours, and only to our own renderer. */
export function permissionGranted(permission: string, requestingUrl: string): boolean {
  return GRANTED_PERMISSIONS.includes(permission) && isAppUrl(requestingUrl);
}

/**
 * Hosts a link in the console may open in the system browser. The UI links
 * nowhere outside today; a host is added here together with the link that
 * needs it, so a page (or an injected string) cannot open arbitrary sites.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [];

/** shell.openExternal is allowed for https to an allow-listed host only: no file:, no custom handlers, no http. */
export function isSafeExternalUrl(url: string, allowedHosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && allowedHosts.includes(parsed.hostname);
  } catch {
    return false;
  }
}
