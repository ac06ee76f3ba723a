import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_CHANNELS } from '../../shared/ipc/channels';
import { IpcFailure } from '../../shared/ipc/result';
import { createValidatedApi } from '../../shared/ipc/validated-client';
import { createHttpTransport } from '../../renderer/ipc/http-transport';
import { EventHub, ServiceRegistry, type CommandHandlers } from '../services/service-registry';
import { startBridge, type BridgeServer } from './bridge-server';
import { LAUNCH_QUERY_KEY, sessionCookieName } from './session-secret';
import { silentLogger } from '../logging/logger';

const quiet = silentLogger;

function registryForTest(): ServiceRegistry {
  const unavailable = Object.fromEntries(
    COMMAND_CHANNELS.map((c) => [
      c,
      () => {
        throw new IpcFailure('UNAVAILABLE', `${c} is not part of this test`);
      },
    ]),
  ) as unknown as CommandHandlers;
  const handlers: CommandHandlers = {
    ...unavailable,
    'app.info': () => ({ mode: 'browser', version: '0.0.0-test', dataDir: '/tmp/x', headend: 'embedded' }),
    'requests.counts': () => ({ byState: { QUEUED: 2 }, total: 2, needsAttention: 0 }),
  };
  return new ServiceRegistry(handlers, new EventHub(quiet), quiet);
}

describe('browser bridge', () => {
  let dir: string;
  let bridge: BridgeServer;
  let registry: ServiceRegistry;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-bridge-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>CA Desk</title>');
    writeFileSync(path.join(os.tmpdir(), 'cadesk-outside.txt'), 'secret file');
    registry = registryForTest();
    bridge = await startBridge({
      dispatch: (c, i) => registry.dispatch(c, i),
      subscribe: (l) => registry.events.subscribe(l),
      staticDir: dir,
      heartbeatMs: 50,
    });
  });

  afterEach(async () => {
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function login(): Promise<string> {
    const res = await fetch(bridge.launchUrl, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    return setCookie.split(';')[0]!;
  }

  it('binds to 127.0.0.1 on a free port', () => {
    expect(bridge.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bridge.port).toBeGreaterThan(0);
  });

  it('refuses every request without the secret', async () => {
    const ipc = await fetch(`${bridge.origin}/ipc/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(ipc.status).toBe(401);
    expect((await fetch(`${bridge.origin}/`)).status).toBe(401);
    expect((await fetch(`${bridge.origin}/events`)).status).toBe(401);
    const wrongKey = await fetch(`${bridge.origin}/?key=guess`, { redirect: 'manual' });
    expect(wrongKey.status).toBe(401);
    const wrongCookie = await fetch(`${bridge.origin}/ipc/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `${sessionCookieName(bridge.port)}=guess` },
      body: '{}',
    });
    expect(wrongCookie.status).toBe(401);
  });

  /** fetch() will not send a foreign Host header; node:http will (as a DNS-rebinding page's browser would). */
  function rawRequest(options: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: bridge.port, method: options.method, path: options.path, headers: options.headers, timeout: 5000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(options.body);
    });
  }

  it('refuses other hosts and cross-origin calls even with the cookie', async () => {
    const cookie = await login();
    const json = { 'Content-Type': 'application/json', Cookie: cookie };
    expect(await rawRequest({ method: 'POST', path: '/ipc/app.info', headers: { ...json, Host: `127.0.0.1:${bridge.port}` }, body: '{}' })).toBe(200);
    expect(await rawRequest({ method: 'POST', path: '/ipc/app.info', headers: { ...json, Host: `evil.example:${bridge.port}` }, body: '{}' })).toBe(421);
    expect(await rawRequest({ method: 'GET', path: '/events', headers: { Cookie: cookie, Host: 'evil.example' } })).toBe(421);
    const other = await fetch(`${bridge.origin}/ipc/app.info`, {
      method: 'POST',
      headers: { ...json, Origin: 'http://evil.example' },
      body: '{}',
    });
    expect(other.status).toBe(403);
    const controller = new AbortController();
    try {
      const events = await fetch(`${bridge.origin}/events`, { headers: { Cookie: cookie, Origin: 'http://evil.example' }, signal: controller.signal });
      expect(events.status).toBe(403);
    } finally {
      controller.abort();
    }
  });

  it('uses the launch secret once and a separate session token as the cookie', async () => {
    const secret = new URL(bridge.launchUrl).searchParams.get(LAUNCH_QUERY_KEY)!;
    const cookie = await login();
    const [name, token] = cookie.split('=') as [string, string];
    expect(name).toBe(sessionCookieName(bridge.port));
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(token).not.toBe(secret);
    // The printed secret is no session.
    const withSecret = await fetch(`${bridge.origin}/ipc/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `${name}=${secret}` },
      body: '{}',
    });
    expect(withSecret.status).toBe(401);
    // A second use of the link (someone who read it later) gets nothing.
    const again = await fetch(bridge.launchUrl, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    // The browser that holds the session may open it again harmlessly.
    const reopened = await fetch(bridge.launchUrl, { redirect: 'manual', headers: { Cookie: cookie } });
    expect(reopened.status).toBe(303);
    expect(reopened.headers.get('set-cookie')).toBeNull();
    const ok = await fetch(`${bridge.origin}/ipc/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: '{}' });
    expect(ok.status).toBe(200);
  });

  it('names its cookie by port, so two instances on one host keep their own sessions', async () => {
    const second = await startBridge({
      dispatch: (c, i) => registry.dispatch(c, i),
      subscribe: (l) => registry.events.subscribe(l),
      staticDir: dir,
    });
    try {
      const first = await login();
      const res = await fetch(second.launchUrl, { redirect: 'manual' });
      const secondCookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      expect(secondCookie.split('=')[0]).toBe(sessionCookieName(second.port));
      expect(secondCookie.split('=')[0]).not.toBe(first.split('=')[0]);
      // A browser sends both cookies to both: each bridge reads its own.
      const both = `${first}; ${secondCookie}`;
      const call = (origin: string) => fetch(`${origin}/ipc/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: both }, body: '{}' });
      expect((await call(bridge.origin)).status).toBe(200);
      expect((await call(second.origin)).status).toBe(200);
      // And one's cookie opens nothing at the other.
      const crossed = await fetch(`${second.origin}/ipc/app.info`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: `${sessionCookieName(second.port)}=${first.split('=')[1]}` },
        body: '{}',
      });
      expect(crossed.status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('serves the renderer but nothing outside its folder', async () => {
    const cookie = await login();
    const index = await fetch(`${bridge.origin}/`, { headers: { Cookie: cookie } });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('CA Desk');
    const escape = await fetch(`${bridge.origin}/%2e%2e/cadesk-outside.txt`, { headers: { Cookie: cookie } });
    expect(escape.status).toBe(404);
    // fetch() would normalise "/../"; encoded slashes reach the server as written.
    // Nor "/../" written out, plain or encoded: the outside file sits one folder up from the renderer's.
    const upward = ['/../cadesk-outside.txt', '/./../cadesk-outside.txt', '/x/../../cadesk-outside.txt', '/%2e%2e/cadesk-outside.txt', '/.%2E/cadesk-outside.txt', '/..\\cadesk-outside.txt'];
    for (const p of [...upward, '/..%2F..%2Fetc%2Fpasswd', '/..%2f..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e%2fcadesk-outside.txt', '/..%5C..%5Cetc%5Cpasswd']) {
      expect(await rawRequest({ method: 'GET', path: p, headers: { Cookie: cookie, Host: `127.0.0.1:${bridge.port}` } })).toBe(404);
    }
  });

  it('does a round trip through the validated client, both directions checked', async () => {
    const cookie = await login();
    const api = createValidatedApi(
      createHttpTransport({ baseUrl: bridge.origin, headers: { Cookie: cookie }, eventSourceFactory: null }),
    );
    expect(await api.invoke('requests.counts', {})).toEqual({ ok: true, value: { byState: { QUEUED: 2 }, total: 2, needsAttention: 0 } });
    const refused = await api.invoke('sync.now', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    // Bad input sent raw (bypassing the client's own check) is refused by the main side too.
    const raw = await fetch(`${bridge.origin}/ipc/requests.get`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: JSON.stringify({ id: -3 }),
    });
    const body = (await raw.json()) as { ok: boolean; error: { code: string; fields: { field: string }[] } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.fields[0]?.field).toBe('id');
    const unknown = await fetch(`${bridge.origin}/ipc/requests.drop_table`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    const notJson = await fetch(`${bridge.origin}/ipc/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
  });

  it('streams events to an authorised client', async () => {
    const cookie = await login();
    const controller = new AbortController();
    const res = await fetch(`${bridge.origin}/events`, { headers: { Cookie: cookie }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    // Wait until the server registered the stream before emitting.
    for (let i = 0; i < 50 && registry.events.listenerCount === 0; i++) await new Promise((r) => setTimeout(r, 10));
    registry.events.emit('requests.changed', { ids: [3], reason: 'test' });
    let text = '';
    const deadline = Date.now() + 5000;
    while (!text.includes('event: requests.changed') && Date.now() < deadline) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    controller.abort();
    expect(text).toContain('event: requests.changed');
    expect(text).toContain('"reason":"test"');
  });

  /** Writes raw bytes to the bridge and resolves with the status line of the answer (or '' when closed without one). */
  function raw(port: number, chunks: string[], timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer within ${timeoutMs} ms: ${JSON.stringify(text)}`));
      }, timeoutMs);
      socket.on('data', (d) => {
        text += d.toString('latin1');
        if (text.includes('\r\n')) {
          clearTimeout(timer);
          socket.destroy();
          resolve(text.slice(0, text.indexOf('\r\n')));
        }
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(text.split('\r\n')[0] ?? '');
      });
      socket.on('connect', () => {
        for (const c of chunks) socket.write(c);
      });
    });
  }

  it('refuses two Host headers and answers 404 (not 500) to malformed paths', async () => {
    const host = `127.0.0.1:${bridge.port}`;
    expect(await raw(bridge.port, [`GET / HTTP/1.1\r\nHost: ${host}\r\nHost: evil.example\r\n\r\n`])).toMatch(/^HTTP\/1.1 400/);
    expect(await raw(bridge.port, [`GET // HTTP/1.1\r\nHost: ${host}\r\n\r\n`])).toMatch(/^HTTP\/1.1 404/);
    expect(await raw(bridge.port, [`GET //evil.example/x HTTP/1.1\r\nHost: ${host}\r\n\r\n`])).toMatch(/^HTTP\/1.1 404/);
    expect(await raw(bridge.port, [`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`])).toMatch(/^HTTP\/1.1 401/);
  });

  it('answers 413 before reading a body that is too large, announced or not', async () => {
    const small = await startBridge({ dispatch: (c, i) => registry.dispatch(c, i), subscribe: (l) => registry.events.subscribe(l), staticDir: null, maxBodyBytes: 1024 });
    try {
      const cookie = (await fetch(small.launchUrl, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
      const head = (extra: string) =>
        `POST /ipc/app.info HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\nCookie: ${cookie}\r\nContent-Type: application/json\r\n${extra}\r\n`;
      // Announced: the answer comes with no byte of the 40 MB body sent.
      expect(await raw(small.port, [head('Content-Length: 41943040\r\n')])).toMatch(/^HTTP\/1.1 413/);
      // Not announced (chunked): refused once the limit is crossed, with an answer rather than a reset.
      const chunk = 'x'.repeat(2048);
      expect(await raw(small.port, [head('Transfer-Encoding: chunked\r\n'), `${chunk.length.toString(16)}\r\n${chunk}\r\n`])).toMatch(/^HTTP\/1.1 413/);
    } finally {
      await small.close();
    }
  });

  it('caps open connections', async () => {
    const capped = await startBridge({ dispatch: (c, i) => registry.dispatch(c, i), subscribe: (l) => registry.events.subscribe(l), staticDir: null, maxConnections: 3 });
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const s = net.connect(capped.port, '127.0.0.1');
        sockets.push(s);
        await new Promise((r) => s.once('connect', r));
      }
      await new Promise((r) => setTimeout(r, 100));
      const extra = net.connect(capped.port, '127.0.0.1');
      sockets.push(extra);
      extra.on('error', () => {});
      const closed = await new Promise<boolean>((resolve) => {
        extra.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 3000);
      });
      expect(closed).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
      await capped.close();
    }
  });
});
