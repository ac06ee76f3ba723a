import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './store';
import type { EnqueueInput } from './enqueue';
import { brokenInvariants } from './testing/invariants';
import { addProducts, headendId, setPin, tempStore } from './testing/temp-store';
import { uuidV7Time } from './uuid-v7';

// Batches larger than one multi-row INSERT (64 requests), mixed and uniform,
// the derived "created" event, and time-ordered client UUIDs.

const NOW = 1_700_000_000_000;
let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore({ clock: () => NOW });
  store = t.store;
});
afterEach(() => {
  store.close();
  t.done();
});

function reopenAndCheck(): string[] {
  store.close();
  const broken = brokenInvariants(t.file);
  store = openStore(t.file, { clock: () => NOW });
  return broken;
}

/** 150 rows: cards repeat, operators and methods change inside some chunks. */
function mixedBatch(): EnqueueInput[] {
  return Array.from({ length: 150 }, (_, i) => {
    const card = { serial_number: `card-${i % 37}` };
    if (i >= 70 && i < 80) return setPin(card.serial_number, String(1000 + i), 'jose');
    return { ...addProducts(card, i % 10 === 0 ? { priority: 'EXPRESS' } : {}, i >= 100 ? 'ana' : 'maria'), batchId: i < 140 ? 'b1' : null };
  });
}

describe('enqueue of batches larger than one chunk', () => {
  it('writes every row as given, in order, with consecutive ids and one head per card', () => {
    const inputs = mixedBatch();
    const written: number[] = [];
    const result = store.enqueue(inputs, { onRowWritten: (index) => written.push(index) });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(written).toEqual(inputs.map((_, i) => i));
    expect(result.ids).toEqual(inputs.map((_, i) => result.ids[0]! + i));
    result.ids.forEach((id, i) => {
      const request = store.getRequest(id)!;
      const input = inputs[i]!;
      expect([request.method, request.operator, request.batch_id, request.params]).toEqual([
        input.method,
        input.operator,
        input.batchId ?? null,
        input.params,
      ]);
      expect(request.card_key).toBe(`serial_number:card-${i % 37}`);
      expect(request.created_at).toBe(NOW);
    });
    const cardSeqs = result.ids.map((id) => store.getRequest(id)!.card_seq);
    expect(cardSeqs).toEqual([...cardSeqs].sort((a, b) => a - b));
    expect(store.listRequests({ limit: 500, search: '1075' })).toHaveLength(0); // PINs never searchable
    expect(store.listRequests({ limit: 500, batchId: 'b1' })).toHaveLength(inputs.filter((i) => i.batchId === 'b1').length);
    expect(reopenAndCheck()).toEqual([]);
    // The next batch queues behind the first: no second head for a card.
    const next = store.enqueue(mixedBatch().slice(0, 70));
    expect(next.ok).toBe(true);
    expect(store.claimDue(NOW, 1000)).toHaveLength(37);
    expect(reopenAndCheck()).toEqual([]);
  });

  it('writes nothing when a row after the first chunk is refused, or when the batch stops with an error', () => {
    const inputs = mixedBatch();
    (inputs[120]!.params as Record<string, unknown>).services_set = [];
    const refused = store.enqueue(inputs);
    expect(!refused.ok && refused.errors.map((e) => [e.index, e.field])).toEqual([[120, 'services_set']]);
    expect(() =>
      store.enqueue(mixedBatch(), {
        onRowWritten: (index) => {
          if (index === 100) throw new Error('stopped');
        },
      }),
    ).toThrow('stopped');
    expect(Object.values(store.countByState()).reduce((a, b) => a + b, 0)).toBe(0);
    expect(reopenAndCheck()).toEqual([]);
  });

  it('keys cards the catalog knows by their id, and re-keys the others once it learns them', () => {
    store.upsertCatalog('smartcards', [{ id: 'SC1', serial_number: 'known-1', ca_id: '01234567890' }]);
    store.upsertCatalog('stbs', [{ id: 'B1', alternative_code: 'STB-7' }]);
    const inputs: EnqueueInput[] = [
      addProducts({ serial_number: 'known-1' }),
      { provider: 'conax', method: 'update_ca_pin_to_default_value', operator: 'o', params: { subscription_identifier: { id: 'S1' }, smartcard_ca_id: '01234567890' } },
      { provider: 'conax', method: 'get_pairing_status_for_pairing_module', operator: 'o', params: { stb_identifier: { alternative_code: 'STB-7' } } },
      ...Array.from({ length: 100 }, (_, i) => addProducts({ serial_number: `new-${i}` })),
    ];
    const result = store.enqueue(inputs);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.ids.slice(0, 3).map((id) => store.getRequest(id)!.card_key)).toEqual(['id:SC1', 'id:SC1', 'stb:id:B1']);
    expect(store.claimDue(NOW, 1000).map((r) => r.id)).toContain(result.ids[0]);
    expect(store.claimDue(NOW, 1000).map((r) => r.id)).not.toContain(result.ids[1]);
    store.upsertCatalog('smartcards', Array.from({ length: 100 }, (_, i) => ({ id: `N${i}`, serial_number: `new-${i}` })));
    expect(result.ids.slice(3).map((id) => store.getRequest(id)!.card_key)).toEqual(Array.from({ length: 100 }, (_, i) => `id:N${i}`));
    expect(reopenAndCheck()).toEqual([]);
  });
});

describe('client_uuid', () => {
  it('is a time-ordered UUID v7 when the caller gives none, and the caller’s own UUID (any version) otherwise', () => {
    const given = '6B1A8C1E-2F0E-4A57-9B1D-1F1B2C3D4E5F';
    const result = store.enqueue([...mixedBatch(), { ...addProducts({ serial_number: 'x' }), clientUuid: given }]);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const uuids = result.ids.map((id) => store.getRequest(id)!.client_uuid);
    expect(uuids.at(-1)).toBe(given.toLowerCase());
    const generated = uuids.slice(0, -1);
    for (const uuid of generated) expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...generated].sort()).toEqual(generated);
    expect(uuidV7Time(generated[0]!)).toBe(NOW);
  });
});

describe('the created event', () => {
  it('is the first event of every request, with its operator and time, and cannot be changed, replaced or removed', () => {
    const result = store.enqueue([setPin('smrt1', '4821'), addProducts({ serial_number: 'smrt2' }, {}, 'jose')]);
    if (!result.ok) throw new Error('enqueue failed');
    const [first, second] = result.ids as [number, number];
    store.markSending(first);
    store.markFinal(first, 'COMPLETED', { headend_id: headendId(1), number: '1' });
    const edited = store.edit(second, addProducts({ serial_number: 'smrt3' }).params, 'ana', 'other card');
    expect(edited.ok).toBe(true);
    expect(store.eventsFor(first).map((e) => [e.kind, e.actor])).toEqual([
      ['created', 'maria'],
      ['sent', 'sync'],
      ['completed', 'sync'],
      ['secrets_wiped', 'sync'],
    ]);
    expect(store.eventsFor(second).map((e) => [e.kind, e.actor, e.at])).toEqual([
      ['created', 'jose', NOW],
      ['edited', 'ana', NOW],
    ]);
    const ids = [...store.eventsFor(first), ...store.eventsFor(second)].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);

    store.close();
    const raw = new Database(t.file);
    try {
      expect(() => raw.prepare("UPDATE requests SET operator = 'mallory' WHERE id = ?").run(second)).toThrow(/append-only/);
      expect(() => raw.prepare('UPDATE requests SET created_at = 1 WHERE id = ?').run(second)).toThrow(/append-only/);
      expect(() => raw.prepare("UPDATE request_events SET actor = 'mallory' WHERE kind = 'created'").run()).toThrow(/append-only/);
      expect(() => raw.prepare("DELETE FROM request_events WHERE kind = 'created'").run()).toThrow(/append-only/);
      expect(() =>
        raw.prepare("INSERT INTO request_events (request_id, kind, actor, at) VALUES (?, 'created', 'mallory', 1)").run(second),
      ).toThrow(/append-only/);
      // Other events cannot be appended by another client either: only the store appends, chained (migration 005).
      expect(() => raw.prepare("INSERT INTO request_events (request_id, kind, actor, at) VALUES (?, 'retried', 'ana', 2)").run(second)).toThrow(
        /append-only/,
      );
      expect(raw.prepare("SELECT request_id, actor FROM request_events WHERE kind = 'created' ORDER BY request_id").all()).toEqual([
        { request_id: first, actor: 'maria' },
        { request_id: second, actor: 'jose' },
      ]);
    } finally {
      raw.close();
    }
    store = openStore(t.file, { clock: () => NOW });
    expect(store.eventsFor(second).map((e) => e.kind)).toEqual(['created', 'edited']);
    expect(store.verifyAudit()).toMatchObject({ ok: true, problems: [] });
  });
});
