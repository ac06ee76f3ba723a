import { randomBytes, timingSafeEqual } from 'node:crypto';

// The browser bridge trusts a request only if it carries this launch's secret:
// once in the launch URL, then as an HttpOnly SameSite=Strict cookie, so other
// local processes and other web pages cannot call our IPC.

export const SESSION_COOKIE = 'cadesk_session';
export const LAUNCH_QUERY_KEY = 'key';

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

export function sessionCookie(secret: string): string {
  return `${SESSION_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/`;
}
