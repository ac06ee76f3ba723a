import { silentLogger } from '../logging/logger';
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, exportAudit, verifyExportedAudit } from '../store/audit-chain';
import { readMarker } from '../store/store-marker';
import { startRuntime, STORE_FILE, type RuntimeOptions } from './runtime';
import { inProcessHandle, type RuntimeHandle } from './runtime-handle';
import { keychainStandIn } from './testing/keychain-stand-in';

// Operators sign in: the actor of every action is the signed-in operator (never
// a setting or a payload); sign-in, switch, sign-out, settings and credentials
// changes are chained history events; inactivity and sign-out clear the keys.

const quiet = silentLogger;
const PASSPHRASE = 'a desk passphrase';
const ALICE = { name: 'Alice Operator', password: 'alice password 1' };
const BOB = { name: 'Bob Operator', password: 'bob password 22' };
const HEADEND_PASSWORD = 'bobs-own-headend-secret';
const SHARED_PASSWORD = 'the-shared-headend-secret';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-operators-'));
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string, extra: Partial<RuntimeOptions> = {}): Promise<RuntimeHandle> {
  return inProcessHandle(
    await startRuntime({
      mode: 'browser',
      version: '0.0.0-test',
      dataDir,
      logger: quiet,
      passphrase: PASSPHRASE,
      headend: { seedSize: 'tiny', processingDelayMs: 50, processingIntervalMs: 50 },
      sync: { idleMs: 100, statusPollMs: 200 },
      ...extra,
    }),
  );
}

const mail = (serial: string) => ({
  requests: [{ provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { serial_number: serial }, message_text: 'hello', scheduled_date: '2099-12-31T00:00:00' } }],
});

function idOf(result: Awaited<ReturnType<RuntimeHandle['dispatch']>>): number {
  if (!result.ok) throw new Error(result.error.message);
  return (result.value as { results: { id: number }[] }).results[0]!.id;
}

function filesContaining(dir: string, text: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile() && readFileSync(f).includes(Buffer.from(text)));
}

interface StoredEvent {
  request_id: number | null;
  kind: string;
  actor: string;
  detail: string | null;
}
function deskEvents(file: string): StoredEvent[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT request_id, kind, actor, detail FROM request_event_log WHERE kind LIKE 'desk.%' ORDER BY id").all() as StoredEvent[];
  } finally {
    db.close();
  }
}

describe('operators sign in', () => {
  it('refuse actions until someone signs in; the first operator is created at first run', async () => {
    const dir = tempDir();
    const runtime = await start(dir);
    try {
      expect(await runtime.dispatch('operators.session', {})).toMatchObject({ ok: true, value: { operator: null, operators: [] } });
      expect(await runtime.dispatch('requests.enqueue', mail('smrt90000001'))).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expect(await runtime.dispatch('settings.set', { password: 'another password' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      // Nobody signed in may not add a second operator behind the first one's back… but the first one is created freely.
      expect(await runtime.dispatch('operators.create', { ...ALICE, password: 'short' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: [{ field: 'password' }] } });
      expect(await runtime.dispatch('operators.create', ALICE)).toMatchObject({ ok: true, value: { operator: { name: ALICE.name }, operators: [ALICE.name] } });
      expect(await runtime.dispatch('operators.signOut', {})).toMatchObject({ ok: true, value: { operator: null } });
      expect(await runtime.dispatch('operators.create', BOB)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expect(await runtime.dispatch('operators.signIn', { name: ALICE.name, password: 'not her password' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expect(await runtime.dispatch('operators.signIn', { name: 'Nobody Here', password: ALICE.password })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expect(await runtime.dispatch('operators.signIn', { name: ALICE.name, password: ALICE.password })).toMatchObject({ ok: true, value: { operator: { name: ALICE.name } } });
      expect(idOf(await runtime.dispatch('requests.enqueue', mail('smrt90000001')))).toBeGreaterThan(0);
    } finally {
      await runtime.close();
    }
  }, 60_000);

  it('record the signed-in operator on every action, whatever the settings or the payload say, and audit switch, settings and credentials', async () => {
    const dir = tempDir();
    const runtime = await start(dir, { operator: ALICE });
    try {
      // The head-end login name in settings was the actor before: it no longer is.
      const view = await runtime.dispatch('settings.get', {});
      if (!view.ok) throw new Error(view.error.message);
      const connections = (view.value as { connections: { login: Record<string, unknown> } }).connections;
      const changed = { ...connections, login: { ...connections.login, username: 'mallory' } };
      expect(await runtime.dispatch('settings.set', { connections: changed, password: SHARED_PASSWORD })).toMatchObject({ ok: true });
      // A payload naming an operator is refused, not believed.
      expect(await runtime.dispatch('requests.enqueue', { ...mail('smrt90000002'), operator: 'mallory' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      const first = idOf(await runtime.dispatch('requests.enqueue', mail('smrt90000002')));
      expect(await runtime.dispatch('operators.create', { ...BOB, headend: { username: 'bob-at-headend', password: HEADEND_PASSWORD } })).toMatchObject({
        ok: true,
        value: { operator: { name: ALICE.name }, operators: [ALICE.name, BOB.name] },
      });
      // Switching: Bob signs in in Alice's place.
      expect(await runtime.dispatch('operators.signIn', { name: BOB.name, password: BOB.password })).toMatchObject({
        ok: true,
        value: { operator: { name: BOB.name, headendUsername: 'bob-at-headend', headendPasswordSaved: true } },
      });
      expect(await runtime.dispatch('requests.discard', { id: first, reason: 'not needed' })).toMatchObject({ ok: true });
      const second = idOf(await runtime.dispatch('requests.enqueue', mail('smrt90000003')));

      const store = runtime.store;
      expect((await store.getRequest(first))!.operator).toBe(ALICE.name);
      expect((await store.getRequest(second))!.operator).toBe(BOB.name);
      const discarded = (await store.eventsFor(first)).find((e) => e.kind === 'cancelled');
      expect(discarded?.actor).toBe(BOB.name);
    } finally {
      await runtime.close();
    }

    const file = path.join(dir, STORE_FILE);
    const events = deskEvents(file);
    expect(events.map((e) => [e.kind, e.actor])).toEqual([
      ['desk.operator_added', ALICE.name],
      ['desk.signed_in', ALICE.name],
      ['desk.settings_changed', ALICE.name],
      ['desk.credentials_changed', ALICE.name],
      ['desk.operator_added', ALICE.name],
      ['desk.operator_switched', BOB.name],
    ]);
    expect(events.every((e) => e.request_id === null)).toBe(true);
    expect(JSON.parse(events[1]!.detail!)).toEqual({ operator: ALICE.name, previous: null });
    const settingsChange = JSON.parse(events[2]!.detail!) as { before: { connections: { login: { username: string } } }; after: { connections: { login: { username: string } } } };
    expect([settingsChange.before.connections.login.username, settingsChange.after.connections.login.username]).toEqual(['operator', 'mallory']);
    expect(JSON.parse(events[3]!.detail!)).toMatchObject({ before: 'none', after: 'saved' });
    expect(JSON.parse(events[5]!.detail!)).toEqual({ before: ALICE.name, after: BOB.name });
    // Secrets redacted: no password, of the head-end or an operator, in any file of the folder.
    for (const secret of [SHARED_PASSWORD, HEADEND_PASSWORD, ALICE.password, BOB.password]) expect(filesContaining(dir, secret)).toEqual([]);

    // The chain, desk events included, stays verifiable: in place, against the marker, and exported.
    const db = new Database(file, { readonly: true });
    try {
      const report = verifyAuditChain(db, { anchor: readMarker(file)?.chain ?? null });
      expect(report).toMatchObject({ ok: true, problems: [] });
      expect(verifyExportedAudit([...exportAudit(db, 'json')].join(''))).toMatchObject({ ok: true, count: report.count });
    } finally {
      db.close();
    }
  }, 60_000);

  it('sign the operator out after inactivity and clear the keys from memory; sign-out does the same', async () => {
    const dir = tempDir();
    const runtime = await start(dir, { operator: ALICE, idleSignOutMs: 400 });
    try {
      expect(await runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { unlocked: true } });
      // Activity keeps the session…
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 200));
        expect(await runtime.dispatch('operators.touch', {})).toMatchObject({ ok: true, value: { operator: { name: ALICE.name } } });
      }
      // …inactivity ends it.
      await expect.poll(async () => (await runtime.dispatch('operators.session', {})) as unknown, { timeout: 5_000, interval: 100 }).toMatchObject({
        ok: true,
        value: { operator: null, endedBecause: 'inactivity' },
      });
      expect(await runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { unlocked: false } });
      expect(await runtime.dispatch('requests.enqueue', mail('smrt90000004'))).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

      expect(await runtime.dispatch('security.unlock', { passphrase: PASSPHRASE })).toMatchObject({ ok: true, value: { unlocked: true } });
      expect(await runtime.dispatch('operators.signIn', ALICE)).toMatchObject({ ok: true });
      expect(await runtime.dispatch('operators.signOut', {})).toMatchObject({ ok: true, value: { operator: null, endedBecause: null } });
      expect(await runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { unlocked: false } });
    } finally {
      await runtime.close();
    }
    const ins = deskEvents(path.join(dir, STORE_FILE)).filter((e) => e.kind === 'desk.signed_in');
    expect(ins.map((e) => JSON.parse(e.detail!) as unknown)).toEqual([
      { operator: ALICE.name, previous: null },
      { operator: ALICE.name, previous: ALICE.name },
    ]);
    const outs = deskEvents(path.join(dir, STORE_FILE)).filter((e) => e.kind === 'desk.signed_out');
    expect(outs.map((e) => JSON.parse(e.detail!) as unknown)).toEqual([
      { operator: ALICE.name, reason: 'inactivity' },
      { operator: ALICE.name, reason: 'signed out' },
    ]);
  }, 60_000);

  it('with the OS keychain, close the PIN key at sign-out and open it again at the next sign-in', async () => {
    const dir = tempDir();
    const runtime = await start(dir, { passphrase: undefined, vault: keychainStandIn(), operator: ALICE });
    try {
      expect(await runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { protection: 'os-keychain', unlocked: true } });
      expect(await runtime.dispatch('operators.signOut', {})).toMatchObject({ ok: true, value: { operator: null } });
      expect(await runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { unlocked: false } });
      expect(await runtime.dispatch('operators.signIn', ALICE)).toMatchObject({ ok: true });
      expect(await runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { unlocked: true } });
    } finally {
      await runtime.close();
    }
  }, 60_000);
});
