// TEST-ONLY: raw calls to the sandbox's CRM.COM V4 profile (/crmapi/rest/v2), with
// the query string written as the wiki writes it (`name=field=value`), for the
// contract tests. Not used by the product.
import { DEFAULT_CREDENTIALS } from '../headend-options';

export interface CrmAnswer {
  httpStatus: number;
  body: { status: { message: string | null; description: string | null; code: string }; data: unknown; [k: string]: unknown };
}

export class CrmcomProbe {
  constructor(private readonly base: string) {}

  /** GET with the query written literally: `provisioning_request_identifier=number=18570`. */
  async get(route: string, query: Record<string, string>): Promise<CrmAnswer> {
    const text = Object.entries(query)
      .map(([k, v]) => `${k}=${v.replace(/[^A-Za-z0-9_=.,-]/g, (c) => encodeURIComponent(c))}`)
      .join('&');
    return this.send(`${this.base}/${route}?${text}`, { method: 'GET' });
  }

  post(route: string, body: unknown, headers: Record<string, string> = {}): Promise<CrmAnswer> {
    return this.send(`${this.base}/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async login(extra: Record<string, string> = {}): Promise<string> {
    const { username, password, organisation } = DEFAULT_CREDENTIALS;
    const a = await this.post('authentication/token', { username, password, organisation, ...extra });
    if (a.body.status.code !== 'OK') throw new Error(`login failed: ${a.body.status.description}`);
    return (a.body.data as { token: string }).token;
  }

  private async send(url: string, init: RequestInit): Promise<CrmAnswer> {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    return { httpStatus: res.status, body: (await res.json()) as CrmAnswer['body'] };
  }
}

/** The claims of a JWT (its payload), or null when the token is not header.payload.signature. */
export function jwtClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
