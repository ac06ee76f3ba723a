import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from './testing/test-runtime';
import { ERROR, fakeJwt, OK, startScriptedServer } from '../sync/testing/crmcom-scripted-server';
import { DEFAULT_CONNECTIONS } from './settings-service';

// Connection settings for a CRM.COM V4 server, through the IPC contract:
// the profile, base URL, release, Web API key login (sealed, never shown),
// capabilities that decide what can be queued, and "Test connection"
// (login, token expiry, clock skew, capabilities) with read-only calls.

describe('a CRM.COM V4 connection in the settings', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('logs in by Web API key, reports token expiry and clock skew, refuses unsendable kinds at entry, and creates nothing when tested', async () => {
    // The server's clock runs 90 s ahead of ours: its Date headers and its JWT say so.
    const serverNow = () => Date.now() + 90_000;
    const dated = <T extends object>(answer: T) => ({ ...answer, headers: { date: new Date(serverNow()).toUTCString() } });
    const server = await startScriptedServer('/crmapi/rest/v2', (call) => {
      if (call.path === 'authentication/web_api_key/token') {
        return call.headers.authorization === `Basic ${Buffer.from('the-key:').toString('base64')}` ? dated(OK({ token: fakeJwt(serverNow(), 2 * 3600_000) })) : ERROR('LOGIN_FAILED', 'bad key', 401);
      }
      if (call.path === 'authentication/token/release') return dated(OK(null));
      return dated(ERROR('NOT_FOUND', 'no such request'));
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    dirs.push(dir);
    const runtime = await startTestRuntime(dir, { headend: { seedSize: 'tiny' } });
    try {
      const connections = {
        ...DEFAULT_CONNECTIONS,
        mode: 'remote',
        profile: 'crmcom-v4',
        crmcom: { ...DEFAULT_CONNECTIONS.crmcom, base_url: server.baseUrl, login_method: 'web_api_key', release: 'R17_3' },
      };
      const plainHttp = await runtime.dispatch('settings.set', { connections: { ...connections, crmcom: { ...connections.crmcom, base_url: 'http://crm.example/crmapi/rest/v2' } } });
      expect(plainHttp).toMatchObject({ ok: false });
      expect(JSON.stringify(plainHttp)).toContain('plain HTTP');

      const saved = await runtime.dispatch('settings.set', { connections, webApiKey: 'the-key' });
      expect(saved).toMatchObject({ ok: true, value: { webApiKeySaved: true, connections: { profile: 'crmcom-v4' } } });
      expect(JSON.stringify(saved)).not.toContain('the-key');

      const sendable = await runtime.dispatch('connections.sendable', {});
      if (!sendable.ok) throw new Error(sendable.error.message);
      const kinds = (sendable.value as { kinds: { provider: string; method: string; sendable: boolean; reason: string | null }[] }).kinds;
      expect(kinds.find((k) => k.method === 'send_mail_message_to_client')).toMatchObject({ sendable: false });
      expect(kinds.find((k) => k.method === 'add_subscriptions')).toMatchObject({ sendable: true });

      const refused = await runtime.dispatch('requests.enqueue', {
        requests: [{ provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { serial_number: 'smrt90000001' }, message_text: 'hello' } }],
      });
      expect(refused).toMatchObject({ ok: true, value: { queued: 0 } });
      expect(JSON.stringify(refused)).toContain('no documented Web API method');

      // A bulk batch holding such a kind is refused whole with the line and the reason, not queued to fail later.
      const batch = { batchId: 'bulk-00000000-0000-4000-8000-0000000000c1', rows: [{ line: 2, provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { id: 'C1' }, message_text: 'hi' } }] };
      const refusedBatch = await runtime.dispatch('bulk.queueBatch', batch);
      expect(refusedBatch).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^line 2: .*no documented Web API method/) } });

      const test = await runtime.dispatch('connections.test', { provider: 'conax' });
      if (!test.ok) throw new Error(test.error.message);
      const result = test.value as { login: string; tokenExpiresAt: number; clockSkewMs: number; capabilities: { capability: string; result: string }[] };
      expect(result.login).toBe('ok');
      // exp is on the server's clock: on ours the token dies 2 h after it was issued.
      expect(Math.abs(result.tokenExpiresAt - (Date.now() + 2 * 3600_000))).toBeLessThan(5_000);
      expect(result.clockSkewMs).toBeGreaterThan(80_000);
      expect(result.clockSkewMs).toBeLessThan(100_000);
      expect(result.capabilities.map((c) => c.result)).toEqual(['untestable', 'untestable', 'untestable', 'untestable']);
      // Read-only: nothing but logins, token releases and reads reached the server.
      expect(server.calls.filter((c) => c.method === 'POST' && !c.path.startsWith('authentication/'))).toHaveLength(0);
      expect(server.calls.some((c) => c.path === 'authentication/token/release')).toBe(true);
    } finally {
      await runtime.close();
      await server.close();
    }
  }, 30_000);
});

describe('error codes the operator confirmed mean "not created"', () => {
  it.each([
    [[] as string[], 'UNKNOWN'],
    [['INVALID_PARAMETERS'], 'NEEDS_ATTENTION'],
  ])('with %j saved, an INVALID_PARAMETERS answer to a create leaves it %s', async (codes, state) => {
    const server = await startScriptedServer('/crmapi/rest/v2', (call) => {
      if (call.path === 'authentication/token') return OK({ token: 'server-token' });
      if (call.path === 'authentication/token/release') return OK(null);
      return ERROR('INVALID_PARAMETERS', 'smartcard_identifier: unknown serial');
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    const runtime = await startTestRuntime(dir, { headend: { seedSize: 'tiny' } });
    try {
      const connections = {
        ...DEFAULT_CONNECTIONS,
        mode: 'remote',
        profile: 'crmcom-v4',
        login: { username: 'op', organisation: 'ORG' },
        crmcom: { ...DEFAULT_CONNECTIONS.crmcom, base_url: server.baseUrl, not_created_codes: codes },
      };
      const saved = await runtime.dispatch('settings.set', { connections, password: 'pw' });
      expect(saved).toMatchObject({ ok: true, value: { connections: { crmcom: { not_created_codes: codes } } } });
      const queued = await runtime.dispatch('requests.enqueue', {
        requests: [{ provider: 'conax', method: 'add_subscriptions', params: { subscription_identifier: { number: 'S90001' }, service_identifier: { code: 'Gold' }, smartcard_identifier: { serial_number: 'smrt90000001' } } }],
      });
      if (!queued.ok) throw new Error(queued.error.message);
      const row = (queued.value as { results: { ok: boolean; id?: number }[] }).results[0]!;
      if (!row.ok) throw new Error(JSON.stringify(queued.value));
      const id = row.id!;
      await runtime.dispatch('sync.now', {});
      const detail = await runtime.dispatch('requests.get', { id });
      expect(detail).toMatchObject({ ok: true, value: { request: { local_state: state } } });
      expect(server.calls.filter((c) => c.path === 'conax_web_services/provisioning_requests/add_subscriptions')).toHaveLength(1);
    } finally {
      await runtime.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
