import { CRMCOM_IDLE_TOKEN_LIFETIME_MS, CRMCOM_JWT_LIFETIME_MS, CRMCOM_RELEASES, type CrmcomRelease } from '../../shared/domain/crmcom-v4';

// When a CRM.COM token dies and must be replaced. From R12 a token is a JWT
// that dies 2 h after issue whatever the use [page]; its payload says when
// (exp, iat). The payload is read, never verified (the server verifies; we
// only plan), so it is not trusted either: no token is assumed to live longer
// than its release allows, and a nonsensical exp makes it die at once. The
// token itself is never logged or kept beyond memory.

/** Replace a token this long before it dies, so a call in flight never carries a dying one. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * A JWT's `iat` and `exp` claims (ms), or null when the token is not a JWT
 * with an exp claim. `expiresAt` is NaN when exp is there but not a finite
 * positive number (the token then counts as dying now).
 */
function jwtTimes(token: string): { issuedAt: number | null; expiresAt: number } | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1]!.length === 0 || parts[1]!.length > 8192) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (claims === null || typeof claims !== 'object' || !('exp' in claims)) return null;
  const { exp, iat } = claims as { exp?: unknown; iat?: unknown };
  const seconds = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value * 1000 : NaN);
  const issuedAt = seconds(iat);
  return { issuedAt: Number.isNaN(issuedAt) ? null : issuedAt, expiresAt: seconds(exp) };
}

/**
 * How long a token obtained at `obtainedAt` (our clock) lives, in ms, between
 * 0 and the release's lifetime (2 h from R12, 1 h idle before). A JWT's
 * lifetime is exp − iat on the server's clock, so a skewed clock cannot make
 * us keep a dead token; without iat, exp is read on our clock corrected by
 * `skewMs` (server minus ours) when known. Not a JWT: the release's lifetime.
 */
export function tokenLifetimeMs(token: string, obtainedAt: number, release: CrmcomRelease, skewMs: number | null = null): number {
  const cap = CRMCOM_RELEASES[release].jwtTokens ? CRMCOM_JWT_LIFETIME_MS : CRMCOM_IDLE_TOKEN_LIFETIME_MS;
  const jwt = jwtTimes(token);
  if (jwt === null) return cap;
  const lifetime = jwt.issuedAt !== null ? jwt.expiresAt - jwt.issuedAt : jwt.expiresAt - (skewMs ?? 0) - obtainedAt;
  // NaN (a nonsensical exp) and anything not positive: dead now, replaced before its next use.
  if (!(lifetime > 0)) return 0;
  return Math.min(lifetime, cap);
}

/** When a token obtained at `obtainedAt` dies, on our clock ("Test connection" reports it). */
export function tokenExpiresAt(token: string, obtainedAt: number, release: CrmcomRelease, skewMs: number | null = null): number {
  return obtainedAt + tokenLifetimeMs(token, obtainedAt, release, skewMs);
}

/** When to replace a token obtained at `obtainedAt`: a margin before it dies, half its life for a short-lived one. */
export function tokenReplaceAt(token: string, obtainedAt: number, release: CrmcomRelease, skewMs: number | null = null): number {
  const lifetime = tokenLifetimeMs(token, obtainedAt, release, skewMs);
  const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, lifetime / 2);
  return obtainedAt + lifetime - margin;
}
