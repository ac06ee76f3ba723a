import http from 'node:http';
import https from 'node:https';
import { TransportError } from './headend-client';

// JSON over HTTP(S) with a keep-alive agent, one timeout per call, an optional
// CA certificate for a head-end with a private CA, and the one fact the sync
// engine needs from every failure: may the request have reached the server?

export interface HttpJsonTransportOptions {
  /** e.g. "https://headend.example:8443"; only the origin is used unless `keepPath`. */
  baseUrl: string;
  /** Keep the URL's path as the prefix of every call (CRM.COM lives under /crmapi/rest/v2). */
  keepPath?: boolean;
  /** Absolute deadline of one exchange, from the call to the last byte of the answer (default 15 s). */
  timeoutMs?: number;
  /** PEM of the CA that signed the head-end's certificate (HTTPS only). */
  caCertificate?: string | Buffer;
  maxSockets?: number;
  maxBodyBytes?: number;
}

export interface HttpAnswer {
  status: number;
  /** The parsed JSON body; undefined when the body was not JSON. */
  json: unknown;
  /** Why the body could not be read as JSON, when it could not. */
  bodyProblem: string | null;
  /** The answer's Date header in ms (clock skew), null when absent or unreadable. */
  serverDate: number | null;
}

export class HttpJsonTransport {
  private readonly agent: http.Agent;
  private readonly url: URL;
  /** Prefix of every path: the base URL's path without its trailing slash, or '' (origin only). */
  readonly basePath: string;
  readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private lastOk = false;

  constructor(options: HttpJsonTransportOptions) {
    this.url = new URL(options.baseUrl);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new Error(`head-end URL must be http: or https:, got ${this.url.protocol}`);
    }
    this.basePath = options.keepPath ? this.url.pathname.replace(/\/+$/, '') : '';
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, keepAliveMsecs: 10_000 };
    this.agent =
      this.url.protocol === 'https:'
        ? new https.Agent({ ...agentOptions, ...(options.caCertificate ? { ca: options.caCertificate } : {}) })
        : new http.Agent(agentOptions);
  }

  /** True when the last exchange reached the server and got an answer. */
  get connected(): boolean {
    return this.lastOk;
  }

  get secure(): boolean {
    return this.url.protocol === 'https:';
  }

  /**
   * One exchange. `path` (below the base path) includes any query string.
   * Throws TransportError; an HTTP error status is an answer, not an exception.
   */
  request(
    method: 'GET' | 'POST',
    pathBelowBase: string,
    body?: unknown,
    options: { timeoutMs?: number; onWritten?: () => void; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const path = this.basePath + pathBelowBase;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const lib = this.secure ? https : http;
    return new Promise<HttpAnswer>((resolve, reject) => {
      let written = false;
      let settled = false;
      // An absolute deadline for the whole exchange, not an idle timeout: a
      // head-end trickling one byte every few seconds must not hold a send
      // (and the pass waiting for it) for minutes.
      const deadline = setTimeout(() => {
        settle(new TransportError('timeout', delivery(), `${method} ${this.pathOnly(path)}: no complete answer within ${timeoutMs} ms`));
        req.destroy();
      }, timeoutMs);
      const settle = (error: TransportError | null, answer?: HttpAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.lastOk = error === null;
        if (error) reject(error);
        else resolve(answer!);
      };
      const req = lib.request({
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        port: this.url.port,
        method,
        path,
        agent: this.agent,
        headers: {
          accept: 'application/json',
          ...options.headers,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      });
      // Once the whole request left us the server may act on it, answer or not.
      req.on('finish', () => {
        written = true;
        options.onWritten?.();
      });
      const delivery = () => (written ? 'maybe_sent' : 'not_sent');
      req.on('error', (err: NodeJS.ErrnoException) => {
        const refused = err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EHOSTUNREACH';
        const kind = refused ? 'connect_failed' : 'connection_lost';
        settle(new TransportError(kind, refused ? 'not_sent' : delivery(), `${method} ${this.pathOnly(path)}: ${err.code ?? ''} ${err.message}`.trim()));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBodyBytes) {
            settle(new TransportError('malformed_answer', 'maybe_sent', `answer larger than ${this.maxBodyBytes} bytes`));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => settle(new TransportError('connection_lost', 'maybe_sent', `answer cut: ${err.message}`)));
        res.on('aborted', () => settle(new TransportError('connection_lost', 'maybe_sent', 'answer cut short')));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          let bodyProblem: string | null = null;
          try {
            json = JSON.parse(text);
          } catch {
            bodyProblem = text.length === 0 ? 'empty body' : 'body is not JSON';
          }
          const date = Date.parse(res.headers.date ?? '');
          settle(null, { status: res.statusCode ?? 0, json, bodyProblem, serverDate: Number.isNaN(date) ? null : date });
        });
      });
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
    this.lastOk = false;
  }

  private pathOnly(path: string): string {
    // The query string may hold the token: never put it in a message.
    return path.split('?')[0]!;
  }
}
