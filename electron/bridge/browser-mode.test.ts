import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../sandbox/seed-catalog';
import type { CaDeskApi } from '../../shared/ipc/contract';
import { createValidatedApi } from '../../shared/ipc/validated-client';
import { createHttpTransport } from '../../renderer/ipc/http-transport';
import { startBrowserMode, type BrowserMode } from './browser-mode';
import { silentLogger } from '../logging/logger';

// The whole browser-mode stack for real: store in a temp dir, embedded sandbox
// on port 0, sync engine, services, bridge; the renderer's own client calls it.

const quiet = silentLogger;

describe('browser mode over the real bridge', () => {
  let dir: string;
  let app: BrowserMode;
  let api: CaDeskApi;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-browser-'));
    app = await startBrowserMode({
      dataDir: dir,
      staticDir: null,
      logger: quiet,
      passphrase: 'a desk passphrase',
      operator: { name: 'Test Operator', password: 'operator password' },
      headend: { processingDelayMs: 100, processingIntervalMs: 50, seedSize: 'tiny' },
      sync: { idleMs: 100, statusPollMs: 200 },
    });
    const login = await fetch(app.launchUrl, { redirect: 'manual' });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    api = createValidatedApi(createHttpTransport({ baseUrl: app.bridge.origin, headers: { Cookie: cookie }, eventSourceFactory: null }));
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function waitForState(id: number, states: string[], timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const r = await api.invoke('requests.get', { id });
      if (r.ok) {
        last = r.value.request.local_state;
        if (states.includes(last)) return last;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`request ${id} stayed ${last}`);
  }

  it('queues a request and follows it to COMPLETED, PIN redacted on the way back', async () => {
    const queued = await api.invoke('requests.enqueue', {
      requests: [
        {
          provider: 'conax',
          method: 'update_ca_pin_to_given_value',
          params: { subscription_identifier: { number: FIXTURE.subscriptionNumber }, smartcard_ca_id: FIXTURE.smartcardCaId, pin: '4321' },
        },
      ],
    });
    expect(queued.ok).toBe(true);
    if (!queued.ok || !queued.value.results[0]?.ok) throw new Error('not queued');
    const id = queued.value.results[0].id;
    expect(await waitForState(id, ['COMPLETED', 'REJECTED', 'NEEDS_ATTENTION'])).toBe('COMPLETED');
    const detail = await api.invoke('requests.get', { id });
    if (!detail.ok) throw new Error(detail.error.message);
    expect(JSON.stringify(detail.value)).not.toContain('4321');
    expect(detail.value.answer?.number).toMatch(/^\d+$/);
    expect(detail.value.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'sent', 'completed']));
  });

  it('refuses an invalid row with field errors and queues nothing of its batch', async () => {
    const before = await api.invoke('requests.counts', {});
    const r = await api.invoke('requests.enqueue', {
      requests: [
        { provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: { number: 'S1' }, smartcard_identifier: { serial_number: 'X' } } },
        { provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: { number: 'S1' } } },
      ],
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.queued).toBe(0);
    const bad = r.value.results[1];
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) expect(bad.errors.map((e) => e.field)).toContain('smartcard_identifier');
    const after = await api.invoke('requests.counts', {});
    expect(after.ok && before.ok && after.value.total).toBe(before.ok ? before.value.total : -1);
  });

  it('keeps the password write-only and never in clear in the data folder', async () => {
    const password = 'correct-horse-battery-staple';
    const set = await api.invoke('settings.set', { password });
    if (!set.ok) throw new Error(set.error.message);
    expect(set.value.passwordSaved).toBe(true);
    expect(JSON.stringify(set.value)).not.toContain(password);
    await app.runtime.store.checkpoint();
    for (const file of readdirSync(dir, { recursive: true }) as string[]) {
      const full = path.join(dir, file);
      try {
        expect(readFileSync(full).includes(Buffer.from(password))).toBe(false);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
      }
    }
    const cleared = await api.invoke('settings.set', { password: null });
    expect(cleared.ok && cleared.value.passwordSaved).toBe(false);
  });

  it('queues a bulk batch whole, or refuses it whole naming the line', async () => {
    const batchId = 'bulk-00000000-0000-4000-8000-0000000000b1';
    const row = (line: number, serial: string) => ({
      line,
      provider: 'nagravision',
      method: 'add_enhanced_list_of_products',
      params: { subscription_identifier: { number: FIXTURE.subscriptionNumber }, smartcard_identifier: { serial_number: serial }, services_set: [{ service_identifier: { code: FIXTURE.otherService } }] },
    });
    const before = Object.values(await app.runtime.store.countByState()).reduce((a, b) => a + b, 0);
    const refused = await api.invoke('bulk.queueBatch', { batchId, rows: [row(2, FIXTURE.smartcardSerial), { ...row(3, ''), params: { subscription_identifier: { number: 'S1' } } }] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^line 3: /) } });
    expect(Object.values(await app.runtime.store.countByState()).reduce((a, b) => a + b, 0)).toBe(before);
    const queued = await api.invoke('bulk.queueBatch', { batchId, rows: [row(2, FIXTURE.smartcardSerial)] });
    expect(queued).toEqual({ ok: true, value: { queued: 1 } });
    expect(Object.values(await app.runtime.store.countByState()).reduce((a, b) => a + b, 0)).toBe(before + 1);
  });

  it('maps store refusals to IPC codes: unknown id, action not allowed, reserved UDF', async () => {
    expect(await api.invoke('requests.get', { id: 999_999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const completed = (await app.runtime.store.listRequests({ states: ['COMPLETED'], limit: 1 }))[0];
    if (!completed) throw new Error('no completed request to act on');
    expect(await api.invoke('requests.discard', { id: completed.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const reserved = await api.invoke('requests.enqueue', {
      requests: [{ provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { id: 'C1' }, message_text: 'hi', udf_string_8: 'mine' } }],
    });
    expect(reserved.ok && reserved.value.results[0]).toMatchObject({ ok: false, errors: [{ field: 'udf_string_8' }] });
    // Editing a queued request into the reserved UDF is refused with the same words.
    const mail = { smartcard_identifier: { id: 'C1' }, message_text: 'later', scheduled_date: '2099-12-31T00:00:00' };
    const queued = await api.invoke('requests.enqueue', { requests: [{ provider: 'conax', method: 'send_mail_message_to_client', params: mail }] });
    const id = queued.ok && queued.value.results[0]?.ok ? queued.value.results[0].id : -1;
    const enqueueError = reserved.ok && !reserved.value.results[0]!.ok ? reserved.value.results[0]!.errors[0] : null;
    const edited = await api.invoke('requests.edit', { id, params: { ...mail, udf_string_8: 'mine' } });
    expect(edited).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: [enqueueError] } });
    expect((await app.runtime.store.getRequest(id))!.params.udf_string_8).toBeUndefined();
  });

  it('pages the list by keyset, newest first, with a total for state-only filters', async () => {
    const first = await api.invoke('requests.list', { limit: 1 });
    if (!first.ok) throw new Error(first.error.message);
    const all = await app.runtime.store.listRequests({ limit: 100 });
    expect(first.value.total).toBe(all.length);
    expect(first.value.rows[0]?.id).toBe(all[0]?.id);
    expect(first.value.nextAfterId).toBe(all[0]?.id);
    const second = await api.invoke('requests.list', { limit: 1, afterId: first.value.nextAfterId! });
    expect(second.ok && second.value.rows[0]?.id).toBe(all[1]?.id);
    const searched = await api.invoke('requests.list', { filter: { search: FIXTURE.smartcardSerial }, limit: 10 });
    expect(searched.ok && searched.value.total).toBeNull();
  });

  it('searches the offline catalog filled from the sandbox', async () => {
    let items: unknown[] = [];
    for (let i = 0; i < 50 && items.length === 0; i++) {
      const r = await api.invoke('catalog.search', { kind: 'smartcards', text: FIXTURE.smartcardSerial });
      items = r.ok ? r.value.items : [];
      if (items.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(items[0]).toMatchObject({ kind: 'smartcards', identifier: { serial_number: FIXTURE.smartcardSerial }, ca_id: FIXTURE.smartcardCaId });
  });
});
