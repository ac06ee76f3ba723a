import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from './testing/test-runtime';

// The embedded sandbox has its own login; a password saved for the real
// head-end must not be sent to it.

describe('runtime in embedded mode', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps using the sandbox credentials after a real head-end password is saved', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    dirs.push(dir);
    const runtime = await startTestRuntime(dir);
    try {
      expect(await runtime.dispatch('settings.set', { password: 'the-real-headend-password' })).toMatchObject({ ok: true, value: { passwordSaved: true } });
      const queued = await runtime.dispatch('requests.enqueue', {
        requests: [{ provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { serial_number: 'smrt90000001' }, message_text: 'hello' } }],
      });
      if (!queued.ok) throw new Error(queued.error.message);
      const id = (queued.value as { results: { id?: number }[] }).results[0]?.id;
      // The sandbox answers (it knows this operator); a wrong password would leave the request waiting on login.
      await expect
        .poll(async () => {
          const detail = await runtime.dispatch('requests.get', { id });
          return detail.ok ? (detail.value as { request: { number: unknown } }).request.number !== null : false;
        }, { timeout: 15_000, interval: 100 })
        .toBe(true);
      const status = await runtime.dispatch('sync.status', {});
      expect(JSON.stringify(status)).not.toMatch(/login|password|credential/i);
    } finally {
      await runtime.close();
    }
  }, 30_000);
});
