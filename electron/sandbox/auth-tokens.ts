// Sessions of POST authentication/token. Tokens live in memory only, keyed by a
// hash so not even a heap dump of the sandbox lists them; a restart forgets them
// (clients must log in again, as with a real head-end restart). The CRM.COM V4
// profile issues them with its release's policy: a JWT dying 2 h after issue
// (R12+) or an opaque token dying after 1 h idle (before R12).
import crypto from 'node:crypto';
import type { Credentials } from './headend-options';

/** How a token looks and when it dies; null = no such limit. */
export interface TokenPolicy {
  format: 'opaque' | 'jwt';
  idleMs: number | null;
  absoluteMs: number | null;
}

export interface Session {
  username: string;
  organisation: string;
  unit: string;
  createdMs: number;
  lastUsedMs: number;
  idleMs: number | null;
  absoluteMs: number | null;
}

export type LoginOutcome = { ok: true; token: string } | { ok: false; reason: string };

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

export const DEFAULT_UNIT = 'Admin Unit';
/** The user a Web API key login acts as (the key names no person). */
export const WEB_API_USER = 'web-api';

export class TokenStore {
  private readonly sessions = new Map<string, Session>();
  /** Signs JWTs; per store, so a restart's tokens are unknown, as its sessions are. */
  private readonly jwtKey = crypto.randomBytes(32);

  constructor(
    /** The Web API key is the CRM.COM V4 profile's second way in; without one that login is refused. */
    private readonly credentials: Credentials & { webApiKey?: string },
    private readonly idleTimeoutMs: number,
    private readonly absoluteTimeoutMs: number | null,
    private readonly now: () => number = Date.now,
  ) {}

  login(
    input: { username: string; password: string; organisation: string; unit?: string },
    policy: TokenPolicy = this.defaultPolicy,
  ): LoginOutcome {
    const c = this.credentials;
    const match =
      sameSecret(input.username, c.username) &&
      sameSecret(input.password, c.password) &&
      sameSecret(input.organisation, c.organisation);
    if (!match) return { ok: false, reason: 'username, password or organisation is not valid' };
    return { ok: true, token: this.issue(input.username, input.organisation, input.unit ?? DEFAULT_UNIT, policy) };
  }

  /** CRM.COM's Web API key login (R10+): the key alone names the organisation's API user. */
  loginWithWebApiKey(key: string, unit: string | undefined, policy: TokenPolicy): LoginOutcome {
    const expected = this.credentials.webApiKey;
    if (expected === undefined || !sameSecret(key, expected)) return { ok: false, reason: 'the Web API key is not valid' };
    return { ok: true, token: this.issue(WEB_API_USER, this.credentials.organisation, unit ?? DEFAULT_UNIT, policy) };
  }

  private get defaultPolicy(): TokenPolicy {
    return { format: 'opaque', idleMs: this.idleTimeoutMs, absoluteMs: this.absoluteTimeoutMs };
  }

  private issue(username: string, organisation: string, unit: string, policy: TokenPolicy): string {
    const t = this.now();
    const token =
      policy.format === 'jwt'
        ? this.jwt({ usr: username, org: organisation, oun: unit }, t, policy.absoluteMs)
        : crypto.randomBytes(16).toString('hex').toUpperCase();
    this.sessions.set(hashToken(token), {
      username,
      organisation,
      unit,
      createdMs: t,
      lastUsedMs: t,
      idleMs: policy.idleMs,
      absoluteMs: policy.absoluteMs,
    });
    this.sweep();
    return token;
  }

  /** header.payload.signature (HS256, a key per launch), with CRM.COM's claims jti, usr, org, oun, iat, exp. */
  private jwt(claims: { usr: string; org: string; oun: string }, nowMs: number, lifetimeMs: number | null): string {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const iat = Math.floor(nowMs / 1000);
    const payload = {
      jti: crypto.randomUUID(),
      ...claims,
      iat,
      ...(lifetimeMs !== null && { exp: iat + Math.floor(lifetimeMs / 1000) }),
    };
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
    const signature = crypto.createHmac('sha256', this.jwtKey).update(unsigned).digest('base64url');
    return `${unsigned}.${signature}`;
  }

  /** The session of a live token (and marks it used), or null for unknown/expired ones. */
  use(token: string): Session | null {
    const key = hashToken(token);
    const session = this.sessions.get(key);
    if (!session) return null;
    const t = this.now();
    if (this.expired(session, t)) {
      this.sessions.delete(key);
      return null;
    }
    session.lastUsedMs = t;
    return session;
  }

  /** True when the token was live. */
  release(token: string): boolean {
    const key = hashToken(token);
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    return session !== undefined && !this.expired(session, this.now());
  }

  get activeCount(): number {
    this.sweep();
    return this.sessions.size;
  }

  clear(): void {
    this.sessions.clear();
  }

  private expired(s: Session, t: number): boolean {
    if (s.idleMs !== null && t - s.lastUsedMs >= s.idleMs) return true;
    return s.absoluteMs !== null && t - s.createdMs >= s.absoluteMs;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, s] of this.sessions) if (this.expired(s, t)) this.sessions.delete(k);
  }
}
