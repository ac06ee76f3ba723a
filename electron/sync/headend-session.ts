import { redactSecrets } from '../../shared/domain/secrets';
import type { Logger } from '../logging/logger';
import type { Delivery } from './headend-client';

// Login and token refresh, shared by both protocols. The token lives only in
// memory here; it is never logged, stored or put in an event. On UNAUTHORIZED
// the call is retried exactly once with a fresh token: UNAUTHORIZED means the
// head-end refused the call, so the retry cannot duplicate anything.

export interface HeadendCredentials {
  username: string;
  password: string;
  organisation: string;
  unit?: string;
}

/** What one login attempt gave. Transport failures are thrown by `login` as TransportError. */
export type LoginResult =
  | { kind: 'ok'; token: string }
  | { kind: 'refused'; errorClass: 'permanent' | 'transient' | 'auth'; code: string; description: string };

export type LoginFunction = (credentials: HeadendCredentials) => Promise<LoginResult>;

/** Login did not give a token. `transient` failures may be retried; others need an operator. */
export class LoginFailure extends Error {
  constructor(
    readonly transient: boolean,
    readonly code: string,
    message: string,
    readonly delivery: Delivery = 'not_sent',
  ) {
    super(message);
    this.name = 'LoginFailure';
  }
}

export interface HeadendSessionOptions {
  /**
   * Log in again before a token reaches this age. CRM.COM tokens expire after
   * 1 h idle (up to release 12) or 2 h whatever the use (later): 50 min is
   * safe for both.
   */
  maxTokenAgeMs?: number;
  /**
   * When a token must be replaced (ms on our clock), for a profile whose
   * tokens say when they die (a JWT's exp); default obtainedAt + maxTokenAgeMs.
   */
  tokenExpiry?: (token: string, obtainedAt: number) => number;
  now?: () => number;
  logger?: Logger;
}

interface Token {
  value: string;
  obtainedAt: number;
  replaceAt: number;
}

export class HeadendSession {
  private current: Token | null = null;
  private loggingIn: Promise<Token> | null = null;
  private logins = 0;
  private readonly maxTokenAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly login: LoginFunction,
    private readonly credentials: HeadendCredentials,
    private readonly options: HeadendSessionOptions = {},
  ) {
    this.maxTokenAgeMs = options.maxTokenAgeMs ?? 50 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** How many logins succeeded (tests and diagnostics). */
  get loginCount(): number {
    return this.logins;
  }

  /** A usable token, logging in once for all concurrent callers when needed. */
  async token(): Promise<string> {
    const current = this.current;
    if (current && this.now() < current.replaceAt) return current.value;
    if (!this.loggingIn) {
      this.loggingIn = this.doLogin().finally(() => {
        this.loggingIn = null;
      });
    }
    return (await this.loggingIn).value;
  }

  /** When the current token will be replaced (ms), or null without one. */
  get tokenReplacedAt(): number | null {
    return this.current?.replaceAt ?? null;
  }

  /** The current token without logging in (to release it at shutdown), or null. */
  peek(): string | null {
    return this.current?.value ?? null;
  }

  /** Forget `token` if it is still the current one (a newer one is kept). */
  invalidate(token: string): void {
    if (this.current?.value === token) this.current = null;
  }

  /**
   * Runs `call` with a token; when its result says UNAUTHORIZED, logs in again
   * and runs it once more. Throws LoginFailure when no token can be had.
   */
  async run<T>(call: (token: string) => Promise<T>, isUnauthorized: (result: T) => boolean): Promise<T> {
    const first = await this.token();
    const result = await call(first);
    if (!isUnauthorized(result)) return result;
    this.invalidate(first);
    this.options.logger?.info('head-end answered UNAUTHORIZED; logging in again and retrying once');
    const second = await this.token();
    return call(second);
  }

  /** Drops the token (after release or when credentials change). */
  clear(): void {
    this.current = null;
  }

  private async doLogin(): Promise<Token> {
    let result: LoginResult;
    try {
      result = await this.login(this.credentials);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new LoginFailure(true, 'LOGIN_TRANSPORT', `login failed: ${this.scrub(message)}`);
    }
    if (result.kind === 'ok') {
      this.logins += 1;
      const obtainedAt = this.now();
      const replaceAt = this.options.tokenExpiry?.(result.token, obtainedAt) ?? obtainedAt + this.maxTokenAgeMs;
      this.current = { value: result.token, obtainedAt, replaceAt };
      this.options.logger?.info(`logged in as ${this.credentials.username}`);
      return this.current;
    }
    const transient = result.errorClass === 'transient';
    throw new LoginFailure(transient, result.code, `login refused: ${result.code}: ${this.scrub(result.description)}`);
  }

  /** Head-end words may echo what we sent: never let the password through. */
  private scrub(text: string): string {
    const secrets = [this.credentials.password, this.current?.value].filter((s): s is string => !!s && s.length >= 3);
    let out = text;
    for (const secret of secrets) out = out.split(secret).join(redactSecrets({ password: 'x' }).password);
    return out;
  }
}
