// The HTTP side: login, Conax Web Services, the catalog export and the sandbox
// control endpoint. Bodies are JSON; GET parameters are query parameters, with
// nested identifiers JSON-encoded (docs/protocol.md).
import http from 'node:http';
import type net from 'node:net';
import { fail, invalidField, type Answer } from './envelope';
import type { FaultController } from './faults';
import type { HeadendService } from './headend-service';
import { handleControl, type ControlApi } from './control-routes';

export interface HttpServerConfig {
  host: string;
  maxBodyBytes: number;
  log: (line: string) => void;
}

const CONAX_POST = /^\/conax_web_services\/provisioning_requests?\/([a-z_]{1,64})\/?$/;
const CATALOG = /^\/sandbox\/catalog\/([a-z_]{1,32})\/?$/;
/** Beyond this a too-large body is no longer drained but the socket closed. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

type ReadBody = { ok: true; body: unknown } | { ok: false; answer: Answer };

export class HeadendHttpServer {
  private readonly server: http.Server;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(
    private readonly service: HeadendService,
    private readonly faults: FaultController,
    private readonly control: ControlApi,
    private readonly config: HttpServerConfig,
  ) {
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        config.log(`http: failed to handle ${req.method} ${req.url?.split('?')[0]}: ${String(error)}`);
        if (!res.headersSent) this.write(res, fail('SYSTEM_ERROR', 'the head-end failed to handle this request'));
      });
    });
    this.server.keepAliveTimeout = 5_000;
    this.server.on('clientError', (_e, socket: net.Socket) => socket.destroy());
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.config.host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams) as Record<string, unknown>;

    if (path.startsWith('/sandbox/control/')) {
      const read = method === 'POST' ? await this.readBody(req, true) : ({ ok: true, body: {} } as const);
      if (!read.ok) return this.write(res, read.answer);
      const answer = await handleControl(this.control, method, path.slice('/sandbox/control/'.length), query, read.body);
      this.write(res, answer.answer);
      if (answer.after) res.on('finish', () => setImmediate(() => void answer.after?.()));
      return;
    }

    let act: (() => Answer) | null = null;
    if (path === '/authentication/token' || path === '/authentication/token/release') {
      if (method !== 'POST') return this.write(res, fail('NOT_FOUND', `use POST for ${path}`, 405));
      const read = await this.readBody(req);
      if (!read.ok) return this.answerApi(req, res, read.answer);
      act = () => (path.endsWith('/release') ? this.service.release(read.body) : this.service.login(read.body));
    } else if (CATALOG.test(path)) {
      if (method !== 'GET') return this.write(res, fail('NOT_FOUND', 'use GET for the catalog export', 405));
      const kind = CATALOG.exec(path)![1]!;
      act = () => this.service.catalogPage(kind, query);
    } else if (CONAX_POST.test(path)) {
      const name = CONAX_POST.exec(path)![1]!;
      if (name === 'show' || name === 'list') {
        if (method !== 'GET') return this.write(res, fail('NOT_FOUND', `use GET for ${name}`, 405));
        const decoded = decodeQuery(query);
        if (!decoded.ok) return this.answerApi(req, res, decoded.answer);
        act = () => (name === 'show' ? this.service.show('conax', decoded.query) : this.service.list('conax', decoded.query));
      } else {
        if (method !== 'POST') return this.write(res, fail('NOT_FOUND', `use POST for ${name}`, 405));
        const read = await this.readBody(req);
        if (!read.ok) return this.answerApi(req, res, read.answer);
        act = () => this.service.submit('conax', name, read.body, 'http');
      }
    }
    if (!act) return this.write(res, fail('NOT_FOUND', `no such path: ${path.slice(0, 200)}`));
    let answer: Answer;
    try {
      answer = act();
    } catch (error) {
      this.config.log(`http: failed to handle ${method} ${path}: ${String(error)}`);
      answer = fail('SYSTEM_ERROR', 'the head-end failed to handle this request');
    }
    return this.answerApi(req, res, answer);
  }

  /** Writes an API answer through the fault knobs (latency, never, drop). */
  private answerApi(req: http.IncomingMessage, res: http.ServerResponse, answer: Answer): void {
    const f = this.faults.faults;
    if (this.faults.httpDropNow()) {
      req.socket.destroy();
      return;
    }
    if (f.answerNever) return;
    if (f.latencyMs === 0) return this.write(res, answer);
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (!res.destroyed) this.write(res, answer);
    }, f.latencyMs);
    this.pending.add(timer);
  }

  private write(res: http.ServerResponse, answer: Answer): void {
    const text = JSON.stringify(answer.envelope);
    res.writeHead(answer.httpStatus, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private readBody(req: http.IncomingMessage, emptyIsObject = false): Promise<ReadBody> {
    const max = this.config.maxBodyBytes;
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const done = (r: ReadBody) => {
        if (!settled) resolve(r);
        settled = true;
      };
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > DRAIN_LIMIT_BYTES) req.socket.destroy();
        else if (size <= max) chunks.push(chunk);
      });
      req.on('error', () => done({ ok: false, answer: invalidField('body', 'the body could not be read') }));
      req.on('end', () => {
        if (size > max) {
          return done({ ok: false, answer: invalidField('body', `body exceeds the limit of ${max} bytes`, 413) });
        }
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.trim() === '' && emptyIsObject) return done({ ok: true, body: {} });
        try {
          done({ ok: true, body: JSON.parse(text) as unknown });
        } catch {
          done({ ok: false, answer: invalidField('body', 'body is not valid JSON') });
        }
      });
    });
  }
}

/** show/list: nested identifiers arrive JSON-encoded in one query parameter. */
function decodeQuery(
  query: Record<string, unknown>,
): { ok: true; query: Record<string, unknown> } | { ok: false; answer: Answer } {
  const out = { ...query };
  const raw = query.provisioning_request_identifier;
  if (typeof raw === 'string') {
    try {
      out.provisioning_request_identifier = JSON.parse(raw) as unknown;
    } catch {
      const answer = invalidField(
        'provisioning_request_identifier',
        'must be JSON-encoded, e.g. provisioning_request_identifier={"number":"18570"}',
      );
      return { ok: false, answer };
    }
  }
  return { ok: true, query: out };
}
