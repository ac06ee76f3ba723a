// Sessions of POST authentication/token. Tokens live in memory only, keyed by a
// hash so not even a heap dump of the sandbox lists them; a restart forgets them
// (clients must log in again, as with a real head-end restart).
import crypto from 'node:crypto';
import type { Credentials } from './headend-options';

export interface Session {
  username: string;
  organisation: string;
  unit: string;
  createdMs: number;
  lastUsedMs: number;
}

export type LoginOutcome = { ok: true; token: string } | { ok: false; reason: string };

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

export const DEFAULT_UNIT = 'Admin Unit';

export class TokenStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly credentials: Credentials,
    private readonly idleTimeoutMs: number,
    private readonly absoluteTimeoutMs: number | null,
    private readonly now: () => number = Date.now,
  ) {}

  login(input: { username: string; password: string; organisation: string; unit?: string }): LoginOutcome {
    const c = this.credentials;
    const match =
      sameSecret(input.username, c.username) &&
      sameSecret(input.password, c.password) &&
      sameSecret(input.organisation, c.organisation);
    if (!match) return { ok: false, reason: 'username, password or organisation is not valid' };
    const token = crypto.randomBytes(16).toString('hex').toUpperCase();
    const t = this.now();
    this.sessions.set(hashToken(token), {
      username: input.username,
      organisation: input.organisation,
      unit: input.unit ?? DEFAULT_UNIT,
      createdMs: t,
      lastUsedMs: t,
    });
    this.sweep();
    return { ok: true, token };
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
    if (t - s.lastUsedMs >= this.idleTimeoutMs) return true;
    return this.absoluteTimeoutMs !== null && t - s.createdMs >= this.absoluteTimeoutMs;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, s] of this.sessions) if (this.expired(s, t)) this.sessions.delete(k);
  }
}
