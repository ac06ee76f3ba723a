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

/** shell.openExternal is allowed for https only: no file:, no custom handlers, no http. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
