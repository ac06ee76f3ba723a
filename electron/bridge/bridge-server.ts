import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventChannel } from '../../shared/ipc/channels';
import { CONTENT_SECURITY_POLICY } from '../../shared/ipc/csp';
import { fail, type IpcResult } from '../../shared/ipc/result';
import { consoleLogger, type Logger } from '../logging/logger';
import { LAUNCH_QUERY_KEY, newSessionSecret, readCookie, secretsEqual, sessionCookie, sessionCookieName } from './session-secret';
import { resolveStaticFile, sendStaticFile } from './static-files';

// Browser mode: the same services as Electron, reached over HTTP on loopback.
//   GET  /?key=<secret>    once: sets a fresh session cookie, redirects to /
//   POST /ipc/<channel>    JSON input → JSON IpcResult
//   GET  /events           server-sent events: `event: <channel>` + JSON data
//   GET  /<file>           the built renderer
// Everything except the launch URL needs the cookie (401 otherwise).

export interface BridgeOptions {
  dispatch: (channel: string, input: unknown) => Promise<IpcResult<unknown>>;
  subscribe: (listener: (channel: EventChannel, payload: unknown) => void) => () => void;
  /** Folder of the built renderer (dist/renderer); null serves no files. */
  staticDir: string | null;
  port?: number;
  secret?: string;
  maxBodyBytes?: number;
  /** Open connections at most (one console needs a handful); more are closed at once. */
  maxConnections?: number;
  /** Interval of SSE keep-alive comments. */
  heartbeatMs?: number;
  /** Default: stderr (logging/logger.ts consoleLogger). */
  logger?: Logger;
}

export interface BridgeServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** Open this once: it carries the secret and trades it for the cookie. */
  readonly launchUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const DEFAULT_MAX_BODY = 40 * 1024 * 1024;
const DEFAULT_MAX_CONNECTIONS = 32;
const LARGE_BODY_CHARS = 256 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(text);
}

class BodyTooLarge extends Error {}

/** Answers 413 and closes the connection once the answer is out (the rest of the body is never read). */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  res.on('finish', () => req.destroy());
  res.writeHead(413, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(JSON.stringify(fail('INVALID_INPUT', `request body larger than ${limit} bytes`)));
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return; // already refused: drop what still arrives until the answer closes the connection
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        reject(new BodyTooLarge(`request body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startBridge(options: BridgeOptions): Promise<BridgeServer> {
  // The launch secret is single-use; the cookie carries a token minted at that moment.
  let launchSecret: string | null = options.secret ?? newSessionSecret();
  const launchUrlSecret = launchSecret;
  let sessionToken: string | null = null;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const logger = options.logger ?? consoleLogger();
  const streams = new Set<ServerResponse>();
  let port = 0;

  // DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends its own Host.
  const hostAllowed = (host: string | undefined) => host === `${HOST}:${port}` || host === `localhost:${port}`;
  const originAllowed = (origin: string | undefined) =>
    origin === undefined || origin === `http://${HOST}:${port}` || origin === `http://localhost:${port}`;
  const authorised = (req: IncomingMessage) => sessionToken !== null && secretsEqual(sessionToken, readCookie(req.headers.cookie, sessionCookieName(port)));

  async function handleIpc(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    let input: unknown;
    // Said up front: refused before a byte of it is read.
    if (Number(req.headers['content-length'] ?? 0) > maxBody) return refuseTooLarge(req, res, maxBody);
    try {
      const text = await readBody(req, maxBody);
      // A large body (a bulk CSV) took one long tick to join; parse it in the next
      // so this loop keeps answering (the main loop must never stall past ~50 ms).
      if (text.length > LARGE_BODY_CHARS) await new Promise((resolve) => setImmediate(resolve));
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      if (error instanceof BodyTooLarge) return refuseTooLarge(req, res, maxBody);
      return sendJson(res, 400, fail('INVALID_INPUT', 'the request body is not JSON'));
    }
    const result = await options.dispatch(channel, input);
    const status = result.ok ? 200 : result.error.code === 'UNKNOWN_CHANNEL' ? 404 : 200;
    sendJson(res, status, result);
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    streams.add(res);
    const unsubscribe = options.subscribe((channel, payload) => {
      res.write(`event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    heartbeat.unref();
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Node keeps only the first of repeated Host headers; a request with two is ambiguous: refuse it.
    const hosts = req.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'host').length;
    if (hosts !== 1) return sendText(res, 400, 'Bad request: exactly one Host header');
    if (!hostAllowed(req.headers.host)) return sendText(res, 421, 'Misdirected request');
    const raw = req.url ?? '/';
    // "//x" would parse as another host; only plain absolute paths name something here.
    if (!raw.startsWith('/') || raw.startsWith('//')) return sendText(res, 404, 'Not found');
    let url: URL;
    try {
      url = new URL(raw, `http://${HOST}:${port}`);
    } catch {
      return sendText(res, 404, 'Not found');
    }
    const key = url.searchParams.get(LAUNCH_QUERY_KEY);
    if (req.method === 'GET' && url.pathname === '/' && key !== null) {
      // The browser that already traded the link (e.g. opened it twice) just goes on.
      if (authorised(req)) {
        res.writeHead(303, { ...SECURITY_HEADERS, Location: '/', 'Cache-Control': 'no-store' });
        res.end();
        return;
      }
      if (launchSecret === null || !secretsEqual(launchSecret, key)) {
        return sendText(res, 401, 'Unauthorized: this launch link is not valid or was already used.');
      }
      // Trade the secret for a fresh session token and drop it from the address bar and history.
      launchSecret = null;
      sessionToken = newSessionSecret();
      res.writeHead(303, { ...SECURITY_HEADERS, 'Set-Cookie': sessionCookie(port, sessionToken), Location: '/', 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (!authorised(req)) {
      return sendText(res, 401, 'Unauthorized: open CA Desk with the link printed when it started.');
    }
    if (url.pathname.startsWith('/ipc/')) {
      if (req.method !== 'POST') return sendText(res, 405, 'Method not allowed', { Allow: 'POST' });
      if (!originAllowed(req.headers.origin)) return sendJson(res, 403, fail('FORBIDDEN', 'cross-origin call refused'));
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendJson(res, 415, fail('INVALID_INPUT', 'send application/json'));
      }
      return handleIpc(req, res, url.pathname.slice('/ipc/'.length));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    if (url.pathname === '/events') {
      if (!originAllowed(req.headers.origin)) return sendText(res, 403, 'cross-origin event stream refused');
      return openEventStream(req, res);
    }
    if (options.staticDir === null) return sendText(res, 404, 'Not found');
    const file = await resolveStaticFile(options.staticDir, url.pathname);
    if (file === null) return sendText(res, 404, 'Not found');
    sendStaticFile(res, file, SECURITY_HEADERS);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error(`bridge: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, fail('INTERNAL', 'bridge failure'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  // Bounded: idle or slow connections cannot pile up (the event stream is one long request, kept by its heartbeat).
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;

  return {
    origin,
    port,
    launchUrl: `${origin}/?${LAUNCH_QUERY_KEY}=${encodeURIComponent(launchUrlSecret)}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
