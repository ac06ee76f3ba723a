import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from './testing/test-runtime';
import seeds from '../../shared/domain/fixtures/nagravision-seed-examples.json';
import { fakeJwt, OK, startScriptedServer } from '../sync/testing/crmcom-scripted-server';
import { openStore } from '../store/store';
import { ConnectionBookStore, FIRST_CONNECTION_ID } from './connection-book';
import { PassphraseVault } from './credential-vault';
import { STORE_FILE } from './runtime';
import { DEFAULT_CONNECTIONS } from './settings-service';

// Settings › Connections through the IPC contract: several saved head-end
// connections with their own sealed secrets, one active; switching is refused
// while a request waits for the head-end it was sent to; every change is in
// the audit chain.

const seedRequest = (seeds[0] as { response: { data: Record<string, unknown> } }).response.data;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-book-'));
  dirs.push(dir);
  return dir;
};

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('saved head-end connections', () => {
  it('adds a connection with its own sealed password, switches to it, refuses to switch away while a request waits for it, and audits each step', async () => {
    // A CRM.COM server that acknowledges every create and keeps it PENDING: the request waits for this head-end.
    const server = await startScriptedServer('/crmapi/rest/v2', (call) => {
      if (call.path === 'authentication/token') return OK({ token: fakeJwt(Date.now(), 2 * 3600_000) });
      if (call.path === 'authentication/token/release') return OK(null);
      const uuid = call.method === 'POST' ? call.body?.udf_string_8 : undefined;
      return OK({ ...seedRequest, life_cycle_state: 'PENDING', ...(uuid ? { udf_string_8: uuid } : {}) });
    });
    const dir = tempDir();
    const runtime = await startTestRuntime(dir, { headend: { seedSize: 'tiny' } });
    try {
      const first = await runtime.dispatch('connections.list', {});
      expect(first).toMatchObject({ ok: true, value: { connections: [{ id: FIRST_CONNECTION_ID, name: 'Embedded sandbox', active: true, mode: 'embedded' }] } });

      const settings = {
        ...DEFAULT_CONNECTIONS,
        mode: 'remote' as const,
        profile: 'crmcom-v4' as const,
        crmcom: { ...DEFAULT_CONNECTIONS.crmcom, base_url: server.baseUrl, release: 'R17_3' as const, capabilities: { ...DEFAULT_CONNECTIONS.crmcom.capabilities, echoesClientUuid: true } },
        login: { username: 'field-office', organisation: 'ACME' },
      };
      const added = await runtime.dispatch('connections.save', { name: 'Training CRM', settings, password: 'the training password' });
      if (!added.ok) throw new Error(added.error.message);
      const id = (added.value as { id: string }).id;
      expect(added.value).toMatchObject({ connections: [{ active: true, passwordSaved: false }, { id, name: 'Training CRM', active: false, passwordSaved: true, target: server.baseUrl }] });
      expect(JSON.stringify(added)).not.toContain('the training password');

      const twin = await runtime.dispatch('connections.save', { name: 'training crm', settings });
      expect(twin).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

      expect(await runtime.dispatch('connections.activate', { id })).toMatchObject({ ok: true });
      const view = await runtime.dispatch('settings.get', {});
      expect(view).toMatchObject({ ok: true, value: { connection: { id, name: 'Training CRM' }, passwordSaved: true, connections: { mode: 'remote' } } });

      const queued = await runtime.dispatch('requests.enqueue', {
        requests: [{ provider: 'conax', method: 'add_subscriptions', params: { subscription_identifier: { number: 'SUB-1' }, service_identifier: { code: 'BRONZE' }, smartcard_identifier: { serial_number: 'smrt00000001' } } }],
      });
      expect(queued).toMatchObject({ ok: true, value: { queued: 1 } });
      await until(async () => {
        const counts = await runtime.dispatch('requests.counts', {});
        return counts.ok && (counts.value as { byState: Record<string, number> }).byState.ACKNOWLEDGED === 1;
      }, 'the request acknowledged');
      // The engine logged in with this connection's own password.
      expect(server.calls.find((c) => c.path === 'authentication/token')?.body).toMatchObject({ username: 'field-office', password: 'the training password' });

      const away = await runtime.dispatch('connections.activate', { id: FIRST_CONNECTION_ID });
      expect(away).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(JSON.stringify(away)).toContain('1 acknowledged');
      expect(await runtime.dispatch('settings.get', {})).toMatchObject({ ok: true, value: { connection: { id } } });

      expect(await runtime.dispatch('connections.remove', { id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    } finally {
      await runtime.close();
      await server.close();
    }
    // At rest the password is sealed: the store holds no clear copy.
    expect(readFileSync(path.join(dir, STORE_FILE)).includes('the training password')).toBe(false);
    const db = new Database(path.join(dir, STORE_FILE), { readonly: true });
    try {
      const events = db.prepare("SELECT kind, actor, detail FROM request_event_log WHERE kind LIKE 'desk.connection%' ORDER BY id").all() as { kind: string; actor: string; detail: string }[];
      expect(events.map((e) => [e.kind, e.actor])).toEqual([
        ['desk.connection_saved', 'Test Operator'],
        ['desk.connection_activated', 'Test Operator'],
      ]);
      expect(JSON.parse(events[0]!.detail)).toMatchObject({ before: null, after: { name: 'Training CRM' }, loginPassword: 'saved', webApiKey: 'unchanged' });
      expect(events.some((e) => e.detail.includes('the training password'))).toBe(false);
    } finally {
      db.close();
    }
  });

  it('forgets a connection that is not active together with its sealed secrets', () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, STORE_FILE));
    try {
      const vault = new PassphraseVault(store);
      vault.choose('a desk passphrase');
      const book = new ConnectionBookStore(store, vault, DEFAULT_CONNECTIONS);
      const id = book.save({ name: 'Old office', settings: DEFAULT_CONNECTIONS });
      book.secret(id, 'password').save('old password');
      expect(book.secret(id, 'password').read()).toBe('old password');
      book.remove(id);
      expect(book.secret(id, 'password').isSaved()).toBe(false);
      expect(book.list().connections.map((c) => c.id)).toEqual([FIRST_CONNECTION_ID]);
    } finally {
      store.close();
    }
  });

  it('keeps the one connection (and its secrets) of a desk that had only one', () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, STORE_FILE));
    try {
      const single = { ...DEFAULT_CONNECTIONS, mode: 'remote' as const, profile: 'tcp-gateway' as const, nagravision: { ...DEFAULT_CONNECTIONS.nagravision, host: 'gw.example' } };
      store.setSetting('console.connections', JSON.stringify(single));
      const vault = new PassphraseVault(store);
      vault.choose('a desk passphrase');
      const book = new ConnectionBookStore(store, vault, DEFAULT_CONNECTIONS);
      expect(book.active()).toMatchObject({ id: FIRST_CONNECTION_ID, name: 'Head-end', settings: { nagravision: { host: 'gw.example' } } });
      book.saveActive({ ...single, nagravision: { ...single.nagravision, host: 'gw2.example' } });
      expect(store.getSetting('console.connections')).toBeUndefined();
      expect(book.active().settings.nagravision.host).toBe('gw2.example');
    } finally {
      store.close();
    }
  });
});
