import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventChannel } from '../../shared/ipc/channels';
import { PassphraseVault, type CredentialVault } from './credential-vault';
import { lineLogger } from '../logging/testing/line-logger';
import { STORE_FILE, startRuntime } from './runtime';
import { callStoreProbe, inProcessHandle } from './runtime-handle';
import { startRuntimeHost, type RuntimeHost, type RuntimeHostOptions } from './runtime-host';
import { DEFAULT_CONNECTIONS } from './settings-service';

// The back end in its worker thread, for real: store files in a temp dir, the
// embedded sandbox on port 0, the sync engine; calls go through the host.

function collectingLogger() {
  const errors: string[] = [];
  return Object.assign(lineLogger(errors, 'error'), { errors });
}

const fast: Pick<RuntimeHostOptions, 'mode' | 'version' | 'headend' | 'sync' | 'operator'> = {
  mode: 'browser',
  operator: { name: 'Test Operator', password: 'operator password' },
  version: '0.0.0-test',
  headend: { seedSize: 'tiny', processingDelayMs: 100, processingIntervalMs: 50 },
  sync: { idleMs: 100, statusPollMs: 200 },
};

const mailRequest = (serial: string) => ({
  provider: 'conax',
  method: 'send_mail_message_to_client',
  params: { smartcard_identifier: { serial_number: serial }, message_text: 'hello', scheduled_date: '2099-12-31T00:00:00' },
});

/** A bulk import's batch of `rows` rows (bulk.queueBatch). */
function batchOf(rows: number) {
  return {
    batchId: 'bulk-00000000-0000-4000-8000-000000000001',
    rows: Array.from({ length: rows }, (_, i) => ({ line: i + 2, ...mailRequest(`smrt9${String(i).padStart(7, '0')}`) })),
  };
}

describe('runtime host: the back end in a worker thread', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('one running back end', () => {
    let dir: string;
    let host: RuntimeHost;
    const logger = collectingLogger();

    beforeAll(async () => {
      dir = tempDir();
      host = await startRuntimeHost({ ...fast, dataDir: dir, logger });
    });
    afterAll(async () => {
      await host?.close();
    });

    it('answers contract calls over the real store file, and forwards events', async () => {
      expect(host.placement).toBe('worker');
      expect(host.local).toBeNull();
      expect(existsSync(path.join(dir, STORE_FILE))).toBe(true);
      const info = await host.dispatch('app.info', {});
      expect(info).toMatchObject({ ok: true, value: { mode: 'browser', version: '0.0.0-test', dataDir: dir } });

      const queued = await host.dispatch('requests.enqueue', { requests: [mailRequest('smrt90000001')] });
      if (!queued.ok) throw new Error(queued.error.message);
      const first = (queued.value as { results: { ok: boolean; id?: number }[] }).results[0];
      expect(first?.ok).toBe(true);
      const detail = await host.dispatch('requests.get', { id: first?.id });
      expect(detail).toMatchObject({ ok: true, value: { request: { id: first?.id, local_state: 'QUEUED' } } });
      // The probe reads the same file the contract wrote.
      expect((await host.store.countByState()).QUEUED).toBe(1);

      const seen: { channel: EventChannel; payload: unknown }[] = [];
      const unsubscribe = host.subscribe((channel, payload) => seen.push({ channel, payload }));
      const committed = await host.dispatch('bulk.queueBatch', batchOf(3));
      expect(committed).toEqual({ ok: true, value: { queued: 3 } });
      await expect.poll(() => seen.some((e) => e.channel === 'requests.changed'), { timeout: 5_000 }).toBe(true);
      unsubscribe();
      expect((await host.store.countByState()).QUEUED).toBe(4);
      expect(logger.errors).toEqual([]);
    });

    it('refuses bad input with field errors, and unknown channels, without touching the store', async () => {
      const before = await host.store.countByState();
      const bad = await host.dispatch('requests.get', { id: 'seven' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: [{ field: 'id' }] } });
      expect(await host.dispatch('requests.enqueue', { requests: [], extra: true })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(await host.dispatch('no.such.channel', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      expect(await host.dispatch('requests.get', { id: 999_999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await host.store.countByState()).toEqual(before);
      await expect(host.store.discard(999_999, 'test', 'no such request')).rejects.toThrow();
    });

    it('stops and restarts the embedded sandbox on request', async () => {
      await host.stopHeadend();
      expect(await host.headendReceived()).toBeNull();
      await host.startHeadend();
      expect(Array.isArray(await host.headendReceived())).toBe(true);
    });
  });

  it('answers pending calls with a clear error when the worker dies, and every later call too', async () => {
    const logger = collectingLogger();
    const host = await startRuntimeHost({ ...fast, dataDir: tempDir(), logger });
    try {
      await host.stopHeadend();
      // A full batch: still being written when the worker goes.
      const pending = host.dispatch('bulk.queueBatch', batchOf(2000));
      await host.kill();
      const result = await pending;
      expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      if (!result.ok) expect(result.error.message).toMatch(/^bulk\.queueBatch: the back end stopped unexpectedly \(exit code \d+/);
      expect(logger.errors.some((m) => m.startsWith('the back end stopped unexpectedly'))).toBe(true);

      expect(await host.dispatch('requests.counts', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      await expect(host.store.countByState()).rejects.toThrow(/stopped unexpectedly/);
      // Input is still checked on this side first: bad input is refused as such.
      expect(await host.dispatch('requests.get', { id: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    } finally {
      await host.close();
    }
  });

  it('fails to start with the reason, not a hang, when the back end cannot start', async () => {
    const notADir = path.join(tempDir(), 'a-file');
    writeFileSync(notADir, 'not a folder');
    await expect(startRuntimeHost({ ...fast, dataDir: notADir, logger: collectingLogger() })).rejects.toThrow(/^the back end could not start: .*(EEXIST|ENOTDIR)/);
    const missing = path.join(tempDir(), 'missing-worker.ts');
    await expect(startRuntimeHost({ ...fast, dataDir: tempDir(), logger: collectingLogger(), workerFile: missing })).rejects.toThrow(/could not start/);
  });

  it('gives the same answers in process (unit-test option) and refuses store calls outside the probes', async () => {
    const dir = tempDir();
    const local = inProcessHandle(await startRuntime({ ...fast, dataDir: dir, logger: collectingLogger() }));
    try {
      expect(local.placement).toBe('in-process');
      expect(local.local?.store.file).toBe(path.join(dir, STORE_FILE));
      expect(await local.dispatch('requests.get', { id: 'seven' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: [{ field: 'id' }] } });
      expect(await local.dispatch('requests.enqueue', { requests: [mailRequest('smrt90000002')] })).toMatchObject({ ok: true, value: { queued: 1 } });
      expect((await local.store.countByState()).QUEUED).toBe(1);
      expect(() => callStoreProbe(local.local!.store, 'close', [])).toThrow(/not a store probe/);
    } finally {
      await local.close();
    }
  });

  it('seals and unseals the saved password with the vault that stays on the main thread', async () => {
    const dataDir = tempDir();
    const kept = new Map<string, string>();
    const inner = new PassphraseVault({ getSetting: (k) => kept.get(k), setSetting: (k, v) => void (v === null ? kept.delete(k) : kept.set(k, v)) });
    inner.choose('a passphrase kept on this thread');
    const calls: string[] = [];
    // A real vault, served from this thread under the keychain's label, so
    // the settings show which vault the worker used.
    const vault: CredentialVault = {
      protection: 'os-keychain',
      isUnlocked: () => true,
      encrypt: (plain) => (calls.push('encrypt'), inner.encrypt(plain)),
      decrypt: (sealed) => (calls.push('decrypt'), inner.decrypt(sealed)),
    };
    const password = 'correct-horse-battery-staple';
    const host = await startRuntimeHost({ ...fast, dataDir, vault, logger: collectingLogger() });
    try {
      // Remote mode: the embedded sandbox keeps its own password, a real head-end gets the saved one.
      // Port 1: nothing listens there, so the engine's first attempts fail at once.
      const connections = { ...DEFAULT_CONNECTIONS, mode: 'remote', nagravision: { ...DEFAULT_CONNECTIONS.nagravision, port: 1 }, conax: { ...DEFAULT_CONNECTIONS.conax, base_url: 'http://127.0.0.1:1' } };
      const set = await host.dispatch('settings.set', { password, connections });
      expect(set).toMatchObject({ ok: true, value: { passwordSaved: true, credentialProtection: 'os-keychain' } });
      expect(JSON.stringify(set)).not.toContain(password);
      expect(calls).toContain('encrypt');
      // Saving reconnects the sync engine, which reads the password back through the port.
      expect(calls).toContain('decrypt');
      // The worker made no key file of its own; the password rests only sealed.
      expect(existsSync(path.join(dataDir, 'credentials.key'))).toBe(false);
      await host.store.checkpoint();
      for (const file of readdirSync(dataDir, { recursive: true }) as string[]) {
        const full = path.join(dataDir, file);
        if (existsSync(full) && statSync(full).isFile()) expect(readFileSync(full).includes(Buffer.from(password))).toBe(false);
      }
    } finally {
      await host.close();
    }
  });
});

