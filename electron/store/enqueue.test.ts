import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import seedExamples from '../../shared/domain/fixtures/nagravision-seed-examples.json';
import { findRequestDefinition } from '../../shared/domain/request-catalog';
import { REDACTED } from '../../shared/domain/secrets';
import type { Store } from './store';
import { addProducts, setPin, tempStore } from './testing/temp-store';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore({ clock: () => 1_700_000_000_000 });
  store = t.store;
});
afterEach(() => t.done());

function withoutToken(body: Record<string, unknown>): Record<string, unknown> {
  const { token: _token, ...params } = body;
  return params;
}

describe('enqueue and read back', () => {
  it('stores the six seed request bodies (without token) as they were given', () => {
    expect(seedExamples).toHaveLength(6);
    const inputs = seedExamples.map((e) => ({ provider: 'nagravision', method: e.method, operator: 'maria', params: withoutToken(e.request) }));
    const result = store.enqueue(inputs);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.ids).toHaveLength(6);
    result.ids.forEach((id, i) => {
      const example = seedExamples[i]!;
      const request = store.getRequest(id)!;
      expect(request.method).toBe(example.method);
      expect(request.type).toBe(findRequestDefinition('nagravision', example.method)!.type);
      expect(request.params).toEqual(withoutToken(example.request));
      expect(JSON.stringify(request.params)).not.toContain('token');
      expect(request.local_state).toBe('QUEUED');
      expect(request.priority).toBe((example.request as { priority?: string }).priority ?? 'REGULAR');
      expect(request.card_key).toBe('serial_number:smrt20000054');
      expect(request.operator).toBe('maria');
      expect(request.created_at).toBe(1_700_000_000_000);
      expect(store.getByClientUuid(request.client_uuid)?.id).toBe(id);
      expect(store.eventsFor(id).map((e) => [e.kind, e.actor])).toEqual([['created', 'maria']]);
    });
    // One card, one queue, in the order given.
    const seqs = result.ids.map((id) => store.getRequest(id)!.card_seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(store.countByState().QUEUED).toBe(6);
  });

  it('refuses a seed body that still carries the token, naming the field', () => {
    const example = seedExamples[0]!;
    const result = store.enqueue([{ provider: 'nagravision', method: example.method, operator: 'maria', params: example.request }]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatchObject({ index: 0, field: 'token' });
  });

  it('refuses a whole batch with one bad row, naming the row index and field, and writes nothing', () => {
    const bad = addProducts({ serial_number: 'smrt2' });
    (bad.params as Record<string, unknown>).services_set = [];
    const result = store.enqueue([addProducts({ serial_number: 'smrt1' }), addProducts({ serial_number: 'smrt3' }), bad, addProducts({ serial_number: 'smrt4' })]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ index: 2, field: 'services_set', message: 'services_set must name at least one service' }]);
    expect(store.listRequests({ limit: 10 })).toEqual([]);
    expect(Object.values(store.countByState()).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('names method, provider and operator when they are wrong', () => {
    const result = store.enqueue([
      { provider: 'nagravision', method: 'add_everything', operator: 'maria', params: {} },
      { provider: 'irdeto', method: 'clear_pin', operator: 'maria', params: {} },
      { ...addProducts({ serial_number: 'x' }), operator: '' },
    ]);
    expect(!result.ok && result.errors.map((e) => [e.index, e.field])).toEqual([
      [0, 'method'],
      [1, 'provider'],
      [2, 'operator'],
    ]);
    expect(!result.ok && result.errors[0]!.message).toContain('add_everything');
  });

  it('treats a repeated clientUuid with the same content as the same request, and a clash as an error', () => {
    const clientUuid = '6b1a8c1e-2f0e-4a57-9b1d-1f1b2c3d4e5f';
    const first = store.enqueue([{ ...addProducts({ serial_number: 'smrt1' }), clientUuid }]);
    const again = store.enqueue([{ ...addProducts({ serial_number: 'smrt1' }), clientUuid }]);
    expect(first.ok && again.ok && again.ids).toEqual(first.ok && first.ids);
    const clash = store.enqueue([{ ...addProducts({ serial_number: 'smrt9' }), clientUuid }]);
    expect(!clash.ok && clash.errors[0]).toMatchObject({ index: 0, field: 'clientUuid' });
    expect(store.listRequests({ limit: 10 })).toHaveLength(1);
  });

  it('keeps a repeated clientUuid idempotent after the PIN was wiped, and still refuses another PIN before that', () => {
    const clientUuid = '0f3c2a1e-2f0e-4a57-9b1d-1f1b2c3d4e5f';
    const first = store.enqueue([{ ...setPin('smrt1', '4821'), clientUuid }]);
    if (!first.ok) throw new Error(JSON.stringify(first.errors));
    const otherPin = store.enqueue([{ ...setPin('smrt1', '1111'), clientUuid }]);
    expect(!otherPin.ok && otherPin.errors[0]).toMatchObject({ index: 0, field: 'clientUuid' });

    const id = first.ids[0]!;
    store.markSending(id);
    store.markAcknowledged(id, { headend_id: '751427A869C84129BA5C2184745A7447', number: '18570' });
    expect(store.getRequest(id)!.params.pin).toBe(REDACTED);
    const again = store.enqueue([{ ...setPin('smrt1', '4821'), clientUuid }]);
    expect(again).toEqual({ ok: true, ids: [id] });
    const clash = store.enqueue([{ ...setPin('smrt2', '4821'), clientUuid }]);
    expect(!clash.ok && clash.errors[0]).toMatchObject({ index: 0, field: 'clientUuid' });
    expect(store.listRequests({ limit: 10 })).toHaveLength(1);
  });

  it('orders by the card: smartcard_ca_id, first of smartcard_set, else the STB', () => {
    const result = store.enqueue([
      { provider: 'conax', method: 'update_ca_pin_to_default_value', operator: 'o', params: { subscription_identifier: { id: 'S1' }, smartcard_ca_id: '01234567890' } },
      { provider: 'conax', method: 'create_pairing', operator: 'o', params: { smartcard_set: [{ serial_number: 'SC9' }, { serial_number: 'SC8' }], stb_set: [{ serial_number: 'B1' }] } },
      { provider: 'conax', method: 'get_pairing_status_for_pairing_module', operator: 'o', params: { stb_identifier: { alternative_code: 'STB-7' } } },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.ids.map((id) => store.getRequest(id)!.card_key)).toEqual(['ca_id:01234567890', 'serial_number:SC9', 'stb:alternative_code:STB-7']);
  });

  it('lists with filters, search and keyset paging', () => {
    const inputs = Array.from({ length: 25 }, (_, i) => addProducts({ serial_number: `card${i % 5}` }, i % 2 ? { priority: 'EXPRESS' } : {}));
    const result = store.enqueue(inputs);
    if (!result.ok) throw new Error('enqueue failed');
    const pages: number[][] = [];
    let afterId: number | undefined;
    for (;;) {
      const page = store.listRequests({ limit: 10, afterId });
      if (page.length === 0) break;
      pages.push(page.map((r) => r.id));
      afterId = page.at(-1)!.id;
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual([...result.ids].reverse());
    expect(store.listRequests({ limit: 50, search: 'card3' }).map((r) => r.params.smartcard_identifier)).toEqual(
      Array(5).fill({ serial_number: 'card3' }),
    );
    expect(store.listRequests({ limit: 50, cardKey: store.cardKeyFor('smartcard', { serial_number: 'card1' }), order: 'asc' }).map((r) => r.id)).toEqual(
      result.ids.filter((_, i) => i % 5 === 1),
    );
    expect(store.listRequests({ limit: 50, states: ['QUEUED'], provider: 'nagravision', type: 'ADD_ENHANCED_LIST_OF_PRODUCTS' })).toHaveLength(25);
    expect(store.listRequests({ limit: 50, states: ['COMPLETED'] })).toHaveLength(0);
    expect(store.listRequests({ limit: 50, from: 1_700_000_000_001 })).toHaveLength(0);
    expect(store.listRequests({ limit: 50, search: '100%' })).toHaveLength(0);
  });

  it('never lets a search find a PIN', () => {
    store.enqueue([setPin('smrt1', '4821')]);
    expect(store.listRequests({ limit: 5, search: 'smrt1' })).toHaveLength(1);
    expect(store.listRequests({ limit: 5, search: '4821' })).toHaveLength(0);
  });
});

describe('request history', () => {
  it('is append-only: UPDATE and DELETE raise', () => {
    const result = store.enqueue([addProducts({ serial_number: 'smrt1' })]);
    expect(result.ok).toBe(true);
    t.store.close();
    const raw = new Database(t.file);
    try {
      expect(() => raw.prepare("UPDATE request_events SET actor = 'mallory'").run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM request_events').run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM requests').run()).toThrow(/never deleted/);
      expect(raw.prepare('SELECT actor FROM request_events').all()).toEqual([{ actor: 'maria' }]);
    } finally {
      raw.close();
    }
  });

  it('redacts secrets in event details', () => {
    const result = store.enqueue([setPin('smrt1', '4821')]);
    if (!result.ok) throw new Error('enqueue failed');
    const edited = store.edit(result.ids[0]!, { subscription_identifier: { number: 'S60507' }, smartcard_identifier: { serial_number: 'smrt1' }, pin: '9356' }, 'maria', 'typo');
    expect(edited.ok).toBe(true);
    const detail = store.eventsFor(result.ids[0]!).at(-1)!.detail!;
    expect(detail).toMatchObject({ reason: 'typo', before: { pin: REDACTED }, after: { pin: REDACTED } });
    expect(JSON.stringify(store.eventsFor(result.ids[0]!))).not.toMatch(/4821|9356/);
    expect(store.getRequest(result.ids[0]!)!.params.pin).toBe('9356');
  });
});
