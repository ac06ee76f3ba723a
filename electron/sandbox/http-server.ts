// The HTTP side: login, Conax Web Services, the catalog export and the sandbox
// control endpoint. Bodies are JSON; GET parameters are query parameters, with
// nested identifiers JSON-encoded (docs/protocol.md). Under /crmapi/rest/v2 the
// same port speaks the CRM.COM V4 profile (crmcom-profile.ts).
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import type { Logger } from '../logging/logger';
import { CRMCOM_PATHS, CRMCOM_V4_BASE_PATH } from '../../shared/domain/crmcom-v4';
import type { CrmcomV4Profile } from './crmcom-profile';
import { crmcomEnvelope } from './crmcom-views';
import { fail, invalidField, type Answer } from './envelope';
import type { FaultController } from './faults';
import type { HeadendService } from './headend-service';
import { handleControl, type ControlApi } from './control-routes';
import { listenOn } from './listen';

export interface HttpServerConfig {
  host: string;
  /** Required in the X-Sandbox-Control header by /sandbox/control/*. */
  controlSecret: string;
  maxBodyBytes: number;
  logger: Logger;
}

const CONAX_POST = /^\/conax_web_services\/provisioning_requests?\/([a-z_]{1,64})\/?$/;
const CATALOG = /^\/sandbox\/catalog\/([a-z_]{1,32})\/?$/;
/**
 * A too-large body is drained (so the client reads its 413) up to this many
 * times the body limit; beyond, the socket is closed.
 */
const DRAIN_FACTOR = 4;

type ReadBody = { ok: true; body: unknown } | { ok: false; answer: Answer };

export class HeadendHttpServer {
  private readonly server: http.Server;
  private readonly pending = new Set<NodeJS.Timeout>();
  private handling = 0;

  constructor(
    private readonly service: HeadendService,
    private readonly faults: FaultController,
    private readonly control: ControlApi,
    private readonly config: HttpServerConfig,
    private readonly crmcom: CrmcomV4Profile,
  ) {
    this.server = http.createServer((req, res) => {
      this.handling += 1;
      this.route(req, res)
        .catch((error: unknown) => {
          config.logger.error(`http: failed to handle ${req.method} ${req.url?.split('?')[0]}: ${String(error)}`);
          if (!res.headersSent) this.write(res, fail('SYSTEM_ERROR', 'the head-end failed to handle this request'));
        })
        .finally(() => (this.handling -= 1));
    });
    this.server.keepAliveTimeout = 5_000;
    this.server.on('clientError', (_e, socket: net.Socket) => socket.destroy());
  }

  listen(port: number): Promise<number> {
    return listenOn(this.server, port, this.config.host);
  }

  /** Requests whose handler has not finished (a handler stuck on its body would show here). */
  get requestsInFlight(): number {
    return this.handling;
  }

  close(): Promise<void> {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // DNS rebinding: a web page whose name resolves to 127.0.0.1 reaches this
    // port with its own Host and Origin. Only loopback names (or the host it was
    // told to listen on) and no foreign Origin are served.
    const foreign = foreignCaller(req, this.config.host);
    if (foreign !== null) return this.write(res, fail('UNAUTHORIZED', foreign, 403));
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams) as Record<string, unknown>;

    // Every POST must say it is JSON: a web page may send "simple" (text/plain,
    // form) cross-origin POSTs without asking, but not application/json.
    if (method === 'POST' && !isJson(req)) return this.write(res, notJson());

    if (path.startsWith('/sandbox/control/')) {
      if (!sameSecret(req.headers['x-sandbox-control'], this.config.controlSecret)) {
        return this.write(res, fail('UNAUTHORIZED', 'the sandbox control routes need the X-Sandbox-Control header with this launch\'s secret', 401));
      }
      const route = path.slice('/sandbox/control/'.length);
      const read = method === 'POST' ? await this.readBody(req, true) : ({ ok: true, body: {} } as const);
      if (!read.ok) return this.write(res, read.answer);
      const answer = await handleControl(this.control, method, route, query, read.body);
      this.write(res, answer.answer);
      const after = answer.after;
      if (after) res.on('finish', () => setImmediate(() => this.runAfter(route, after)));
      return;
    }

    if (path.startsWith(`${CRMCOM_V4_BASE_PATH}/`)) return this.routeCrmcom(req, res, path, method, query);

    let act: (() => Answer | Promise<Answer>) | null = null;
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
        act = () => this.createLate(() => this.service.submit('conax', name, read.body, 'http'));
      }
    }
    if (!act) return this.write(res, fail('NOT_FOUND', `no such path: ${path.slice(0, 200)}`));
    let answer: Answer;
    try {
      // a created request is answered once committed (the service's promise)
      answer = await act();
    } catch (error) {
      this.config.logger.error(`http: failed to handle ${method} ${path}: ${String(error)}`);
      answer = fail('SYSTEM_ERROR', 'the head-end failed to handle this request');
    }
    return this.answerApi(req, res, answer);
  }

  /** The CRM.COM V4 profile: its routes, verbs and envelope; the same fault knobs. */
  private async routeCrmcom(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    method: string,
    query: Record<string, unknown>,
  ): Promise<void> {
    const route = path.slice(CRMCOM_V4_BASE_PATH.length + 1).replace(/\/$/, '');
    const verb = this.crmcom.verbOf(route);
    const refuse = (answer: Answer) => this.write(res, crmcomEnvelope(answer));
    if (verb === null) return refuse(fail('NOT_FOUND', `no such path: ${path.slice(0, 200)}`));
    if (verb !== method) return refuse(fail('NOT_FOUND', `use ${verb} for ${route}`, 405));
    let body: unknown = {};
    if (verb === 'POST') {
      const read = await this.readBody(req, route === CRMCOM_PATHS.webApiKeyLogin);
      if (!read.ok) return this.answerApi(req, res, crmcomEnvelope(read.answer));
      body = read.body;
    }
    let answer: Answer;
    try {
      answer = await this.crmcom.handle(
        { method, route, query, body, authorization: req.headers.authorization },
        (create) => this.createLate(create),
      );
    } catch (error) {
      this.config.logger.error(`http: failed to handle ${method} ${path}: ${String(error)}`);
      answer = crmcomEnvelope(fail('SYSTEM_ERROR', 'the head-end failed to handle this request'));
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

  /** The createLateMs knob: the request is created (and answered) only after the delay, client still there or not. */
  private createLate(create: () => Answer | Promise<Answer>): Answer | Promise<Answer> {
    const late = this.faults.faults.createLateMs;
    if (late === 0) return create();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, late);
      this.pending.add(timer);
    }).then(create);
  }

  /** Work that follows a control answer (restart): a failure is logged, never left unhandled. */
  private runAfter(route: string, after: () => Promise<void>): void {
    after().catch((error: unknown) => {
      this.config.logger.error(`control ${route.slice(0, 50)} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private write(res: http.ServerResponse, answer: Answer): void {
    if (res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(answer.envelope);
    res.writeHead(answer.httpStatus, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  /** Always settles: on the body's end, a read error, or the connection closing first. */
  private readBody(req: http.IncomingMessage, emptyIsObject = false): Promise<ReadBody> {
    const max = this.config.maxBodyBytes;
    const tooLarge = () => invalidField('body', `body exceeds the limit of ${max} bytes`, 413);
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
        if (size > max * DRAIN_FACTOR) req.socket.destroy();
        else if (size <= max) chunks.push(chunk);
      });
      const cutOff = (): ReadBody => ({
        ok: false,
        answer: size > max ? tooLarge() : invalidField('body', 'the connection closed before the body was complete'),
      });
      // Node reports a cut body as 'error' (aborted) only to error listeners;
      // 'close' (after 'end' on a whole body) and the destroyed check make sure
      // this settles however the connection went away.
      req.on('error', () => done(cutOff()));
      req.on('close', () => done(cutOff()));
      if (req.destroyed) done(cutOff());
      req.on('end', () => {
        if (size > max) return done({ ok: false, answer: tooLarge() });
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

const notJson = () => invalidField('content-type', 'POST bodies must be sent with Content-Type: application/json', 415);

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string {
  return hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!;
}

/** Why a caller is refused (Host or Origin not ours), or null. */
function foreignCaller(req: http.IncomingMessage, listenHost: string): string | null {
  const allowed = (name: string) => LOOPBACK_NAMES.has(name.toLowerCase()) || name === listenHost || name === `[${listenHost}]`;
  const host = req.headers.host;
  if (host === undefined || !allowed(hostnameOf(host))) return 'this sandbox answers only under a loopback name (Host)';
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  let name: string;
  try {
    name = new URL(origin).hostname; // "[::1]" for IPv6; "null" (a sandboxed frame) does not parse
  } catch {
    return 'cross-origin calls are refused (Origin)';
  }
  return allowed(name) ? null : 'cross-origin calls are refused (Origin)';
}

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isJson(req: http.IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  return type.split(';')[0]!.trim().toLowerCase() === 'application/json';
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
