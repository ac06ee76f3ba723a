import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadend } from '../sandbox/start-headend';
import { ConaxHttpClient } from './conax-http-client';
import { conaxInput, SANDBOX_CREDENTIALS, sandboxCards, tempDir } from './testing/sync-fixtures';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A self-signed certificate for 127.0.0.1, made now with the system's openssl (no new dependency). */
function selfSigned(dir: string): { key: string; cert: string } | null {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
}

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('ConaxHttpClient', () => {
  it.skipIf(!hasOpenssl)('speaks HTTPS to a head-end whose certificate is signed by the configured CA, and refuses it otherwise', async () => {
    const headend = await startHeadend({ seedSize: 'tiny' });
    cleanups.push(() => headend.close());
    const certDir = tempDir();
    cleanups.push(() => fs.rmSync(certDir, { recursive: true, force: true }));
    const pem = selfSigned(certDir);
    expect(pem).not.toBeNull();
    // TLS in front of the sandbox: every request is passed on as is.
    const tls = https.createServer({ key: pem!.key, cert: pem!.cert }, (req, res) => {
      const upstream = http.request({ host: '127.0.0.1', port: headend.httpPort, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    const port = await listen(tls);
    cleanups.push(() => closeServer(tls));

    const plain = new ConaxHttpClient({ baseUrl: headend.baseUrl, credentials: SANDBOX_CREDENTIALS });
    cleanups.push(() => plain.close());
    const [card] = await sandboxCards(plain, 1);

    const trusted = new ConaxHttpClient({ baseUrl: `https://127.0.0.1:${port}`, caCertificate: pem!.cert, credentials: SANDBOX_CREDENTIALS });
    cleanups.push(() => trusted.close());
    const input = conaxInput(card!, 0);
    const ok = await trusted.submit(input.method, input.params as Record<string, unknown>, randomUUID());
    expect(ok.kind).toBe('acknowledged');

    const untrusted = new ConaxHttpClient({ baseUrl: `https://127.0.0.1:${port}`, credentials: SANDBOX_CREDENTIALS });
    cleanups.push(() => untrusted.close());
    const refused = await untrusted.submit(input.method, input.params as Record<string, unknown>, randomUUID());
    expect(refused.kind).toBe('transient'); // nothing left us: the TLS handshake failed first
    expect(refused.kind === 'transient' && refused.reason).toMatch(/certificate/i);
    expect(headend.received()).toHaveLength(1);
  });

  it('tells "not served" from "maybe created" when a head-end answers without an envelope', async () => {
    let reply: (res: http.ServerResponse) => void = () => undefined;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/authentication/token') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: { message: '', description: '', code: 'OK' }, data: { token: 'ABCDEF0123456789ABCDEF0123456789' } }));
          return;
        }
        reply(res);
      });
    });
    const port = await listen(server);
    cleanups.push(() => closeServer(server));
    const client = new ConaxHttpClient({ baseUrl: `http://127.0.0.1:${port}`, credentials: SANDBOX_CREDENTIALS, timeoutMs: 300 });
    cleanups.push(() => client.close());
    const params = conaxInput({ id: 'X', serial_number: 'smrt1', subscription_number: 'S1' }, 0).params as Record<string, unknown>;

    reply = (res) => {
      res.writeHead(429);
      res.end('slow down');
    };
    expect(await client.submit('add_subscriptions', params, randomUUID())).toMatchObject({ kind: 'transient' });

    // A 5xx page may come from a proxy behind which the head-end created the request.
    for (const status of [502, 503]) {
      reply = (res) => {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end('<html>bad gateway</html>');
      };
      expect(await client.submit('add_subscriptions', params, randomUUID())).toMatchObject({ kind: 'unknown', outcomeClass: 'http_5xx' });
    }

    reply = (res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy page</html>');
    };
    const garbled = await client.submit('add_subscriptions', params, randomUUID());
    expect(garbled.kind).toBe('unknown');
    expect(garbled.kind === 'unknown' && garbled.reason).toMatch(/not JSON/);

    reply = (res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: { message: 'System error', description: 'database busy', code: 'SYSTEM_ERROR' }, data: null }));
    };
    // SYSTEM_ERROR does not prove the request was not created: unknown, looked up before any resend.
    expect(await client.submit('add_subscriptions', params, randomUUID())).toMatchObject({ kind: 'unknown', outcomeClass: 'system_error' });

    reply = () => undefined; // never answers
    const silent = await client.submit('add_subscriptions', params, randomUUID());
    expect(silent.kind).toBe('unknown');
    expect(silent.kind === 'unknown' && silent.reason).toMatch(/no complete answer within 300 ms/);
  });

  it('reads show and list of the sandbox, with JSON-encoded identifiers in the query', async () => {
    const headend = await startHeadend({ seedSize: 'tiny' });
    cleanups.push(() => headend.close());
    const client = new ConaxHttpClient({ baseUrl: headend.baseUrl, credentials: SANDBOX_CREDENTIALS });
    cleanups.push(() => client.close());
    const [card] = await sandboxCards(client, 1);
    const input = conaxInput(card!, 0);
    const uuid = randomUUID();
    const created = await client.submit(input.method, input.params as Record<string, unknown>, uuid);
    if (created.kind !== 'acknowledged') throw new Error(created.kind);
    const shown = await client.show({ number: created.request.number }, 'id,udf_string_8');
    expect(shown).toEqual({ kind: 'ok', data: { id: created.request.id, udf_string_8: uuid } });
    const listed = await client.list({ type: 'ADD_SUBSCRIPTIONS', fields_set: 'id', records_per_page: 5 });
    expect(listed).toMatchObject({ kind: 'ok', data: { items: [{ id: created.request.id }], paging: { total_records: 1 } } });
    const missing = await client.show({ number: '1' });
    expect(missing).toMatchObject({ kind: 'error', errorClass: 'permanent', code: 'NOT_FOUND' });
  });
});
