import { CRMCOM_IDLE_TOKEN_LIFETIME_MS, CRMCOM_JWT_LIFETIME_MS, CRMCOM_RELEASES, type CrmcomRelease } from '../../shared/domain/crmcom-v4';

// When a CRM.COM token must be replaced. From R12 a token is a JWT that dies
// 2 h after issue whatever the use [page]; its payload says when (exp, iat).
// The payload is read, never verified (the server verifies; we only plan),
// and the token itself is never logged or kept beyond memory.

/** Replace a token this long before it dies, so a call in flight never carries a dying one. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/** The `iat` and `exp` claims (ms) of a JWT, or null when the token is not a JWT with an exp. */
export function jwtTimes(token: string): { issuedAt: number | null; expiresAt: number } | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1]!.length === 0 || parts[1]!.length > 8192) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (claims === null || typeof claims !== 'object') return null;
  const { exp, iat } = claims as { exp?: unknown; iat?: unknown };
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return null;
  return { issuedAt: typeof iat === 'number' && Number.isFinite(iat) ? iat * 1000 : null, expiresAt: exp * 1000 };
}

/**
 * When to replace a token obtained at `obtainedAt` (our clock). A JWT's
 * lifetime is exp − iat measured on the server's clock, so it is applied from
 * `obtainedAt` on ours: a skewed clock cannot make us keep a dead token. A
 * JWT without iat counts from exp read against our clock, never later than
 * the release's lifetime. Without a JWT: the release's lifetime (R11: 1 h
 * idle, so counting from issue is safe).
 */
export function tokenReplaceAt(token: string, obtainedAt: number, release: CrmcomRelease): number {
  const fallbackLifetime = CRMCOM_RELEASES[release].jwtTokens ? CRMCOM_JWT_LIFETIME_MS : CRMCOM_IDLE_TOKEN_LIFETIME_MS;
  let lifetime = fallbackLifetime;
  const jwt = jwtTimes(token);
  if (jwt !== null) {
    lifetime = jwt.issuedAt !== null ? jwt.expiresAt - jwt.issuedAt : Math.min(jwt.expiresAt - obtainedAt, fallbackLifetime);
  }
  // A short-lived token is replaced at half its life rather than at once or never.
  const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, Math.max(0, lifetime) / 2);
  return obtainedAt + Math.max(0, lifetime - margin);
}
