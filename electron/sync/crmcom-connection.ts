import type { Logger } from '../logging/logger';
import {
  baseUrlProblem,
  CRMCOM_PATHS,
  type CrmcomCapabilities,
  type CrmcomRelease,
} from '../../shared/domain/crmcom-v4';
import { TransportError, type SubmitHooks } from './headend-client';
import { HeadendSession, type HeadendCredentials, type LoginResult } from './headend-session';
import { HttpJsonTransport, type HttpAnswer } from './http-json-transport';
import { isCrmcomAuthFailure, normalizeCrmcomAnswer } from './crmcom-answers';
import { CLIENT_UUID_UDF } from '../../shared/domain/client-uuid';
import { tokenReplaceAt } from './token-expiry';

// One connection to a CRM.COM V4 server (../shared/spec/crmcom-v4-web-api.md):
// the HTTP(S) transport under the base URL with its path, one session shared
// by both providers' clients, login by password or Web API key, GET
// parameters in the wiki's encoding, and the token released at shutdown.

export type CrmcomLogin =
  | { method: 'password'; username: string; password: string; organisation: string; unit?: string }
  /** R10+: the key is the HTTP Basic user name with an empty password [page 491003]. */
  | { method: 'web_api_key'; key: string; unit?: string };

export interface CrmcomConnectionOptions {
  /** e.g. https://crm.example/crmapi/rest/v2 (the path is kept). */
  baseUrl: string;
  release: CrmcomRelease;
  capabilities: CrmcomCapabilities;
  /**
   * status.code values the operator confirmed mean "refused, not created"
   * (setting not_created_codes). CRM.COM documents none: default none, so
   * every other non-OK answer to a create is an unknown outcome.
   */
  notCreatedCodes?: readonly string[];
  login: CrmcomLogin;
  /** Plain HTTP to a host other than this machine: refused unless set. */
  allowPlainHttp?: boolean;
  /** PEM of a corporate CA that signed the server's certificate. */
  caCertificate?: string | Buffer;
  timeoutMs?: number;
  maxSockets?: number;
  now?: () => number;
  logger?: Logger;
}

/** A GET parameter: text, a number, or an identifier written `<field>=<value>` [page]. */
export type GetParam = string | number | Record<string, string> | undefined;

/** Builds a query string; identifiers keep their `=` literal as the wiki writes them. */
export function crmcomQueryString(params: Record<string, GetParam>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    let text: string;
    if (typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length !== 1) throw new Error(`${name}: a GET identifier names exactly one field`);
      const [field, fieldValue] = entries[0]!;
      text = `${encodeURIComponent(field)}=${encodeURIComponent(fieldValue)}`;
    } else {
      text = encodeURIComponent(String(value));
    }
    parts.push(`${encodeURIComponent(name)}=${text}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** An HTTP answer read as CRM.COM's envelope (normalised), with whether it refused our token. */
export interface CrmcomAnswer {
  httpStatus: number;
  /** The normalised JSON body; undefined when the body was not a JSON object. */
  envelope: Record<string, unknown> | undefined;
  bodyProblem: string | null;
  authFailure: boolean;
  /** The body's data is a request record (an id, a number or our UUID field), whatever the status says. */
  carriesRequest: boolean;
}

export class CrmcomConnection {
  readonly http: HttpJsonTransport;
  readonly session: HeadendSession;
  /** Server clock minus ours (ms), from the last answer's Date header; null until one came. */
  clockSkewMs: number | null = null;
  private users = 0;
  private closed: Promise<void> | null = null;

  constructor(readonly options: CrmcomConnectionOptions) {
    const problem = baseUrlProblem(options.baseUrl, options.allowPlainHttp ?? false);
    if (problem !== null) throw new Error(`CRM.COM base URL ${problem}`);
    this.http = new HttpJsonTransport({
      baseUrl: options.baseUrl,
      keepPath: true,
      timeoutMs: options.timeoutMs,
      caCertificate: options.caCertificate,
      maxSockets: options.maxSockets,
    });
    const login = options.login;
    // The session scrubs the "password" from any words it logs: for a key login that is the key.
    const credentials: HeadendCredentials =
      login.method === 'password'
        ? { username: login.username, password: login.password, organisation: login.organisation, unit: login.unit }
        : { username: 'Web API key', password: login.key, organisation: '', unit: login.unit };
    this.session = new HeadendSession(() => this.login(), credentials, {
      // The login answer's Date header has set the skew by the time the session asks.
      tokenExpiry: (token, obtainedAt) => tokenReplaceAt(token, obtainedAt, options.release, this.clockSkewMs),
      now: options.now,
      logger: options.logger,
    });
  }

  get capabilities(): CrmcomCapabilities {
    return this.options.capabilities;
  }

  get release(): CrmcomRelease {
    return this.options.release;
  }

  get notCreatedCodes(): readonly string[] {
    return this.options.notCreatedCodes ?? [];
  }

  /** A client starts using the connection; the last one to close releases the token. */
  acquire(): void {
    this.users += 1;
  }

  async releaseUser(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) await this.close();
  }

  /** GET `path` with `params` (no token): the raw exchange, read as an envelope. Throws TransportError. */
  async get(path: string, params: Record<string, GetParam>, token: string | null, timeoutMs?: number): Promise<CrmcomAnswer> {
    const query = crmcomQueryString(token === null ? params : { ...params, token });
    return this.read(await this.reach(() => this.http.request('GET', `/${path}${query}`, undefined, { timeoutMs })));
  }

  /** POST `body` (token added by the caller). Throws TransportError. */
  async post(path: string, body: Record<string, unknown>, hooks?: SubmitHooks): Promise<CrmcomAnswer> {
    return this.read(await this.reach(() => this.http.request('POST', `/${path}`, body, { onWritten: hooks?.onWritten })));
  }

  /**
   * A server we could not connect to may come back restarted, having forgotten
   * its sessions: a POST sent with the old token would be refused after it
   * left, and its outcome would be unknown. So the token is dropped and the
   * next call logs in first (one login more after an outage).
   */
  private async reach(call: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof TransportError && error.kind === 'connect_failed') this.session.clear();
      throw error;
    }
  }

  /**
   * A read with the session's token: when the answer refuses the token, one
   * fresh login and one more try (reads are idempotent). Throws LoginFailure
   * or TransportError. `timeoutMs` shortens the wait for an answer (a picker's lookup).
   */
  async getWithToken(path: string, params: Record<string, GetParam>, timeoutMs?: number): Promise<CrmcomAnswer> {
    return this.session.run((token) => this.get(path, params, token, timeoutMs), (answer) => answer.authFailure);
  }

  private read(answer: HttpAnswer): CrmcomAnswer {
    if (answer.serverDate !== null) this.clockSkewMs = answer.serverDate - (this.options.now ?? Date.now)();
    const json = answer.json;
    const envelope =
      json !== null && typeof json === 'object' && !Array.isArray(json)
        ? (normalizeCrmcomAnswer(json, this.options.capabilities.echoesClientUuid) as Record<string, unknown>)
        : undefined;
    const data = envelope === undefined ? undefined : (json as Record<string, unknown>).data;
    return { httpStatus: answer.status, envelope, bodyProblem: answer.bodyProblem, authFailure: isCrmcomAuthFailure(answer.status, json), carriesRequest: holdsRequest(data) };
  }

  private async login(): Promise<LoginResult> {
    const login = this.options.login;
    const unit = login.unit ? { unit: login.unit } : {};
    const answer =
      login.method === 'password'
        ? await this.post(CRMCOM_PATHS.login, { username: login.username, password: login.password, organisation: login.organisation, ...unit })
        : this.read(
            await this.http.request('POST', `/${CRMCOM_PATHS.webApiKeyLogin}`, unit, {
              headers: { authorization: `Basic ${Buffer.from(`${login.key}:`, 'utf8').toString('base64')}` },
            }),
          );
    return loginResultOf(answer);
  }

  /** Releases the token (recommended by the wiki) and closes the sockets; once. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      const token = this.session.peek();
      this.session.clear();
      if (token !== null) {
        try {
          await this.http.request('POST', `/${CRMCOM_PATHS.releaseToken}`, { token }, { timeoutMs: Math.min(this.http.timeoutMs, 3_000) });
        } catch (error) {
          // The token dies by itself (1 h idle or 2 h); nothing else to do.
          this.options.logger?.warn(`token release failed: ${error instanceof TransportError ? error.kind : 'error'}`);
        }
      }
      this.http.close();
    })();
    return this.closed;
  }
}

const MAX_TOKEN_LENGTH = 8192;

/** A login answer: a token of any shape (32 hex before R12, a JWT after), never checked against a pattern. */
export function loginResultOf(answer: CrmcomAnswer): LoginResult {
  const envelope = answer.envelope;
  const status = envelope?.status as { code?: unknown; description?: unknown; message?: unknown } | undefined;
  if (envelope === undefined || status === undefined || typeof status.code !== 'string') {
    const transient = answer.httpStatus === 429 || answer.httpStatus >= 500 || answer.httpStatus === 0;
    return { kind: 'refused', errorClass: transient ? 'transient' : 'auth', code: `HTTP_${answer.httpStatus}`, description: `login answered HTTP ${answer.httpStatus} with ${answer.bodyProblem ?? 'no envelope'}` };
  }
  if (status.code !== 'OK') {
    const words = [status.description, status.message].find((w): w is string => typeof w === 'string' && w !== '') ?? status.code;
    return { kind: 'refused', errorClass: answer.httpStatus >= 500 ? 'transient' : 'auth', code: status.code, description: words };
  }
  const token = (envelope.data as { token?: unknown } | null | undefined)?.token;
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || /\s/.test(token)) {
    return { kind: 'refused', errorClass: 'transient', code: 'MALFORMED_ANSWER', description: 'login answered OK without a usable token' };
  }
  return { kind: 'ok', token };
}

/** Whether an answer's data is a request record (it names an id, a number or our UUID field). */
function holdsRequest(data: unknown): boolean {
  return data !== null && typeof data === 'object' && !Array.isArray(data) && ['id', 'number', CLIENT_UUID_UDF].some((key) => key in data);
}
