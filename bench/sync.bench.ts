// Sync throughput. Each transport is measured beside
// a raw loopback echo of the same frames/bodies in the same run, so the ratio
// says what our client and the sandbox cost on this machine:
//  - TCP: raw socket + frame echo server; our TcpFrameConnection on the echo
//    server; our Nagravision client submitting to the sandbox (pipelined);
//    the whole engine (store + dispatcher + sandbox) draining a queue.
//  - HTTP: raw keep-alive POSTs to an echo server; our Conax client to the
//    sandbox; the whole engine over HTTP.
// The sandbox runs in a child process (npm run headend), as it would beside
// a real console; both share the machine's cores.
// Every figure is checked: each answer counted and OK, every drained request
// acknowledged (in the default card order: finished) by the sandbox,
// every wait bounded in time.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { encodeFrame, FrameDecoder } from '../electron/protocol/frame-codec';
import { check, figure, type BenchOptions } from './bench-report';
import type { EnqueueInput } from '../electron/store/enqueue';
import { openStore } from '../electron/store/store';
import type { HeadendClient } from '../electron/sync/headend-client';
import { SyncEngine } from '../electron/sync/sync-engine';
import { TcpFrameConnection } from '../electron/sync/tcp-frame-connection';
import type { CardOrder } from '../shared/domain/life-cycle';
import {
  closeOpenRejections,
  conaxClient,
  conaxInput,
  nagravisionClient,
  type SandboxEndpoints,
  nagravisionInput,
  sandboxCards,
  tempDir,
  type Card,
} from '../electron/sync/testing/sync-fixtures';

interface Sizes {
  tcp: number;
  http: number;
  /** The whole engine drains this many queued requests over `cards` cards (so ≤ `cards` in flight at once). */
  engine: number;
  cards: number;
  seedSize: 'small' | 'full';
  /** Bound on any one measured piece of work. */
  deadlineMs: number;
}
const FULL: Sizes = { tcp: 20_000, http: 5_000, engine: 20_000, cards: 2_000, seedSize: 'full', deadlineMs: 600_000 };
const QUICK: Sizes = { tcp: 1_000, http: 200, engine: 500, cards: 100, seedSize: 'small', deadlineMs: 60_000 };
let size = FULL;
/** CADESK_BENCH_SYNC=engine runs only the two engine drains (quicker before/after comparisons). */
const ENGINE_ONLY = process.env.CADESK_BENCH_SYNC === 'engine';
const WINDOW = 256;
const HTTP_CONCURRENCY = 32;

/** Requests per second of `body`, which must finish within the deadline. */
async function timed(count: number, body: () => Promise<void>): Promise<number> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish ${count} requests within ${size.deadlineMs / 1000} s`)), size.deadlineMs);
  });
  try {
    await Promise.race([body(), deadline]);
  } finally {
    clearTimeout(timer);
  }
  return count / ((performance.now() - start) / 1000);
}

function checkOk(answer: Record<string, unknown>, what: string): void {
  const code = (answer.status as { code?: unknown } | undefined)?.code;
  check(code === 'OK', `${what}: answered ${JSON.stringify(answer.status)}`);
}

/** Runs `count` jobs with at most `width` in flight. */
async function pool(count: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await job(next++);
  }));
}

/** The sandbox as its own process; resolves with where it listens. */
async function sandboxProcess(dataDir: string, seedSize: string): Promise<{ endpoints: SandboxEndpoints; child: ChildProcess }> {
  const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../electron/sandbox/headend-cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--seed-size', seedSize, '--data-dir', dataDir, '--processing-delay-ms', '0', '--processing-interval-ms', '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const endpoints = await new Promise<SandboxEndpoints>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start within 60 s: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const tcp = /Nagravision TCP : [^:]+:(\d+) \(destination_id ([^)]+)\)/.exec(out);
      const httpUrl = /HTTP\s+: (http:\/\/\S+)/.exec(out);
      if (tcp && httpUrl) {
        clearTimeout(timer);
        resolve({ tcpPort: Number(tcp[1]), destinationId: tcp[2]!, baseUrl: httpUrl[1]! });
      }
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited (${code}): ${out}`)));
  });
  child.stdout!.resume();
  return { endpoints, child };
}

/** A loopback frame server answering each frame with `answer(frame)`, all answers of a chunk in one write. */
async function frameServer(answer: (frame: Record<string, unknown>) => Record<string, unknown>): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      const out: Buffer[] = [];
      for (const r of decoder.push(chunk)) if (r.ok) out.push(encodeFrame({ sequence_number: r.frame.sequence_number, ...answer(r.frame) }));
      if (out.length > 0) socket.write(Buffer.concat(out));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** A server answering every frame with the seed's answer: the client's own ceiling (session, tag, schema parse). */
function cannedAnswerServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const answer = seedAnswer();
  const token = { token: 'ABCDEF0123456789ABCDEF0123456789' };
  // The seed's answer, carrying the request's own UUID back as a real head-end's record does
  // (an answer without our UUID is not accepted as ours: outcome-classes.ts).
  const ours = (body: unknown) => ({ ...(answer.data as object), udf_string_8: (body as Record<string, unknown> | undefined)?.udf_string_8 });
  return frameServer((frame) => ({ status: answer.status, data: frame.method === 'authentication/token' ? token : ours(frame.body) }));
}

/** A sandbox-sized answer frame body, so echo and sandbox move as many bytes. */
function sampleBody(card: Card): Record<string, unknown> {
  return { token: 'ABCDEF0123456789ABCDEF0123456789', ...(nagravisionInput(card, 0).params as object), udf_string_8: randomUUID() };
}

/** The raw echo: each frame's body back in an OK envelope. */
function frameEchoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const ok = { message: '', description: '', code: 'OK' };
  return frameServer((frame) => ({ status: ok, data: frame.body }));
}

async function rawTcpEcho(port: number, body: Record<string, unknown>): Promise<number> {
  const socket = net.createConnection({ host: '127.0.0.1', port, noDelay: true });
  await new Promise((r) => socket.once('connect', r));
  const decoder = new FrameDecoder();
  let sent = 0;
  let answered = 0;
  let notOk = 0;
  const result = await timed(size.tcp, () => new Promise<void>((resolve) => {
    const send = () => {
      const batch: Buffer[] = [];
      while (sent < size.tcp && sent - answered < WINDOW) batch.push(encodeFrame({ destination_id: 'X', sequence_number: sent++, method: 'add_enhanced_list_of_products', body }));
      if (batch.length > 0) socket.write(Buffer.concat(batch));
    };
    socket.on('data', (chunk: Buffer) => {
      for (const r of decoder.push(chunk)) {
        answered += 1;
        if (!r.ok || (r.frame.status as { code?: unknown } | undefined)?.code !== 'OK') notOk += 1;
      }
      if (answered >= size.tcp) resolve();
      else send();
    });
    send();
  }));
  socket.destroy();
  check(notOk === 0, `TCP raw echo: ${notOk} of ${answered} answers were not OK frames`);
  return result;
}

function seedAnswer(): Record<string, unknown> {
  const fixture = JSON.parse(fs.readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../shared/domain/fixtures/nagravision-seed-examples.json'), 'utf8')) as { response: Record<string, unknown> }[];
  return fixture[0]!.response;
}

/** Echoes each body; with `canned`, answers the seed's answer instead (and a token to a login). */
async function httpEchoServer(canned = false): Promise<{ port: number; close: () => Promise<void> }> {
  const answer = seedAnswer();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echoed = { status: { message: '', description: '', code: 'OK' }, data: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
      const login = { status: answer.status, data: { token: 'ABCDEF0123456789ABCDEF0123456789' } };
      // Canned: the seed's answer carrying the request's own UUID back, as a real head-end's record does.
      const ours = { ...answer, data: { ...(answer.data as object), udf_string_8: (echoed.data as Record<string, unknown> | null)?.udf_string_8 } };
      const text = JSON.stringify(!canned ? echoed : req.url === '/authentication/token' ? login : ours);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

async function rawHttpEcho(port: number, body: Record<string, unknown>): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: HTTP_CONCURRENCY });
  const payload = JSON.stringify(body);
  const result = await timed(size.http, () => pool(size.http, HTTP_CONCURRENCY, () => new Promise<void>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/conax_web_services/provisioning_request/add_subscriptions', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP raw echo: answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(payload);
  })));
  agent.destroy();
  return result;
}

/**
 * The whole engine drains the queue. cardOrder 'finished' (the default): a
 * card's next request goes once the sandbox has processed the previous one
 * (it processes at once, every 20 ms) and a pass has read its status; done
 * when every request is finished. 'acknowledged': it goes once the previous
 * is created; done when every request is acknowledged. Rejections (the
 * sandbox refuses cancelling a service a card lacks) hold their card in
 * either order; the bench closes them as an operator would.
 */
async function engineDrain(endpoints: SandboxEndpoints, cards: Card[], provider: 'nagravision' | 'conax', cardOrder: CardOrder): Promise<{ rate: number; ms: number }> {
  const dir = tempDir();
  const store = openStore(path.join(dir, 'bench.sqlite'));
  const client: HeadendClient = provider === 'nagravision' ? nagravisionClient(endpoints, { maxInFlight: WINDOW, requestTimeoutMs: 30_000 }) : conaxClient(endpoints, 30_000);
  const inputs: EnqueueInput[] = [];
  for (let n = 0; inputs.length < size.engine; n++) for (const card of cards) inputs.push(provider === 'nagravision' ? nagravisionInput(card, n) : conaxInput(card, n));
  const queued = store.enqueue(inputs.slice(0, size.engine));
  check(queued.ok && queued.ids.length === size.engine, `engine drain (${provider}): the queue was not written`);
  const engine = new SyncEngine({ store, headends: { [provider]: client }, statusPollMs: 0, cardOrder, maxInFlightPerHeadend: provider === 'nagravision' ? WINDOW : HTTP_CONCURRENCY, reconcileGraceMs: 60_000 });
  const finished = cardOrder === 'finished';
  try {
    const start = performance.now();
    // Only requests the engine can move count: one that needs attention would keep pendingCount up forever.
    const left = () => {
      const c = store.countByState();
      return c.QUEUED + c.SENDING + c.UNKNOWN + c.RETRY_WAIT + (finished ? c.ACKNOWLEDGED : 0);
    };
    do {
      closeOpenRejections(store, 'bench');
      await engine.syncNow();
    } while (left() > 0 && performance.now() - start < size.deadlineMs);
    const ms = performance.now() - start;
    const counts = store.countByState();
    const done = counts.COMPLETED + counts.REJECTED + (finished ? 0 : counts.ACKNOWLEDGED);
    check(done === size.engine, `engine drain (${provider}, ${cardOrder}): ${done} of ${size.engine} ${finished ? 'finished' : 'acknowledged'} after ${Math.round(ms)} ms; states ${JSON.stringify(counts)}`);
    return { rate: size.engine / (ms / 1000), ms };
  } finally {
    await engine.stop();
    await client.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function printEngineDrains(endpoints: SandboxEndpoints, cards: Card[], bare: { tcp?: number; http?: number }): Promise<void> {
  const what = `${size.engine.toLocaleString('en-US')} queued over ${cards.length.toLocaleString('en-US')} cards`;
  for (const order of ['finished', 'acknowledged'] as const) {
    const tcp = await engineDrain(endpoints, cards, 'nagravision', order);
    const overHttp = await engineDrain(endpoints, cards, 'conax', order);
    const until = order === 'finished' ? 'every request finished at the head-end' : 'every request acknowledged';
    const label = order === 'finished' ? "cardOrder 'finished' (default)" : "cardOrder 'acknowledged'";
    // The per-card round trip (send, process, status) bounds the 'finished' drain: no target of its own.
    const target = order === 'finished' ? null : { min: 5_000 };
    figure(`engine drain over TCP, ${label}`, tcp.rate, 'req/s', target, `${what}, ${Math.round(tcp.ms)} ms; ${until}`);
    figure(`engine drain over HTTP, ${label}`, overHttp.rate, 'req/s', target, `${what}, ${Math.round(overHttp.ms)} ms; ${until}`);
    if (order === 'acknowledged' && bare.tcp) figure('  TCP engine / bare client → sandbox, same run', (100 * tcp.rate) / bare.tcp, '%', { min: 50 });
    if (order === 'acknowledged' && bare.http) figure('  HTTP engine / bare client → sandbox, same run', (100 * overHttp.rate) / bare.http, '%', { min: 50 });
  }
}

export async function run(options: BenchOptions): Promise<void> {
  size = options.quick ? QUICK : FULL;
  console.log(`sync (sandbox in a child process, seed ${size.seedSize}; shared cores)`);
  const dataDir = tempDir();
  const { endpoints, child } = await sandboxProcess(dataDir, size.seedSize);
  const catalog = conaxClient(endpoints);
  try {
    const engineCards = await sandboxCards(catalog, size.cards);
    const cards = engineCards.slice(0, 300);
    const body = sampleBody(cards[0]!);
    if (ENGINE_ONLY) {
      await printEngineDrains(endpoints, engineCards, {});
      return;
    }
    // TCP
    const echo = await frameEchoServer();
    const raw = await rawTcpEcho(echo.port, body);
    const ours = new TcpFrameConnection({ host: '127.0.0.1', port: echo.port, destinationId: 'X', maxInFlight: WINDOW });
    const oursEcho = await timed(size.tcp, () => pool(size.tcp, WINDOW, async () => checkOk(await ours.request('add_enhanced_list_of_products', body), 'TCP our connection on the echo server')));
    await ours.close();
    await echo.close();
    const canned = await cannedAnswerServer();
    const cannedClient = nagravisionClient({ tcpPort: canned.port, baseUrl: '', destinationId: 'X' }, { maxInFlight: WINDOW, requestTimeoutMs: 30_000 });
    const clientOnly = await timed(size.tcp, () => pool(size.tcp, WINDOW, async (i) => {
      const outcome = await cannedClient.submit('add_enhanced_list_of_products', nagravisionInput(cards[i % cards.length]!, 0).params as Record<string, unknown>, randomUUID());
      check(outcome.kind === 'acknowledged', `TCP client on canned answers: ${outcome.kind}`);
    }));
    await cannedClient.close();
    await canned.close();
    const nagra = nagravisionClient(endpoints, { maxInFlight: WINDOW, requestTimeoutMs: 30_000 });
    const submits = await timed(size.tcp, () => pool(size.tcp, WINDOW, async (i) => {
      const outcome = await nagra.submit('add_enhanced_list_of_products', nagravisionInput(cards[i % cards.length]!, 0).params as Record<string, unknown>, randomUUID());
      check(outcome.kind === 'acknowledged', `TCP client → sandbox: ${outcome.kind}`);
    }));
    await nagra.close();
    const n = size.tcp.toLocaleString('en-US');
    figure(`TCP raw echo (bare socket, window ${WINDOW})`, raw, 'req/s', null, `${n} frames, every answer an OK frame`);
    figure('TCP our connection on the echo server', oursEcho, 'req/s', null, `${Math.round((oursEcho / raw) * 100)}% of raw`);
    figure('TCP Nagravision client on canned seed answers', clientOnly, 'req/s', null, `${Math.round((clientOnly / raw) * 100)}% of raw: login, UUID tag, schema parse`);
    figure('TCP Nagravision client → sandbox (pipelined)', submits, 'req/s', { min: 5_000 }, `${Math.round((submits / raw) * 100)}% of raw echo; every submit acknowledged`);

    // HTTP
    const httpEcho = await httpEchoServer();
    const rawHttp = await rawHttpEcho(httpEcho.port, body);
    await httpEcho.close();
    const cannedHttp = await httpEchoServer(true);
    const cannedConax = conaxClient({ tcpPort: 0, destinationId: '', baseUrl: `http://127.0.0.1:${cannedHttp.port}` }, 30_000);
    const httpClientOnly = await timed(size.http, () => pool(size.http, HTTP_CONCURRENCY, async (i) => {
      const input = conaxInput(cards[i % cards.length]!, i);
      const outcome = await cannedConax.submit(input.method, input.params as Record<string, unknown>, randomUUID());
      check(outcome.kind === 'acknowledged', `HTTP client on canned answers: ${outcome.kind}`);
    }));
    await cannedConax.close();
    await cannedHttp.close();
    const conax = conaxClient(endpoints, 30_000);
    const httpSubmits = await timed(size.http, () => pool(size.http, HTTP_CONCURRENCY, async (i) => {
      const input = conaxInput(cards[i % cards.length]!, i);
      const outcome = await conax.submit(input.method, input.params as Record<string, unknown>, randomUUID());
      check(outcome.kind === 'acknowledged', `HTTP client → sandbox: ${outcome.kind}`);
    }));
    await conax.close();
    figure(`HTTP raw keep-alive echo (${HTTP_CONCURRENCY} in flight)`, rawHttp, 'req/s', null, `${size.http.toLocaleString('en-US')} posts, every answer 200`);
    figure('HTTP Conax client on canned seed answers', httpClientOnly, 'req/s', null, `${Math.round((httpClientOnly / rawHttp) * 100)}% of raw echo`);
    figure('HTTP Conax client → sandbox', httpSubmits, 'req/s', { min: 2_000 }, `${Math.round((httpSubmits / rawHttp) * 100)}% of raw echo; every submit acknowledged`);
    await printEngineDrains(endpoints, engineCards, { tcp: submits, http: httpSubmits });
  } finally {
    await catalog.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
