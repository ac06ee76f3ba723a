import { silentLogger } from '../logging/logger';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRuntime } from './runtime';
import { inProcessHandle, type RuntimeHandle } from './runtime-handle';

// A remote head-end whose password is saved sealed: while the desk is locked
// the sync engine does not log in at all (no login with an empty password),
// says why in the sync status, and logs in once the desk is unlocked. The
// "head-end" here is two real loopback sockets that count who knocks.

const quiet = silentLogger;
const PASSPHRASE = 'a desk passphrase';
const OPERATOR = { name: 'Test Operator', password: 'operator password' };

const dirs: string[] = [];
const servers: (TcpServer | HttpServer)[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function listen<S extends TcpServer | HttpServer>(server: S): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function start(dataDir: string, passphrase?: string): Promise<RuntimeHandle> {
  return inProcessHandle(
    await startRuntime({ mode: 'browser', version: '0.0.0-test', dataDir, logger: quiet, passphrase, operator: OPERATOR, sync: { idleMs: 100, statusPollMs: 200 } }),
  );
}

describe('a locked desk and a remote head-end', () => {
  it('never logs in while the saved password is locked, says so, and logs in once unlocked', async () => {
    const knocks = { tcp: 0, http: 0 };
    const tcp = createTcpServer((socket) => {
      knocks.tcp += 1;
      socket.destroy();
    });
    const http = createHttpServer((request, response) => {
      knocks.http += 1;
      response.writeHead(503, { 'Content-Type': 'application/json' }).end('{}');
    });
    const tcpPort = await listen(tcp);
    const httpPort = await listen(http);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-locked-'));
    dirs.push(dir);

    let runtime = await start(dir, PASSPHRASE);
    try {
      const remote = {
        mode: 'remote',
        nagravision: { host: '127.0.0.1', port: tcpPort, destination_id: 'REAL-1', timeout_ms: 1_000 },
        conax: { base_url: `http://127.0.0.1:${httpPort}`, timeout_ms: 1_000 },
        login: { username: 'desk', organisation: 'ORG' },
      };
      expect(await runtime.dispatch('settings.set', { connections: remote, password: 'the-real-password' })).toMatchObject({ ok: true, value: { passwordSaved: true } });
      expect(
        await runtime.dispatch('requests.enqueue', {
          requests: [{ provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { serial_number: 'smrt90000001' }, message_text: 'hello' } }],
        }),
      ).toMatchObject({ ok: true, value: { queued: 1 } });
      // Unlocked, it does knock (the test can fail): the saved password opens.
      await expect.poll(() => knocks.tcp + knocks.http, { timeout: 10_000, interval: 100 }).toBeGreaterThan(0);
    } finally {
      await runtime.close();
    }

    knocks.tcp = 0;
    knocks.http = 0;
    runtime = await start(dir); // locked: nobody entered the passphrase
    try {
      await new Promise((r) => setTimeout(r, 1_500)); // many engine periods (idle 100 ms)
      expect(knocks).toEqual({ tcp: 0, http: 0 });
      const status = await runtime.dispatch('sync.status', {});
      expect(status).toMatchObject({ ok: true, value: { running: false, pending: 1, lastError: expect.stringMatching(/locked/) } });
      expect(await runtime.dispatch('connections.test', { provider: 'conax' })).toMatchObject({ ok: true, value: { reachable: false, message: expect.stringMatching(/locked/) } });
      expect(knocks).toEqual({ tcp: 0, http: 0 });

      expect(await runtime.dispatch('security.unlock', { passphrase: PASSPHRASE })).toMatchObject({ ok: true, value: { unlocked: true } });
      await expect.poll(() => knocks.tcp + knocks.http, { timeout: 10_000, interval: 100 }).toBeGreaterThan(0);

      // Locking again stops it logging in.
      expect(await runtime.dispatch('security.lock', {})).toMatchObject({ ok: true, value: { unlocked: false } });
      expect(await runtime.dispatch('sync.status', {})).toMatchObject({ ok: true, value: { running: false, lastError: expect.stringMatching(/locked/) } });
      knocks.tcp = 0;
      knocks.http = 0;
      await new Promise((r) => setTimeout(r, 1_000));
      expect(knocks).toEqual({ tcp: 0, http: 0 });
    } finally {
      await runtime.close();
    }
  }, 60_000);
});
