// Sync throughput (printed, never asserted). Each transport is measured beside
// a raw loopback echo of the same frames/bodies in the same run, so the ratio
// says what our client and the sandbox cost on this machine:
//  - TCP: raw socket + frame echo server; our TcpFrameConnection on the echo
//    server; our Nagravision client submitting to the sandbox (pipelined);
//    the whole engine (store + dispatcher + sandbox) draining a queue.
//  - HTTP: raw keep-alive POSTs to an echo server; our Conax client to the
//    sandbox; the whole engine over HTTP.
// The sandbox runs in a child process (npm run headend), as it would beside
// a real console; both share the machine's cores.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { encodeFrame, FrameDecoder } from '../electron/protocol/frame-codec';
import type { EnqueueInput } from '../electron/store/enqueue';
import { openStore } from '../electron/store/store';
import type { HeadendClient } from '../electron/sync/headend-client';
import { SyncEngine } from '../electron/sync/sync-engine';
import { TcpFrameConnection } from '../electron/sync/tcp-frame-connection';
import {
  conaxClient,
  conaxInput,
  nagravisionClient,
  type Endpoints,
  nagravisionInput,
  sandboxCards,
  tempDir,
  type Card,
} from '../electron/sync/testing/sync-fixtures';

const TCP_REQUESTS = 20_000;
const HTTP_REQUESTS = 5_000;
/** The whole engine drains this many queued requests over ENGINE_CARDS cards (so ≤ ENGINE_CARDS in flight at once). */
const ENGINE_REQUESTS = 20_000;
const ENGINE_CARDS = 2_000;
/** CADESK_BENCH_SYNC=engine runs only the two engine drains (quicker before/after comparisons). */
const ENGINE_ONLY = process.env.CADESK_BENCH_SYNC === 'engine';
const WINDOW = 256;
const HTTP_CONCURRENCY = 32;

function fmt(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')} req/s`;
}

async function timed(count: number, body: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await body();
  return count / ((performance.now() - start) / 1000);
}

/** Runs `count` jobs with at most `width` in flight. */
async function pool(count: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await job(next++);
  }));
}

/** The sandbox as its own process; resolves with where it listens. */
async function sandboxProcess(dataDir: string): Promise<{ endpoints: Endpoints; child: ChildProcess }> {
  const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../electron/headend/headend-cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--seed-size', 'full', '--data-dir', dataDir, '--processing-delay-ms', '3600000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const endpoints = await new Promise<Endpoints>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${out}`)), 60_000);
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
  return frameServer((frame) => ({ status: answer.status, data: frame.method === 'authentication/token' ? token : answer.data }));
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
  const result = await timed(TCP_REQUESTS, () => new Promise<void>((resolve) => {
    const send = () => {
      const batch: Buffer[] = [];
      while (sent < TCP_REQUESTS && sent - answered < WINDOW) batch.push(encodeFrame({ destination_id: 'X', sequence_number: sent++, method: 'add_enhanced_list_of_products', body }));
      if (batch.length > 0) socket.write(Buffer.concat(batch));
    };
    socket.on('data', (chunk: Buffer) => {
      answered += decoder.push(chunk).length;
      if (answered >= TCP_REQUESTS) resolve();
      else send();
    });
    send();
  }));
  socket.destroy();
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
      const text = JSON.stringify(!canned ? echoed : req.url === '/authentication/token' ? login : answer);
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
  const result = await timed(HTTP_REQUESTS, () => pool(HTTP_REQUESTS, HTTP_CONCURRENCY, () => new Promise<void>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/conax_web_services/provisioning_request/add_subscriptions', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(payload);
  })));
  agent.destroy();
  return result;
}

async function engineDrain(endpoints: Endpoints, cards: Card[], provider: 'nagravision' | 'conax'): Promise<{ rate: number; ms: number }> {
  const dir = tempDir();
  const store = openStore(path.join(dir, 'bench.sqlite'));
  const client: HeadendClient = provider === 'nagravision' ? nagravisionClient(endpoints, { maxInFlight: WINDOW, requestTimeoutMs: 30_000 }) : conaxClient(endpoints, 30_000);
  const inputs: EnqueueInput[] = [];
  for (let n = 0; inputs.length < ENGINE_REQUESTS; n++) for (const card of cards) inputs.push(provider === 'nagravision' ? nagravisionInput(card, n) : conaxInput(card, n));
  store.enqueue(inputs.slice(0, ENGINE_REQUESTS));
  const engine = new SyncEngine({ store, headends: { [provider]: client }, statusPollMs: 3_600_000, maxInFlightPerHeadend: provider === 'nagravision' ? WINDOW : HTTP_CONCURRENCY, reconcileGraceMs: 60_000 });
  const start = performance.now();
  await engine.syncNow();
  while (engine.status().pendingCount > 0) await engine.syncNow();
  const ms = performance.now() - start;
  await engine.stop();
  await client.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { rate: ENGINE_REQUESTS / (ms / 1000), ms };
}

async function printEngineDrains(endpoints: Endpoints, cards: Card[]): Promise<void> {
  const tcp = await engineDrain(endpoints, cards, 'nagravision');
  const overHttp = await engineDrain(endpoints, cards, 'conax');
  const what = `${ENGINE_REQUESTS.toLocaleString('en-US')} queued over ${cards.length.toLocaleString('en-US')} cards`;
  console.log(`  engine drain (store FULL + sandbox) over TCP:  ${fmt(tcp.rate)}  (${what}, ${Math.round(tcp.ms)} ms)`);
  console.log(`  engine drain (store FULL + sandbox) over HTTP: ${fmt(overHttp.rate)}  (${what}, ${Math.round(overHttp.ms)} ms)`);
}

export async function run(): Promise<void> {
  console.log('sync (sandbox in a child process; 2 shared cores)');
  const dataDir = tempDir();
  const { endpoints, child } = await sandboxProcess(dataDir);
  const catalog = conaxClient(endpoints);
  const engineCards = await sandboxCards(catalog, ENGINE_CARDS);
  const cards = engineCards.slice(0, 300);
  const body = sampleBody(cards[0]!);
  try {
    if (ENGINE_ONLY) {
      await printEngineDrains(endpoints, engineCards);
      return;
    }
    // TCP
    const echo = await frameEchoServer();
    const raw = await rawTcpEcho(echo.port, body);
    const ours = new TcpFrameConnection({ host: '127.0.0.1', port: echo.port, destinationId: 'X', maxInFlight: WINDOW });
    const oursEcho = await timed(TCP_REQUESTS, () => pool(TCP_REQUESTS, WINDOW, async () => void (await ours.request('add_enhanced_list_of_products', body))));
    await ours.close();
    await echo.close();
    const canned = await cannedAnswerServer();
    const cannedClient = nagravisionClient({ tcpPort: canned.port, baseUrl: '', destinationId: 'X' }, { maxInFlight: WINDOW, requestTimeoutMs: 30_000 });
    const clientOnly = await timed(TCP_REQUESTS, () => pool(TCP_REQUESTS, WINDOW, async (i) => {
      const outcome = await cannedClient.submit('add_enhanced_list_of_products', nagravisionInput(cards[i % cards.length]!, 0).params as Record<string, unknown>, randomUUID());
      if (outcome.kind !== 'acknowledged') throw new Error(`submit: ${outcome.kind}`);
    }));
    await cannedClient.close();
    await canned.close();
    const nagra = nagravisionClient(endpoints, { maxInFlight: WINDOW, requestTimeoutMs: 30_000 });
    const submits = await timed(TCP_REQUESTS, () => pool(TCP_REQUESTS, WINDOW, async (i) => {
      const outcome = await nagra.submit('add_enhanced_list_of_products', nagravisionInput(cards[i % cards.length]!, 0).params as Record<string, unknown>, randomUUID());
      if (outcome.kind !== 'acknowledged') throw new Error(`submit: ${outcome.kind}`);
    }));
    await nagra.close();
    console.log(`  TCP raw echo (bare socket, window ${WINDOW}):         ${fmt(raw)}`);
    console.log(`  TCP our connection on the echo server:           ${fmt(oursEcho)}  (${Math.round((oursEcho / raw) * 100)}% of raw)`);
    console.log(`  TCP Nagravision client on canned seed answers:   ${fmt(clientOnly)}  (${Math.round((clientOnly / raw) * 100)}% of raw: login, UUID tag, schema parse)`);
    console.log(`  TCP Nagravision client → sandbox (pipelined):    ${fmt(submits)}  (${Math.round((submits / raw) * 100)}% of raw echo; target ≥ 5,000 and ≥ 25%)`);

    // HTTP
    const httpEcho = await httpEchoServer();
    const rawHttp = await rawHttpEcho(httpEcho.port, body);
    await httpEcho.close();
    const cannedHttp = await httpEchoServer(true);
    const cannedConax = conaxClient({ tcpPort: 0, destinationId: '', baseUrl: `http://127.0.0.1:${cannedHttp.port}` }, 30_000);
    const httpClientOnly = await timed(HTTP_REQUESTS, () => pool(HTTP_REQUESTS, HTTP_CONCURRENCY, async (i) => {
      const input = conaxInput(cards[i % cards.length]!, i);
      const outcome = await cannedConax.submit(input.method, input.params as Record<string, unknown>, randomUUID());
      if (outcome.kind !== 'acknowledged') throw new Error(`submit: ${outcome.kind}`);
    }));
    await cannedConax.close();
    await cannedHttp.close();
    const conax = conaxClient(endpoints, 30_000);
    const httpSubmits = await timed(HTTP_REQUESTS, () => pool(HTTP_REQUESTS, HTTP_CONCURRENCY, async (i) => {
      const input = conaxInput(cards[i % cards.length]!, i);
      const outcome = await conax.submit(input.method, input.params as Record<string, unknown>, randomUUID());
      if (outcome.kind !== 'acknowledged') throw new Error(`submit: ${outcome.kind}`);
    }));
    await conax.close();
    console.log(`  HTTP raw keep-alive echo (${HTTP_CONCURRENCY} in flight):       ${fmt(rawHttp)}`);
    console.log(`  HTTP Conax client on canned seed answers:        ${fmt(httpClientOnly)}  (${Math.round((httpClientOnly / rawHttp) * 100)}% of raw echo)`);
    console.log(`  HTTP Conax client → sandbox:                     ${fmt(httpSubmits)}  (${Math.round((httpSubmits / rawHttp) * 100)}% of raw echo; target ≥ 2,000)`);
    await printEngineDrains(endpoints, engineCards);
  } finally {
    await catalog.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
