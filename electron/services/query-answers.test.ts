import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from './testing/test-runtime';
import type { CardView } from '../../shared/ipc/card-schemas';
import type { RequestDetail } from '../../shared/ipc/request-schemas';
import { FIXTURE } from '../sandbox/seed-catalog';
import type { RuntimeHandle } from './runtime-handle';

// Answers on screen, end to end below the UI: a query goes through the real
// sync engine to the real sandbox head-end; once it completes, its result is
// read, stored with the request, and shown by requests.get and cards.get.

let dir: string;
let runtime: RuntimeHandle;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-answers-'));
  runtime = await startTestRuntime(dir, { passphrase: undefined, headend: { seedSize: 'small', processingDelayMs: 50, processingIntervalMs: 50 }, sync: { idleMs: 100, statusPollMs: 200, catalogIntervalMs: 500 } });
  // Operators pick cards the catalog knows: wait for its first sync.
  const deadline = Date.now() + 20_000;
  while ((await runtime.store.searchCatalog('smartcards', FIXTURE.smartcardSerial, 1)).length === 0) {
    if (Date.now() > deadline) throw new Error('the catalog never synced');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 30_000);

afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(channel: string, input: unknown): Promise<T> {
  const result = await runtime.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

async function queued(method: string, params: Record<string, unknown>): Promise<number> {
  const out = await call<{ results: { id: number }[] }>('requests.enqueue', { requests: [{ provider: 'conax', method, params }] });
  return out.results[0]!.id;
}

async function resultOf(id: number): Promise<RequestDetail> {
  let detail: RequestDetail | null = null;
  await expect
    .poll(async () => {
      detail = await call<RequestDetail>('requests.get', { id });
      return detail.result !== null || ['REJECTED', 'NEEDS_ATTENTION'].includes(detail.request.local_state);
    }, { timeout: 20_000, interval: 100 })
    .toBe(true);
  return detail!;
}

describe('query answers', () => {
  it('stores and shows active subscriptions, pairing and fingerprint results, and the card shows them', async () => {
    const card = { serial_number: FIXTURE.smartcardSerial };
    const active = await resultOf(await queued('get_active_subscriptions', { smartcard_identifier: card }));
    expect(active.request.local_state).toBe('COMPLETED');
    expect(active.result?.answer).toMatchObject({ kind: 'active_subscriptions', smartcard_ca_id: FIXTURE.smartcardCaId });
    expect(active.result?.summary).toContain(FIXTURE.entitledService);

    const pairing = await resultOf(await queued('get_pairing_status_for_card', { smartcard_identifier: card }));
    expect(pairing.result?.answer).toMatchObject({ kind: 'pairing_status' });

    const module = await resultOf(await queued('get_pairing_status_for_pairing_module', { stb_identifier: { serial_number: FIXTURE.stbSerial } }));
    expect(module.result?.answer).toMatchObject({ kind: 'pairing_status' });

    const fingerprint = await resultOf(await queued('display_fingerprint', { smartcard_identifier: card }));
    expect(fingerprint.result?.answer).toMatchObject({ kind: 'fingerprint_displayed' });
    expect(fingerprint.result?.summary).toMatch(/fingerprint/);

    const view = await call<CardView>('cards.get', { card: FIXTURE.smartcardCaId });
    expect(view.found).toBe(true);
    expect(view.matchedBy).toBe('CA id');
    expect(view.identity.serial_number).toBe(FIXTURE.smartcardSerial);
    expect(view.answers.map((a) => a.request_id)).toEqual(expect.arrayContaining([active.request.id, pairing.request.id, fingerprint.request.id]));
    // The query is newer than the catalog: the card's services are what it found.
    expect(view.headend.services).toMatchObject({ source: 'query', request_id: active.request.id });
    expect(view.headend.services.items?.map((s) => s.code)).toContain(FIXTURE.entitledService);
    expect(view.headend.pairing).toMatchObject({ source: 'query', request_id: pairing.request.id });
  }, 60_000);

  it('finds a card by serial, CA id, card link and a request number, and says when nothing matches', async () => {
    const id = await queued('send_mail_message_to_client', { smartcard_identifier: { serial_number: FIXTURE.smartcardSerial }, message_text: 'hello' });
    let number: string | null = null;
    await expect
      .poll(async () => {
        number = (await call<RequestDetail>('requests.get', { id })).request.number;
        return number !== null;
      }, { timeout: 20_000, interval: 100 })
      .toBe(true);
    const bySerial = await call<CardView>('cards.get', { card: FIXTURE.smartcardSerial });
    const byNumber = await call<CardView>('cards.get', { card: number! });
    const byLink = await call<CardView>('cards.get', { card: `serial_number:${FIXTURE.smartcardSerial}` });
    expect(bySerial.found && byNumber.found && byLink.found).toBe(true);
    expect([byNumber.card, byLink.card]).toEqual([bySerial.card, bySerial.card]);
    expect(byNumber.matchedBy).toBe(`head-end number of request #${id}`);
    expect(bySerial.requests.map((r) => r.id)).toContain(id);
    const missing = await call<CardView>('cards.get', { card: 'no-such-card-0000' });
    expect(missing).toMatchObject({ found: false, requests: [], answers: [] });
  }, 60_000);

  it('a search by serial also finds the requests of that card filed under its CA id', async () => {
    const byCaId = await call<{ results: { id: number }[] }>('requests.enqueue', {
      requests: [{ provider: 'conax', method: 'update_ca_pin_to_default_value', params: { subscription_identifier: { number: FIXTURE.subscriptionNumber }, smartcard_ca_id: FIXTURE.smartcardCaId } }],
    });
    const id = byCaId.results[0]!.id;
    const found = await call<{ rows: { id: number }[] }>('requests.list', { filter: { search: FIXTURE.smartcardSerial }, limit: 500 });
    expect(found.rows.map((r) => r.id)).toContain(id);
    const other = await call<{ rows: { id: number }[] }>('requests.list', { filter: { search: FIXTURE.stbSerial }, limit: 500 });
    expect(other.rows.map((r) => r.id)).not.toContain(id);
  }, 30_000);
});
