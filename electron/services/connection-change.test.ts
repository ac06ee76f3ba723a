import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import seeds from '../../shared/domain/fixtures/nagravision-seed-examples.json';
import type { ConnectionSettings } from '../../shared/ipc/app-schemas';
import { fakeJwt, OK, startScriptedServer, type ScriptedServer } from '../sync/testing/crmcom-scripted-server';
import { openStore } from '../store/store';
import { makeTempDir } from '../store/testing/temp-store';
import { conaxInput } from '../sync/testing/sync-fixtures';
import { switchRefusal } from './connection-change';
import type { RuntimeHandle } from './runtime-handle';
import { STORE_FILE } from './runtime';
import { DEFAULT_CONNECTIONS } from './settings-service';
import { startTestRuntime } from './testing/test-runtime';

// Every route that changes where requests go (Settings' form, saving the
// active connection, Make active) is refused while a request waits for the
// head-end it was sent to; a password given for one server is never offered
// to another; unreadable saved connections hold the engine instead of
// quietly falling back to the sandbox.

const seedRequest = (seeds[0] as { response: { data: Record<string, unknown> } }).response.data;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = makeTempDir();
  dirs.push(dir);
  return dir;
};
/** Polls until `state` holds `n` requests (bounded: vitest's poll timeout). */
const untilCount = (runtime: RuntimeHandle, state: string, n: number) => expect.poll(() => countOf(runtime, state), { timeout: 10_000, interval: 50 }).toBe(n);

const crmcomAt = (baseUrl: string): ConnectionSettings => ({
  ...DEFAULT_CONNECTIONS,
  mode: 'remote',
  profile: 'crmcom-v4',
  crmcom: { ...DEFAULT_CONNECTIONS.crmcom, base_url: baseUrl, release: 'R17_3', capabilities: { ...DEFAULT_CONNECTIONS.crmcom.capabilities, echoesClientUuid: true } },
  login: { username: 'field-office', organisation: 'ACME' },
});

/** A CRM.COM server that acknowledges every create and keeps it PENDING: the request waits for this head-end. */
function pendingServer(): Promise<ScriptedServer> {
  return startScriptedServer('/crmapi/rest/v2', (call) => {
    if (call.path === 'authentication/token') return OK({ token: fakeJwt(Date.now(), 2 * 3600_000) });
    if (call.path === 'authentication/token/release') return OK(null);
    const uuid = call.method === 'POST' ? call.body?.udf_string_8 : undefined;
    return OK({ ...seedRequest, life_cycle_state: 'PENDING', ...(uuid ? { udf_string_8: uuid } : {}) });
  });
}

const ADD = { provider: 'conax', method: 'add_subscriptions', params: { subscription_identifier: { number: 'SUB-1' }, service_identifier: { code: 'BRONZE' }, smartcard_identifier: { serial_number: 'smrt00000001' } } };

async function countOf(runtime: RuntimeHandle, state: string): Promise<number> {
  const counts = await runtime.dispatch('requests.counts', {});
  return counts.ok ? (counts.value as { byState: Record<string, number> }).byState[state]! : -1;
}

describe('changing where requests go', () => {
  it('refuses to move the active connection elsewhere by any route while a request waits for it; other edits pass', async () => {
    const server = await pendingServer();
    const runtime = await startTestRuntime(tempDir(), { headend: { seedSize: 'tiny' } });
    try {
      const here = crmcomAt(server.baseUrl);
      expect(await runtime.dispatch('settings.set', { connections: here, password: 'the password' })).toMatchObject({ ok: true });
      expect(await runtime.dispatch('requests.enqueue', { requests: [ADD] })).toMatchObject({ ok: true, value: { queued: 1 } });
      await untilCount(runtime, 'ACKNOWLEDGED', 1);
      const active = await runtime.dispatch('settings.get', {});
      if (!active.ok) throw new Error(active.error.message);
      const { id, name } = (active.value as { connection: { id: string; name: string } }).connection;

      const elsewhere = crmcomAt('https://crm.other.example/crmapi/rest/v2');
      const byForm = await runtime.dispatch('settings.set', { connections: elsewhere, password: 'the password' });
      expect(byForm).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(JSON.stringify(byForm)).toContain('1 acknowledged');
      const bySave = await runtime.dispatch('connections.save', { id, name, settings: elsewhere });
      expect(bySave).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      // Another organisation on the same server is another tenant's request book.
      const otherTenant = { ...here, login: { ...here.login, organisation: 'OTHER' } };
      expect(await runtime.dispatch('settings.set', { connections: otherTenant, password: 'the password' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(await runtime.dispatch('settings.get', {})).toMatchObject({ ok: true, value: { passwordSaved: true, connections: { crmcom: { base_url: server.baseUrl } } } });

      // Same head-end, another timeout: not a switch.
      const slower = { ...here, crmcom: { ...here.crmcom, timeout_ms: 20_000 } };
      expect(await runtime.dispatch('connections.save', { id, name: 'Field CRM', settings: slower })).toMatchObject({ ok: true });
      expect(await runtime.dispatch('settings.get', {})).toMatchObject({ ok: true, value: { passwordSaved: true, connection: { name: 'Field CRM' }, connections: { crmcom: { timeout_ms: 20_000 } } } });
    } finally {
      await runtime.close();
      await server.close();
    }
  });

  it('forgets a saved password when its connection is pointed at another server without giving one again, and audits it', async () => {
    const dir = tempDir();
    const runtime = await startTestRuntime(dir, { headend: { seedSize: 'tiny' } });
    try {
      const saved = await runtime.dispatch('connections.save', { name: 'Office A', settings: crmcomAt('https://a.example/crmapi/rest/v2'), password: 'password for A' });
      if (!saved.ok) throw new Error(saved.error.message);
      const id = (saved.value as { id: string }).id;
      const moved = await runtime.dispatch('connections.save', { id, name: 'Office A', settings: crmcomAt('https://b.example/crmapi/rest/v2') });
      expect(moved).toMatchObject({ ok: true, value: { connections: [{}, { id, passwordSaved: false, target: 'https://b.example/crmapi/rest/v2' }] } });
      // Given again with the move: kept.
      const again = await runtime.dispatch('connections.save', { id, name: 'Office A', settings: crmcomAt('https://c.example/crmapi/rest/v2'), password: 'password for C' });
      expect(again).toMatchObject({ ok: true, value: { connections: [{}, { id, passwordSaved: true }] } });
    } finally {
      await runtime.close();
    }
    const db = new Database(path.join(dir, STORE_FILE), { readonly: true });
    try {
      const details = (db.prepare("SELECT detail FROM request_event_log WHERE kind = 'desk.connection_saved' ORDER BY id").all() as { detail: string }[]).map((e) => JSON.parse(e.detail));
      expect(details.map((d) => d.loginPassword)).toEqual(['saved', 'forgotten (the connection points elsewhere now)', 'saved']);
    } finally {
      db.close();
    }
  });

  it('counts a request to verify at the head-end as waiting for it', () => {
    const store = openStore(path.join(tempDir(), STORE_FILE));
    try {
      expect(store.enqueue([conaxInput({ id: 'C1', serial_number: 'smrt00000001', subscription_number: 'SUB-1' }, 0)])).toMatchObject({ ok: true });
      expect(switchRefusal({ store })).toBeNull();
      store.holdOutboxAfterRestore(); // → NEEDS_ATTENTION, outcome unknown: only the old head-end can say
      expect(switchRefusal({ store })).toContain('1 to verify at that head-end');
    } finally {
      store.close();
    }
  });

  it('with unreadable saved connections and a request waiting, only the head-end they named may be saved again', async () => {
    const server = await pendingServer();
    const dir = tempDir();
    const here = crmcomAt(server.baseUrl);
    try {
      const first = await startTestRuntime(dir, { headend: { seedSize: 'tiny' } });
      try {
        expect(await first.dispatch('settings.set', { connections: here, password: 'the password' })).toMatchObject({ ok: true });
        expect(await first.dispatch('requests.enqueue', { requests: [ADD] })).toMatchObject({ ok: true });
        await untilCount(first, 'ACKNOWLEDGED', 1);
      } finally {
        await first.close();
      }
      // A field this version does not know (a newer CA Desk wrote it): the strict schema refuses the book.
      const store = openStore(path.join(dir, STORE_FILE));
      const book = JSON.parse(store.getSetting('console.connection-book')!) as { entries: { settings: Record<string, unknown> }[] };
      book.entries[0]!.settings.future_field = true;
      store.setSetting('console.connection-book', JSON.stringify(book));
      store.close();

      const runtime = await startTestRuntime(dir, { headend: { seedSize: 'tiny' } });
      try {
        expect(JSON.stringify(await runtime.dispatch('sync.status', {}))).toContain('cannot be read');
        // The form shows the defaults (the sandbox): saving them would poll and settle the request there.
        expect(await runtime.dispatch('settings.set', { connections: DEFAULT_CONNECTIONS })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
        expect(await runtime.dispatch('connections.save', { name: 'Another office', settings: crmcomAt('https://b.example/crmapi/rest/v2') })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
        expect(await countOf(runtime, 'ACKNOWLEDGED')).toBe(1);
        // The same head-end given again: the engine runs on it.
        expect(await runtime.dispatch('settings.set', { connections: here, password: 'the password' })).toMatchObject({ ok: true });
        expect(await runtime.dispatch('sync.status', {})).toMatchObject({ ok: true, value: { running: true } });
      } finally {
        await runtime.close();
      }
    } finally {
      await server.close();
    }
  });

  it('holds the engine on unreadable saved connections instead of falling back to the sandbox, and keeps the unreadable text', async () => {
    const dir = tempDir();
    const damaged = '{"active":"office","entries":[]}';
    const seeded = openStore(path.join(dir, STORE_FILE));
    seeded.setSetting('console.connection-book', damaged);
    seeded.close();
    const runtime = await startTestRuntime(dir, { headend: { seedSize: 'tiny' } });
    try {
      expect(await runtime.dispatch('requests.enqueue', { requests: [ADD] })).toMatchObject({ ok: true });
      const status = await runtime.dispatch('sync.status', {});
      expect(status).toMatchObject({ ok: true, value: { running: false } });
      expect(JSON.stringify(status)).toContain('cannot be read');
      await runtime.dispatch('sync.now', {});
      expect(await countOf(runtime, 'QUEUED')).toBe(1);
      // The operator saves connections again: the engine starts on them.
      expect(await runtime.dispatch('settings.set', { connections: DEFAULT_CONNECTIONS })).toMatchObject({ ok: true });
      await untilCount(runtime, 'QUEUED', 0);
    } finally {
      await runtime.close();
    }
    const store = openStore(path.join(dir, STORE_FILE));
    try {
      expect(store.getSetting('console.connection-book.unreadable')).toBe(damaged);
    } finally {
      store.close();
    }
  });
});
