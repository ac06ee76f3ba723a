import http from 'node:http';
import net from 'node:net';
import { encodeFrame, FrameDecoder } from '../../protocol/frame-codec';
import { findRequestDefinition } from '../../../shared/domain/request-catalog';
import type { Provider } from '../../../shared/domain/request-types';
import { CLIENT_UUID_UDF } from '../../../shared/domain/client-uuid';

// A head-end that misbehaves on purpose, for tests only: a loopback HTTP
// server (Conax paths) and a TCP frame server (Nagravision) over one shared
// record of what was created. Each knob is a way a real server plausibly
// fails; the sync engine must never create a second copy of a request nor
// call a request done that the head-end does not hold. Nothing here is
// trusted by production code: it only stands for the remote side.

/** What a create (POST / submit frame) gets, after the request was created unless said otherwise. */
export type CreateAnswer =
  | 'ok'
  | 'system_error' // SYSTEM_ERROR envelope (HTTP 500) although created
  | 'html_502' // an HTML 502 page from a "proxy", although created
  | 'no_uuid' // OK, but the request object carries no udf_string_8
  | 'other_uuid' // OK with another request's object; ours was NOT created (a stale or crossed answer)
  | 'reset' // created, then the connection is destroyed
  | 'trickle' // the answer dribbles out one byte per trickleMs
  | 'huge_length' // a 4 GB Content-Length / frame length prefix, then silence
  | 'wrong_sequence' // TCP: the answer carries another sequence_number
  | 'silent' // created, never answered, socket left open (half-open)
  | 'refused_validation'; // INVALID_PARAMETERS before creating anything (a proven refusal)

/** How list answers look. */
export type ListAnswer =
  | 'paged' // honest paging, every item with our UUID field
  | 'no_paging' // no paging block at all (as a real CRM.COM list), and only the first records_per_page items
  | 'lying_totals' // paging says total_pages 0 / total_records 0 whatever it holds
  | 'no_uuid_field' // items without udf_string_8 (fields_set ignored)
  | 'error'; // SYSTEM_ERROR

export interface HostileBehaviour {
  create: CreateAnswer;
  list: ListAnswer;
  /** show answers an honest record, or a record of a request we never sent. */
  show: 'honest' | 'foreign';
  /** Processing: requests become COMPLETED on the next show. */
  completeOnShow: boolean;
  trickleMs: number;
}

export interface HostileRecord {
  id: string;
  number: string;
  type: string;
  uuid: string | null;
  card: string;
  provider: Provider;
  life_cycle_state: 'PENDING' | 'COMPLETED' | 'REJECTED';
}

/** The object an 'other_uuid' answer carries: a request of someone else. */
const FOREIGN: HostileRecord = {
  id: 'F'.repeat(32), number: '99999', type: 'ADD_SUBSCRIPTIONS', uuid: '00000000-0000-4000-8000-000000000000', card: 'other', provider: 'conax', life_cycle_state: 'PENDING',
};

const DEFAULTS: HostileBehaviour = { create: 'ok', list: 'paged', show: 'honest', completeOnShow: true, trickleMs: 200 };

function envelope(code: string, data: unknown, description = ''): Record<string, unknown> {
  return { status: { message: code === 'OK' ? '' : code, description, code }, data };
}

function fullObject(r: HostileRecord, withUuid: boolean): Record<string, unknown> {
  const unit = { id: 'U', name: 'Admin Unit', alternative_code: null, description: null, group_name: null, community_name: null };
  const user = { id: '1', username: 'operator', person_name: null };
  const date = '2026-01-05T09:00:00';
  return {
    id: r.id, number: r.number, type: r.type, life_cycle_state: r.life_cycle_state, priority: 'REGULAR', scheduled_date: null,
    executed_date: null, process_immediately: 0, process_name: null, process_id: null, name: null, sequence_number: null,
    reference_number: r.life_cycle_state === 'COMPLETED' ? `REF${r.number}` : null, request: null, response: null,
    error_code: null, error_description: null, parameters_set: [],
    log_information: { created_date: date, updated_date: date, created_by_unit: unit, updated_by_unit: unit, created_by_user: user, updated_by_user: user },
    ...(withUuid ? { [CLIENT_UUID_UDF]: r.uuid } : {}),
  };
}

export class HostileHeadend {
  readonly records: HostileRecord[] = [];
  behaviour: HostileBehaviour = { ...DEFAULTS };
  /** Show answers that named a request we never created (for the test to count). */
  private next = 1;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private httpServer: http.Server | null = null;
  private tcpServer: net.Server | null = null;
  httpPort = 0;
  tcpPort = 0;

  set(behaviour: Partial<HostileBehaviour>): void {
    this.behaviour = { ...this.behaviour, ...behaviour };
  }

  /** Copies the head-end holds of each client UUID. */
  copies(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.records) if (r.uuid) counts.set(r.uuid, (counts.get(r.uuid) ?? 0) + 1);
    return counts;
  }

  async start(): Promise<void> {
    this.httpServer = http.createServer((req, res) => this.onHttp(req, res));
    this.httpServer.on('connection', (s) => this.track(s));
    this.tcpServer = net.createServer((s) => this.onTcp(s));
    this.httpPort = await listen(this.httpServer, this.httpPort);
    this.tcpPort = await listen(this.tcpServer, this.tcpPort);
  }

  /** Restart-and-forget: every socket dies, every answer in preparation is lost; records stay (they were committed). */
  async restart(): Promise<void> {
    await this.close();
    await this.start();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await Promise.all([this.httpServer, this.tcpServer].map((s) => (s ? new Promise<void>((r) => s.close(() => r())) : Promise.resolve())));
    this.httpServer = null;
    this.tcpServer = null;
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Writes `bytes` one at a time, trickleMs apart (bounded by the socket's life). */
  private trickle(socket: net.Socket, bytes: Buffer, from = 0): void {
    if (socket.destroyed || from >= bytes.length) return;
    socket.write(bytes.subarray(from, from + 1));
    this.later(this.behaviour.trickleMs, () => this.trickle(socket, bytes, from + 1));
  }

  private create(provider: Provider, method: string, body: Record<string, unknown>): HostileRecord {
    const n = this.next++;
    const card = body.smartcard_identifier as { serial_number?: string } | undefined;
    const record: HostileRecord = {
      id: n.toString(16).toUpperCase().padStart(32, '0'),
      number: String(50_000 + n),
      type: findRequestDefinition(provider, method)?.type ?? method.toUpperCase(),
      uuid: typeof body[CLIENT_UUID_UDF] === 'string' ? (body[CLIENT_UUID_UDF] as string).toLowerCase() : null,
      card: card?.serial_number ?? '',
      provider,
      life_cycle_state: 'PENDING',
    };
    this.records.push(record);
    return record;
  }

  /** The answer to a create, as an envelope, or null when this behaviour does not answer with one. */
  private createEnvelope(record: HostileRecord | null): Record<string, unknown> {
    if (record === null) return envelope('OK', fullObject(FOREIGN, true));
    switch (this.behaviour.create) {
      case 'system_error':
        return envelope('SYSTEM_ERROR', null, 'the head-end failed to handle the call');
      case 'no_uuid':
        return envelope('OK', fullObject(record, false));
      default:
        return envelope('OK', fullObject(record, true));
    }
  }

  private listEnvelope(provider: Provider, query: Record<string, unknown>): Record<string, unknown> {
    const b = this.behaviour.list;
    if (b === 'error') return envelope('SYSTEM_ERROR', null, 'list failed');
    const page = Math.max(1, Number(query.page ?? 1));
    const size = Math.max(1, Math.min(1000, Number(query.records_per_page ?? 100)));
    const all = this.records.filter((r) => r.provider === provider && (query.type === undefined || r.type === query.type));
    const slice = b === 'no_paging' ? all.slice(0, size) : all.slice((page - 1) * size, page * size);
    const items = slice.map((r) => {
      const item: Record<string, unknown> = { id: r.id, number: r.number, life_cycle_state: r.life_cycle_state };
      if (b !== 'no_uuid_field') item[CLIENT_UUID_UDF] = r.uuid;
      return item;
    });
    const out = envelope('OK', items);
    if (b === 'paged') out.paging = { page, records_per_page: size, total_records: all.length, total_pages: Math.ceil(all.length / size) };
    if (b === 'lying_totals') out.paging = { page, records_per_page: size, total_records: 0, total_pages: 0 };
    return out;
  }

  private showEnvelope(identifier: unknown): Record<string, unknown> {
    const key = (typeof identifier === 'string' ? JSON.parse(identifier) : identifier) as { id?: string; number?: string };
    const record = this.records.find((r) => r.id === key.id || r.number === key.number);
    if (!record) return envelope('NOT_FOUND', null, 'no such request');
    if (this.behaviour.completeOnShow) record.life_cycle_state = 'COMPLETED';
    if (this.behaviour.show === 'foreign') {
      return envelope('OK', { id: 'E'.repeat(32), number: '88888', life_cycle_state: 'COMPLETED', reference_number: 'REF-FOREIGN', [CLIENT_UUID_UDF]: '11111111-1111-4111-8111-111111111111' });
    }
    return envelope('OK', { id: record.id, number: record.number, life_cycle_state: record.life_cycle_state, reference_number: `REF${record.number}`, [CLIENT_UUID_UDF]: record.uuid });
  }

  // ---- HTTP (Conax) ----

  private onHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (data: Record<string, unknown>, status = 200) => {
        const body = Buffer.from(JSON.stringify(data));
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      };
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        json(envelope('INVALID_PARAMETERS', null, 'body is not JSON'), 400);
        return;
      }
      const query = Object.fromEntries(url.searchParams);
      if (url.pathname === '/authentication/token') return json(envelope('OK', { token: 'A'.repeat(32) }));
      if (url.pathname.endsWith('/provisioning_requests/list')) return json(this.listEnvelope('conax', query));
      if (url.pathname.endsWith('/provisioning_requests/show')) return json(this.showEnvelope(query.provisioning_request_identifier));
      const post = /\/conax_web_services\/provisioning_request\/([a-z_]+)$/.exec(url.pathname);
      if (!post || req.method !== 'POST') return json(envelope('NOT_FOUND', null, 'no such path'), 404);
      this.answerHttpCreate(res, post[1]!, body, json);
    });
  }

  private answerHttpCreate(res: http.ServerResponse, method: string, body: Record<string, unknown>, json: (d: Record<string, unknown>, s?: number) => void): void {
    const b = this.behaviour.create;
    if (b === 'refused_validation') return json(envelope('INVALID_PARAMETERS', null, 'smartcard_identifier is not valid'), 400);
    const record = b === 'other_uuid' ? null : this.create('conax', method, body);
    const socket = res.socket!;
    switch (b) {
      case 'system_error':
        return json(this.createEnvelope(record), 500);
      case 'html_502': {
        const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
        res.writeHead(502, { 'content-type': 'text/html', 'content-length': html.length });
        return void res.end(html);
      }
      case 'reset':
        return void socket.destroy();
      case 'silent':
        return;
      case 'huge_length':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 4_294_967_295 });
        res.write('{"status":');
        return; // then nothing more: the client must give up by its deadline without allocating 4 GB
      case 'trickle': {
        const bytes = Buffer.from(JSON.stringify(this.createEnvelope(record)));
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${bytes.length}\r\n\r\n`);
        return this.trickle(socket, bytes);
      }
      default:
        return json(this.createEnvelope(record));
    }
  }

  // ---- TCP (Nagravision) ----

  private onTcp(socket: net.Socket): void {
    this.track(socket);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const result of decoder.push(chunk)) {
        if (!result.ok) return void socket.destroy();
        this.onFrame(socket, result.frame);
      }
    });
  }

  private onFrame(socket: net.Socket, frame: Record<string, unknown>): void {
    const seq = frame.sequence_number;
    const method = String(frame.method ?? '');
    const body = (frame.body ?? {}) as Record<string, unknown>;
    const reply = (data: Record<string, unknown>, sequence: unknown = seq) => {
      if (!socket.destroyed) socket.write(encodeFrame({ sequence_number: sequence, ...data }));
    };
    if (method === 'ping') return reply(envelope('OK', { pong: true }));
    if (method === 'authentication/token') return reply(envelope('OK', { token: 'A'.repeat(32) }));
    if (method === 'list') return reply(this.listEnvelope('nagravision', body));
    if (method === 'show') return reply(this.showEnvelope(body.provisioning_request_identifier));
    const b = this.behaviour.create;
    if (b === 'refused_validation') return reply(envelope('INVALID_PARAMETERS', null, 'smartcard_identifier is not valid'));
    const record = b === 'other_uuid' ? null : this.create('nagravision', method.split('/').pop()!, body);
    switch (b) {
      case 'reset':
        return void socket.destroy();
      case 'silent':
      case 'html_502':
        return;
      case 'huge_length': {
        const prefix = Buffer.alloc(4);
        prefix.writeUInt32BE(0xffffffff);
        return void socket.write(prefix);
      }
      case 'wrong_sequence':
        return reply(this.createEnvelope(record), Number(seq) + 1);
      case 'trickle':
        return this.trickle(socket, encodeFrame({ sequence_number: seq, ...this.createEnvelope(record) }));
      default:
        return reply(this.createEnvelope(record));
    }
  }
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}
