import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../sandbox/seed-catalog';
import type { RuntimeHandle } from '../services/runtime-handle';
import { storeSnapshotter, type StoreSnapshotter } from '../services/testing/store-snapshot';
import { startTestRuntime } from '../services/testing/test-runtime';
import { startBridge, type BridgeServer } from './bridge-server';
import { sessionCookieName } from './session-secret';

// The security review's bridge probes, against a real back end: each one
// carries a valid call that would change the store (queue a request) and is
// refused with its exact status, and the store is as it was. The last test
// sends the same call properly and sees it queued, so the probes' "nothing
// changed" means something. bridge-server.test.ts has the probes that need
// no back end (Host and Origin on a harmless call, cookies, 413, the
// connection cap).

const MAX_BODY = 64 * 1024;
const ENQUEUE = JSON.stringify({
  requests: [
    {
      provider: 'conax',
      method: 'send_mail_message_to_client',
      params: { smartcard_identifier: { serial_number: FIXTURE.smartcardSerial }, message_text: 'probe' },
    },
  ],
});

interface Probe {
  method?: string;
  path?: string;
  /** Header lines as sent, in order; by default the right Host, the cookie and a JSON content type. */
  headers?: string[];
  body?: string;
}

describe('bridge probes against a real back end', () => {
  let dir: string;
  let runtime: RuntimeHandle;
  let bridge: BridgeServer;
  let snapshots: StoreSnapshotter;
  let cookie: string;
  let host: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-probes-'));
    runtime = await startTestRuntime(dir);
    bridge = await startBridge({ dispatch: runtime.dispatch, subscribe: runtime.subscribe, staticDir: null, maxBodyBytes: MAX_BODY });
    host = `Host: 127.0.0.1:${bridge.port}`;
    cookie = (await fetch(bridge.launchUrl, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
    snapshots = storeSnapshotter(runtime.local!.store);
  }, 30_000);

  afterAll(async () => {
    await bridge?.close();
    await runtime?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends the request byte for byte (no client normalises it) and resolves with the answer's status. */
  function send(probe: Probe): Promise<number> {
    const body = probe.body ?? ENQUEUE;
    const headers = probe.headers ?? [host, `Cookie: ${cookie}`, 'Content-Type: application/json'];
    const head = [`${probe.method ?? 'POST'} ${probe.path ?? '/ipc/requests.enqueue'} HTTP/1.1`, ...headers, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
    return new Promise((resolve, reject) => {
      const socket = net.connect(bridge.port, '127.0.0.1');
      let text = '';
      socket.setTimeout(5000, () => socket.destroy(new Error(`no answer: ${JSON.stringify(text)}`)));
      socket.on('data', (d) => {
        text += d.toString('latin1');
        const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
        if (status) {
          socket.destroy();
          resolve(Number(status[1]));
        }
      });
      // A refusal may close the connection before the body is written: the answer read by then is what counts.
      socket.on('error', () => {});
      socket.on('close', () => reject(new Error(`closed without an answer: ${JSON.stringify(text)}`)));
      socket.on('connect', () => socket.end(`${head.join('\r\n')}\r\n\r\n${body}`));
    });
  }

  /** The probe gets exactly `status`, and the store is untouched (no request, event, setting or operator). */
  async function refused(probe: Probe, status: number): Promise<void> {
    const before = snapshots.take();
    expect(await send(probe), JSON.stringify(probe).slice(0, 200)).toBe(status);
    expect(snapshots.take()).toEqual(before);
  }

  it('refuses a call without a session, with a wrong one or another instance\'s: 401', async () => {
    const token = cookie.split('=')[1]!;
    await refused({ headers: [host, 'Content-Type: application/json'] }, 401);
    await refused({ headers: [host, `Cookie: ${sessionCookieName(bridge.port)}=`, 'Content-Type: application/json'] }, 401);
    await refused({ headers: [host, `Cookie: ${sessionCookieName(bridge.port)}=${token.slice(0, -1)}`, 'Content-Type: application/json'] }, 401);
    await refused({ headers: [host, `Cookie: ${sessionCookieName(bridge.port + 1)}=${token}`, 'Content-Type: application/json'] }, 401);
    // A second cookie of the same name, placed first, is the one read: a planted cookie cannot ride along the real one.
    await refused({ headers: [host, `Cookie: ${sessionCookieName(bridge.port)}=planted; ${cookie}`, 'Content-Type: application/json'] }, 401);
  });

  it('refuses another Host (DNS rebinding) and two Host headers even with the session: 421 and 400', async () => {
    const json = [`Cookie: ${cookie}`, 'Content-Type: application/json'];
    await refused({ headers: [`Host: evil.example:${bridge.port}`, ...json] }, 421);
    await refused({ headers: ['Host: 127.0.0.1', ...json] }, 421);
    await refused({ headers: [...json] }, 400);
    await refused({ headers: [host, `Host: evil.example:${bridge.port}`, ...json] }, 400);
    await refused({ headers: [host, host, ...json] }, 400);
  });

  it('refuses a cross-origin call, an opaque origin included: 403', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${bridge.port + 1}`, `https://127.0.0.1:${bridge.port}`, 'null']) {
      await refused({ headers: [host, `Cookie: ${cookie}`, 'Content-Type: application/json', `Origin: ${origin}`] }, 403);
    }
  });

  it('takes IPC by POST only (405), and JSON only: a form post or text/plain is 415', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) await refused({ method }, 405);
    await refused({ path: '/events' }, 405);
    await refused({ path: '/IPC/requests.enqueue' }, 405);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      await refused({ headers: [host, `Cookie: ${cookie}`, `Content-Type: ${type}`] }, 415);
    }
    await refused({ headers: [host, `Cookie: ${cookie}`] }, 415);
  });

  it('answers 404 to channels that are not the contract\'s, however spelt', async () => {
    const paths = ['/ipc/__proto__', '/ipc/constructor', '/ipc/toString', '/ipc/requests%2Eenqueue', '/ipc//requests.enqueue', '/ipc/requests.enqueue/', '/ipc/requests.enqueue/..', '/ipc/Requests.Enqueue', '/ipc/requests.enqueue%00', '//ipc/requests.enqueue', '/ipc/%2e%2e/ipc/requests.enqueue/x'];
    for (const p of paths) await refused({ path: p }, 404);
  });

  it('refuses a body that is not JSON (400) or too large (413), queueing nothing', async () => {
    for (const body of [ENQUEUE.slice(0, -1), `\uFEFF${ENQUEUE}`, `${ENQUEUE}${ENQUEUE}`, `requests=${encodeURIComponent(ENQUEUE)}`]) await refused({ body }, 400);
    await refused({ body: ENQUEUE + ' '.repeat(MAX_BODY) }, 413);
  });

  it('queues the same call sent properly (the probes above would have changed the store)', async () => {
    const before = snapshots.take();
    expect(await send({})).toBe(200);
    expect(snapshots.take().requests).toBe(before.requests + 1);
  });
});
