import { randomBytes, timingSafeEqual } from 'node:crypto';

// The browser bridge trusts a request only if it carries this launch's session:
// the launch URL's secret (printed, on Chromium's command line) works once and is
// traded for a separate random session token in an HttpOnly SameSite=Strict
// cookie, so other local processes and other web pages cannot call our IPC.

export const LAUNCH_QUERY_KEY = 'key';

/** Cookies are per host, not per port: the port in the name keeps two instances apart. */
export function sessionCookieName(port: number): string {
  return `cadesk_session_${port}`;
}

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function secretsEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function sessionCookie(port: number, token: string): string {
  return `${sessionCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
