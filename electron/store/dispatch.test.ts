import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatLocalDateTime } from '../../shared/domain/dates';
import { InvalidTransitionError, RequestNotFoundError, StoreInputError, type Store } from './store';
import { addProducts, HEADEND_ID, headendId, tempStore } from './testing/temp-store';

const T0 = new Date(2026, 0, 5, 9, 0, 0).getTime();
let now = T0;
let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  now = T0;
  t = tempStore({ clock: () => now });
  store = t.store;
});
afterEach(() => t.done());

function ids(...inputs: Parameters<typeof addProducts>[]): number[] {
  const result = store.enqueue(inputs.map((args) => addProducts(...args)));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ids;
}
const due = (at = now, limit = 100) => store.claimDue(at, limit).map((r) => r.id);

describe('claimDue', () => {
  it('gives only the head of each card queue, in strict order', () => {
    const [a1, b1, a2, a3] = ids([{ serial_number: 'A' }], [{ serial_number: 'B' }], [{ serial_number: 'A' }], [{ serial_number: 'A' }]);
    expect(due()).toEqual([a1, b1]);
    store.markSending(a1!);
    expect(due()).toEqual([b1]); // one in flight per card
    store.markAcknowledged(a1!, { headend_id: HEADEND_ID, number: '18570' });
    expect(due()).toEqual([b1]); // open at the head-end: by default the card waits until it is finished
    expect(store.claimDue(now, 100, { cardOrder: 'acknowledged' }).map((r) => r.id)).toEqual([b1, a2]);
    store.markFinal(a1!, 'COMPLETED');
    expect(due()).toEqual([b1, a2]); // oldest first
    expect(() => store.markSending(a3!)).toThrow(InvalidTransitionError); // not the head
  });

  it('holds a card behind a head-end rejection until an operator closes it', () => {
    const [a1, a2, b1] = ids([{ serial_number: 'A' }], [{ serial_number: 'A' }], [{ serial_number: 'B' }]);
    store.markSending(a1!);
    store.markAcknowledged(a1!, { headend_id: HEADEND_ID, number: '18570' });
    store.markFinal(a1!, 'REJECTED', { error_code: 'INPUT_VALIDATION_ERROR', error_description: 'no such product' });
    expect(due()).toEqual([b1]);
    expect(store.claimDue(now, 100, { cardOrder: 'acknowledged' }).map((r) => r.id)).toEqual([b1]); // in either order
    expect(store.countOpenAttention()).toBe(1);
    store.verifyRejection(a1!, 'maria', 'checked: the product was withdrawn');
    expect(due()).toEqual([a2, b1]);
    expect(store.countOpenAttention()).toBe(0);
  });

  it('puts a corrected copy of a rejection in its place, ahead of what waited behind it', () => {
    const [a1, a2] = ids([{ serial_number: 'A' }], [{ serial_number: 'A' }]);
    store.markSending(a1!);
    store.markFinal(a1!, 'REJECTED', { headend_id: HEADEND_ID, number: '18570', error_code: 'INPUT_VALIDATION_ERROR', error_description: 'no such product' });
    expect(due()).toEqual([]);
    const copy = store.enqueueReplacing(addProducts({ serial_number: 'A' }), a1!);
    if (!copy.ok) throw new Error(JSON.stringify(copy.errors));
    const [c1] = copy.ids;
    expect(due()).toEqual([c1]);
    expect(() => store.markSending(a2!)).toThrow(InvalidTransitionError); // not the head
    store.markSending(c1!);
    store.markFinal(c1!, 'COMPLETED', { headend_id: headendId(2), number: '18571' });
    expect(due()).toEqual([a2]);
  });

  it('puts EXPRESS heads first, then the oldest', () => {
    const [r1, e1, r2, e2] = ids([{ serial_number: 'A' }], [{ serial_number: 'B' }, { priority: 'EXPRESS' }], [{ serial_number: 'C' }], [{ serial_number: 'D' }, { priority: 'EXPRESS' }]);
    expect(due()).toEqual([e1, e2, r1, r2]);
    expect(due(now, 3)).toEqual([e1, e2, r1]);
  });

  it('does not let an EXPRESS request jump ahead in its own card queue', () => {
    const [first, express] = ids([{ serial_number: 'A' }], [{ serial_number: 'A' }, { priority: 'EXPRESS' }]);
    expect(due()).toEqual([first]);
    expect(express).toBeGreaterThan(first!);
  });

  it('holds a request scheduled later, and the card behind it', () => {
    const later = formatLocalDateTime(new Date(T0 + 3_600_000));
    const [scheduled, behind, other] = ids([{ serial_number: 'A' }, { scheduled_date: later }], [{ serial_number: 'A' }], [{ serial_number: 'B' }]);
    expect(due()).toEqual([other]);
    expect(due(T0 + 3_600_000)).toEqual([scheduled, other]);
    expect(behind).toBeDefined();
  });

  it('holds a card whose head needs attention until an operator acts', () => {
    const [a1, a2, b1] = ids([{ serial_number: 'A' }], [{ serial_number: 'A' }], [{ serial_number: 'B' }]);
    store.markSending(a1!);
    store.markNeedsAttention(a1!, 'CLIENT_NOT_FOUND', 'no such card');
    expect(due()).toEqual([b1]);
    store.discard(a1!, 'maria', 'wrong card');
    expect(due()).toEqual([a2, b1]);
  });

  it('holds a card whose send has an unknown outcome until it is reconciled', () => {
    const [a1, a2] = ids([{ serial_number: 'A' }], [{ serial_number: 'A' }]);
    store.markSending(a1!);
    store.markUnknown(a1!, 'timeout');
    expect(due()).toEqual([]);
    store.markReconciled(a1!, { found: false });
    expect(due()).toEqual([a1]);
    store.markSending(a1!);
    store.markUnknown(a1!, 'timeout again');
    store.markReconciled(a1!, { found: true, fields: { headend_id: HEADEND_ID, number: '1', life_cycle_state: 'PENDING' } });
    expect(store.getRequest(a1!)).toMatchObject({ local_state: 'ACKNOWLEDGED', headend_id: HEADEND_ID, outcome_unknown: false });
    expect(due()).toEqual([]); // open at the head-end
    store.markFinal(a1!, 'COMPLETED');
    expect(due()).toEqual([a2]);
  });

  it('waits for next_attempt_at after a transient failure', () => {
    const [a1] = ids([{ serial_number: 'A' }]);
    store.markSending(a1!);
    store.scheduleRetry(a1!, T0 + 30_000, 'connection refused');
    expect(due()).toEqual([]);
    expect(due(T0 + 30_000)).toEqual([a1]);
    expect(store.markSending(a1!).attempts).toBe(2);
  });

  it('merges the queues of one card once the catalog learns it, keeping the order given', () => {
    const [bySerial] = ids([{ serial_number: 'smrt20000054' }]);
    expect(store.upsertCatalog('smartcards', [{ id: 'SC-1', serial_number: 'smrt20000054', alternative_code: 'ALT-1' }]).ok).toBe(true);
    const [byId, byAlt] = ids([{ id: 'SC-1' }], [{ alternative_code: 'ALT-1' }]);
    expect(store.getRequest(bySerial!)!.card_key).toBe('id:SC-1');
    expect(store.getRequest(byAlt!)!.card_key).toBe('id:SC-1');
    expect(due()).toEqual([bySerial]);
    store.markSending(bySerial!);
    store.markFinal(bySerial!, 'COMPLETED', { headend_id: HEADEND_ID, number: '7' });
    expect(due()).toEqual([byId]);
  });

  it('refuses to mark a head SENDING while a request of its merged card is in flight or unsettled', () => {
    const [byAlt, bySerial, other] = ids([{ alternative_code: 'ALT-M' }], [{ serial_number: 'S-M' }], [{ serial_number: 'B' }]);
    expect(due()).toEqual([byAlt, bySerial, other]); // two cards as far as the store knows
    store.markSending(bySerial!);
    // The catalog learns both names belong to one card: byAlt is now the head, bySerial in flight.
    expect(store.upsertCatalog('smartcards', [{ id: 'SC-M', serial_number: 'S-M', alternative_code: 'ALT-M' }]).ok).toBe(true);
    expect(store.getRequest(byAlt!)!.card_key).toBe('id:SC-M');
    expect(() => store.markSending(byAlt!)).toThrow(/being sent or unsettled/);
    const many = store.markSendingMany([byAlt!, other!]);
    expect(many.map((r) => r.ok)).toEqual([false, true]);
    store.markUnknown(bySerial!, 'timeout');
    expect(() => store.markSending(byAlt!)).toThrow(InvalidTransitionError);
    store.markReconciled(bySerial!, { found: true, fields: { headend_id: HEADEND_ID, number: '8', life_cycle_state: 'PENDING' } });
    expect(store.markSending(byAlt!).local_state).toBe('SENDING');
  });

  it('re-keys a request queued before the catalog knew its card, behind nothing it was queued after', () => {
    const [unknownFirst] = ids([{ serial_number: 'S-NEW' }]);
    store.upsertCatalog('smartcards', [{ id: 'C9', serial_number: 'S-NEW' }]);
    const [second] = ids([{ id: 'C9' }]);
    expect(store.listRequests({ limit: 10, cardKey: 'id:C9', order: 'asc' }).map((r) => r.id)).toEqual([unknownFirst, second]);
    expect(due()).toEqual([unknownFirst]);
  });
});

describe('transitions', () => {
  it('walks QUEUED → SENDING → ACKNOWLEDGED → COMPLETED with one event each', () => {
    const [id] = ids([{ serial_number: 'A' }]);
    now += 1000;
    expect(store.markSending(id!)).toMatchObject({ local_state: 'SENDING', attempts: 1, sent_at: now });
    now += 1000;
    expect(store.markAcknowledged(id!, { headend_id: HEADEND_ID, number: '18570' })).toMatchObject({
      local_state: 'ACKNOWLEDGED', life_cycle_state: 'PENDING', number: '18570', acknowledged_at: now,
    });
    expect(store.pendingHeadendRequests(10).map((r) => r.id)).toEqual([id]);
    now += 1000;
    expect(store.markFinal(id!, 'COMPLETED', { executed_date: '2015-09-07T15:03:33' })).toMatchObject({
      local_state: 'COMPLETED', life_cycle_state: 'COMPLETED', executed_date: '2015-09-07T15:03:33', finished_at: now, headend_id: HEADEND_ID,
    });
    expect(store.pendingHeadendRequests(10)).toEqual([]);
    expect(store.eventsFor(id!).map((e) => e.kind)).toEqual(['created', 'sent', 'acknowledged', 'completed']);
  });

  it('records a head-end rejection with its error', () => {
    const [id] = ids([{ serial_number: 'A' }]);
    store.markSending(id!);
    const rejected = store.markFinal(id!, 'REJECTED', { headend_id: HEADEND_ID, number: '9', error_code: 'CLIENT_NOT_FOUND', error_description: 'unknown card' });
    expect(rejected).toMatchObject({ local_state: 'REJECTED', life_cycle_state: 'REJECTED', error_code: 'CLIENT_NOT_FOUND' });
  });

  it('refuses invalid transitions with a typed error and changes nothing', () => {
    const [id] = ids([{ serial_number: 'A' }]);
    const before = store.getRequest(id!);
    expect(() => store.markAcknowledged(id!, { headend_id: HEADEND_ID, number: '1' })).toThrow(InvalidTransitionError);
    expect(() => store.markUnknown(id!, 'x')).toThrow(/QUEUED: markUnknown is allowed only from SENDING/);
    expect(() => store.retry(id!, 'maria', 'x')).toThrow(InvalidTransitionError);
    expect(() => store.markReconciled(id!, { found: false })).toThrow(InvalidTransitionError);
    expect(() => store.wipeSecrets(id!)).toThrow(InvalidTransitionError);
    expect(store.getRequest(id!)).toEqual(before);
    expect(store.eventsFor(id!)).toHaveLength(1);

    store.markSending(id!);
    expect(() => store.discard(id!, 'maria', 'x')).toThrow(InvalidTransitionError); // never while a send is under way
    store.markFinal(id!, 'COMPLETED', { headend_id: HEADEND_ID, number: '1' });
    for (const act of [() => store.markSending(id!), () => store.discard(id!, 'm', 'x'), () => store.markFinal(id!, 'REJECTED')]) {
      expect(act).toThrow(InvalidTransitionError);
    }
    expect(() => store.markSending(999)).toThrow(RequestNotFoundError);
  });

  it('checks head-end fields', () => {
    const [id] = ids([{ serial_number: 'A' }]);
    store.markSending(id!);
    expect(() => store.markAcknowledged(id!, { headend_id: 'not-hex', number: '1' })).toThrow(StoreInputError);
    expect(() => store.markAcknowledged(id!, { headend_id: HEADEND_ID, number: '1', life_cycle_state: 'COMPLETED' })).toThrow(/markFinal/);
    expect(store.getRequest(id!)!.local_state).toBe('SENDING');
  });

  it('lets an operator retry, edit or discard what needs attention', () => {
    const [id, other] = ids([{ serial_number: 'A' }], [{ serial_number: 'B' }]);
    store.markSending(id!);
    store.markNeedsAttention(id!, 'INPUT_VALIDATION_ERROR', 'bad service');
    const edited = store.edit(id!, { ...(addProducts({ serial_number: 'B' }).params as object), priority: 'EXPRESS' }, 'maria', 'right card');
    expect(edited.ok && edited.request).toMatchObject({ local_state: 'QUEUED', card_key: 'serial_number:B', priority: 'EXPRESS', error_code: null });
    // Moved to card B, behind the request already queued there.
    expect(due()).toEqual([other]);
    const invalid = store.edit(id!, { smartcard_identifier: {} }, 'maria', 'oops');
    expect(!invalid.ok && invalid.errors.map((e) => e.field)).toContain('services_set');

    store.markSending(other!);
    store.markNeedsAttention(other!, 'SYSTEM_ERROR', 'down');
    expect(store.retry(other!, 'maria', 'head-end is back').local_state).toBe('QUEUED');
    expect(store.eventsFor(other!).map((e) => e.kind)).toEqual(['created', 'sent', 'failed', 'retried']);
    expect(store.eventsFor(other!).at(-1)).toMatchObject({ actor: 'maria', detail: { reason: 'head-end is back' } });
  });

  it('never resends blindly: a retried or edited request whose send may have arrived must be reconciled', () => {
    const [id] = ids([{ serial_number: 'A' }]);
    store.markSending(id!);
    store.markUnknown(id!, 'timeout');
    store.markNeedsAttention(id!, 'STUCK', 'cannot reach head-end');
    expect(() => store.edit(id!, addProducts({ serial_number: 'A' }).params, 'maria', 'x')).toThrow(/may have reached the head-end/);
    expect(store.retry(id!, 'maria', 'try again')).toMatchObject({ local_state: 'UNKNOWN', outcome_unknown: true });
    expect(due()).toEqual([]);
    store.markReconciled(id!, { found: true, fields: { headend_id: HEADEND_ID, number: '5', life_cycle_state: 'COMPLETED' } });
    expect(store.getRequest(id!)).toMatchObject({ local_state: 'COMPLETED', outcome_unknown: false, life_cycle_state: 'COMPLETED' });
  });

  it('recovers a send interrupted by a crash as UNKNOWN when the store opens again', async () => {
    const [id] = ids([{ serial_number: 'A' }]);
    store.markSending(id!);
    store.close();
    const { openStore } = await import('./store');
    const reopened = openStore(t.file);
    try {
      expect(reopened.getRequest(id!)).toMatchObject({ local_state: 'UNKNOWN', outcome_unknown: true });
      expect(reopened.eventsFor(id!).at(-1)).toMatchObject({ kind: 'outcome_unknown', actor: 'store' });
    } finally {
      reopened.close();
    }
  });

  it('keeps outbox rows for exactly the requests not yet acknowledged nor finished', () => {
    const list = ids(...Array.from({ length: 6 }, (_, i) => [{ serial_number: `C${i}` }] as Parameters<typeof addProducts>));
    store.markSending(list[0]!);
    store.markAcknowledged(list[0]!, { headend_id: headendId(1), number: '1' });
    store.discard(list[1]!, 'maria', 'not needed');
    store.markSending(list[2]!);
    store.markUnknown(list[2]!, 'timeout');
    store.scheduleRetry(list[3]!, T0 + 10, 'later');
    expect(due(T0 + 10).sort()).toEqual([list[3], list[4], list[5]].sort());
    const counts = store.countByState();
    expect(counts).toMatchObject({ ACKNOWLEDGED: 1, DISCARDED: 1, UNKNOWN: 1, RETRY_WAIT: 1, QUEUED: 2 });
  });
});
