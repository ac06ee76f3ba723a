import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalState } from '../../shared/domain/local-request';
import { startRuntime, STORE_FILE } from './runtime';
import { inProcessHandle, type RuntimeHandle } from './runtime-handle';
import { silentLogger } from '../logging/logger';
import { filesUnder as files, filesWithPin, unusedPin } from './testing/pin-canary';

// The canary: a queued PIN rests in no file of the data folder, as text or as
// bytes, neither while it waits nor after it is sent. Also: a locked desk keeps
// a PIN request waiting (never sent without its PIN, never lost).

const PASSPHRASE = 'correct horse battery staple';
const SUBSCRIPTION = 'S60507';
const CARD = 'smrt20000054';
const quiet = silentLogger;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-pin-'));
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string, passphrase?: string): Promise<RuntimeHandle> {
  return inProcessHandle(
    await startRuntime({
      mode: 'browser',
      version: '0.0.0-test',
      dataDir,
      logger: quiet,
      passphrase,
      operator: { name: 'Test Operator', password: 'operator password' },
      headend: { seedSize: 'tiny', processingDelayMs: 50, processingIntervalMs: 50 },
      sync: { idleMs: 100, statusPollMs: 200 },
    }),
  );
}

async function enqueuePin(runtime: RuntimeHandle, pin: string) {
  return runtime.dispatch('requests.enqueue', {
    requests: [
      {
        provider: 'nagravision',
        method: 'set_pin_to_given_value',
        params: { subscription_identifier: { number: SUBSCRIPTION }, smartcard_identifier: { serial_number: CARD }, pin },
      },
    ],
  });
}

function queuedId(result: Awaited<ReturnType<typeof enqueuePin>>): number {
  if (!result.ok) throw new Error(result.error.message);
  const first = (result.value as { results: { ok: boolean; id?: number; errors?: unknown }[] }).results[0]!;
  if (!first.ok || first.id === undefined) throw new Error(JSON.stringify(first.errors));
  return first.id;
}

async function stateOf(runtime: RuntimeHandle, id: number): Promise<LocalState | undefined> {
  return (await runtime.store.getRequest(id))?.local_state;
}

describe('sealed PINs', () => {
  it('leave no trace of the PIN in any file of the data folder while queued and after the send', async () => {
    const dir = tempDir();
    const runtime = await start(dir, PASSPHRASE);
    const pin = unusedPin(dir);
    try {
      await runtime.stopHeadend(); // offline: the request waits in the queue
      // The search finds a PIN where one is written (it can fail).
      writeFileSync(path.join(dir, 'control.txt'), `{"pin":"${pin}"}`);
      expect(filesWithPin(dir, pin)).toEqual([path.join(dir, 'control.txt')]);
      rmSync(path.join(dir, 'control.txt'));

      const id = queuedId(await enqueuePin(runtime, pin));
      const stored = await runtime.store.getRequest(id);
      expect(String(stored!.params.pin)).toMatch(/^sealed:v1:/);
      expect(filesWithPin(dir, pin)).toEqual([]); // the WAL too: not yet checkpointed
      await runtime.store.checkpoint();
      expect(filesWithPin(dir, pin)).toEqual([]);

      await runtime.startHeadend();
      await expect.poll(() => stateOf(runtime, id), { timeout: 20_000, interval: 100 }).toBe('COMPLETED');
      expect((await runtime.store.getRequest(id))!.params.pin).toBe('[redacted]');
      expect(filesWithPin(dir, pin)).toEqual([]);
      await runtime.store.checkpoint();
      expect(filesWithPin(dir, pin)).toEqual([]);
    } finally {
      await runtime.close();
    }
    expect(filesWithPin(dir, pin)).toEqual([]); // closing wrote nothing of it either
  }, 60_000);

  it('keep a PIN request waiting while the desk is locked, across a restart, and send it once unlocked', async () => {
    const dir = tempDir();
    const first = await start(dir, PASSPHRASE); // chooses the passphrase
    await first.close();

    let runtime = await start(dir); // locked: nobody entered the passphrase
    const pin = unusedPin(dir);
    let id: number;
    try {
      expect(await runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { protection: 'passphrase', passphraseChosen: true, unlocked: false } });
      id = queuedId(await enqueuePin(runtime, pin)); // sealing needs only the public key
      // A request without a PIN, on another card, goes meanwhile: the engine runs, only the PIN waits.
      const other = await runtime.dispatch('requests.enqueue', {
        requests: [{ provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { serial_number: 'smrt90000001' }, message_text: 'hello' } }],
      });
      const otherId = queuedId(other);
      await expect.poll(async () => (await runtime.store.getRequest(otherId))?.number ?? null, { timeout: 20_000, interval: 100 }).not.toBeNull();
      expect(await stateOf(runtime, id)).toBe('QUEUED');
      expect(await runtime.headendReceived(CARD)).toEqual([]);
      expect(await runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { unlocked: false, pinsWaiting: 1 } });
    } finally {
      await runtime.close();
    }

    runtime = await start(dir); // still locked after a restart: still waiting, not lost
    try {
      expect(await stateOf(runtime, id)).toBe('QUEUED');
      expect(await runtime.dispatch('security.unlock', { passphrase: 'not the passphrase' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', fields: [{ field: 'passphrase' }] },
      });
      expect(await runtime.dispatch('security.unlock', { passphrase: PASSPHRASE })).toMatchObject({ ok: true, value: { unlocked: true } });
      await expect.poll(() => stateOf(runtime, id), { timeout: 20_000, interval: 100 }).toBe('COMPLETED');
      expect(await runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { pinsWaiting: 0 } });
      await runtime.store.checkpoint();
      expect(filesWithPin(dir, pin)).toEqual([]);
    } finally {
      await runtime.close();
    }
  }, 90_000);

  it('refuse a PIN until the desk has a passphrase, and never keep a key file beside the data', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'credentials.key'), Buffer.alloc(32, 7)); // left by an earlier version
    const runtime = await start(dir);
    try {
      expect(existsSync(path.join(dir, 'credentials.key'))).toBe(false);
      const refused = await enqueuePin(runtime, '2468');
      expect(refused).toMatchObject({ ok: true, value: { queued: 0, results: [{ ok: false, errors: [{ field: 'pin' }] }] } });
      expect(await runtime.dispatch('settings.set', { password: 'headend-password' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(await runtime.dispatch('security.unlock', { passphrase: 'short' })).toMatchObject({ ok: false, error: { fields: [{ field: 'passphrase' }] } });
      expect(await runtime.dispatch('security.unlock', { passphrase: PASSPHRASE })).toMatchObject({ ok: true, value: { passphraseChosen: true, unlocked: true } });
      queuedId(await enqueuePin(runtime, '2468'));
      expect(await runtime.dispatch('security.lock', {})).toMatchObject({ ok: true, value: { unlocked: false } });
      // Only the store (and its WAL) and the sandbox head-end's own folder: no key material beside them.
      const ours = files(dir).filter((f) => !f.startsWith(path.join(dir, 'sandbox-headend')));
      expect(ours.map((f) => path.basename(f)).filter((f) => !f.startsWith(STORE_FILE))).toEqual([]);
    } finally {
      await runtime.close();
    }
  }, 60_000);
});
