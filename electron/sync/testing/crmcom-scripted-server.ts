import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A loopback HTTP server that stands for a CRM.COM V4 server in unit tests of
// the client: each call is recorded and answered by the test's script, so
// failure cases (refused tokens, provider errors, odd answers) can be staged.
// The embedded sandbox is the honest peer; this one says what a test wants.

export interface RecordedCall {
  method: string;
  /** Path below the origin, query included, exactly as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

export interface ScriptedAnswer {
  status?: number;
  /** A JSON body, or raw text when a string. */
  body: unknown;
  headers?: Record<string, string>;
}

export type Script = (call: RecordedCall, calls: readonly RecordedCall[]) => ScriptedAnswer;

export interface ScriptedServer {
  baseUrl: string;
  calls: RecordedCall[];
  setScript(script: Script): void;
  close(): Promise<void>;
}

export const OK = (data: unknown): ScriptedAnswer => ({ body: { status: { message: null, description: null, code: 'OK' }, data } });
export const ERROR = (code: string, description: string | null, status = 200, data: unknown = null): ScriptedAnswer => ({
  status,
  body: { status: { message: description, description, code }, data },
});

/** A JWT (unsigned: the client never verifies) with iat/exp in seconds. */
export function fakeJwt(issuedAtMs: number, lifetimeMs: number, extra: Record<string, unknown> = {}): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(issuedAtMs / 1000);
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ jti: 'j', usr: 'u', org: 'o', iat, exp: iat + Math.floor(lifetimeMs / 1000), ...extra })}.c2lnbmF0dXJl`;
}

export async function startScriptedServer(basePath: string, script: Script): Promise<ScriptedServer> {
  const calls: RecordedCall[] = [];
  let current = script;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | null = null;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length + 1) : url.pathname;
      const call: RecordedCall = { method: req.method ?? '', url: req.url ?? '', path, query: url.searchParams, headers: req.headers, body };
      calls.push(call);
      const answer = current(call, calls);
      const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    calls,
    setScript(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
