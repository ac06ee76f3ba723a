import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../shared/domain/secrets';
import { InvalidTransitionError, RequestNotFoundError, StoreInputError, type Store } from './store';
import { addProducts, headendId, setPin, tempStore } from './testing/temp-store';

// The group-commit methods must do exactly what the single-request methods do
// (same checks, same events, PIN wipe), item by item, in one call.

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore({ clock: () => 1_700_000_000_000 });
  store = t.store;
});
afterEach(() => t.done());

function queue(...inputs: Parameters<Store['enqueue']>[0]): number[] {
  const result = store.enqueue(inputs);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ids;
}

describe('markSendingMany', () => {
  it('marks every head SENDING with its sent event, and refuses a non-head or unknown id without stopping the others', () => {
    const [a1, b1, a2, c1] = queue(addProducts({ serial_number: 'A' }), addProducts({ serial_number: 'B' }), addProducts({ serial_number: 'A' }), addProducts({ serial_number: 'C' }));
    store.discard(c1!, 'maria', 'not wanted');
    const results = store.markSendingMany([a1!, a2!, b1!, c1!, 999_999]);
    expect(results.map((r) => [r.id, r.ok])).toEqual([[a1, true], [a2, false], [b1, true], [c1, false], [999_999, false]]);
    expect(results[1]!.ok === false && results[1]!.error).toBeInstanceOf(InvalidTransitionError);
    expect(results[4]!.ok === false && results[4]!.error).toBeInstanceOf(RequestNotFoundError);
    for (const result of results) if (result.ok) expect(result.request).toEqual(store.getRequest(result.id));
    for (const id of [a1!, b1!]) {
      expect(store.getRequest(id)).toMatchObject({ local_state: 'SENDING', attempts: 1 });
      expect(store.eventsFor(id).at(-1)).toMatchObject({ kind: 'sent', actor: 'sync', detail: { attempt: 1 } });
    }
    expect(store.getRequest(a2!)!.local_state).toBe('QUEUED');
    expect(store.getRequest(c1!)!.local_state).toBe('DISCARDED');
    expect(store.claimDue(Date.now() + 1e9, 10)).toEqual([]); // A and B each have one in flight
  });
});

describe('applyOutcomes', () => {
  it('records each kind of answer as the single methods do, one bad item changing nothing of its own', () => {
    const [ack, pin, fin, retry, attention, unknown, bad, notSending] = queue(
      addProducts({ serial_number: 'A' }),
      setPin('B', '4821'),
      addProducts({ serial_number: 'C' }),
      addProducts({ serial_number: 'D' }),
      addProducts({ serial_number: 'E' }),
      addProducts({ serial_number: 'F' }),
      addProducts({ serial_number: 'G' }),
      addProducts({ serial_number: 'H' }),
    );
    const sending = [ack!, pin!, fin!, retry!, attention!, unknown!, bad!];
    expect(store.markSendingMany(sending).every((r) => r.ok)).toBe(true);
    const at = 1_700_000_060_000;
    const results = store.applyOutcomes([
      { id: ack!, kind: 'acknowledged', fields: { headend_id: headendId(1), number: '1' } },
      { id: pin!, kind: 'acknowledged', fields: { headend_id: headendId(2), number: '2' } },
      { id: fin!, kind: 'final', state: 'COMPLETED', fields: { headend_id: headendId(3), number: '3' } },
      { id: retry!, kind: 'retry', at, reason: 'SYSTEM_ERROR' },
      { id: attention!, kind: 'needs_attention', code: 'CLIENT_NOT_FOUND', description: 'no such client' },
      { id: unknown!, kind: 'unknown', reason: 'connection lost after write' },
      { id: bad!, kind: 'acknowledged', fields: { headend_id: 'not-an-id', number: '' } },
      { id: notSending!, kind: 'unknown', reason: 'x' },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, true, false, false]);
    expect(results[6]!.ok === false && results[6]!.error).toBeInstanceOf(StoreInputError);
    expect(results[7]!.ok === false && results[7]!.error).toBeInstanceOf(InvalidTransitionError);

    expect(store.getRequest(ack!)).toMatchObject({ local_state: 'ACKNOWLEDGED', headend_id: headendId(1), number: '1', life_cycle_state: 'PENDING' });
    expect(store.getRequest(pin!)).toMatchObject({ local_state: 'ACKNOWLEDGED', secrets_wiped: true, params: { pin: REDACTED } });
    expect(store.eventsFor(pin!).map((e) => e.kind).slice(-2)).toEqual(['acknowledged', 'secrets_wiped']);
    expect(store.getRequest(fin!)).toMatchObject({ local_state: 'COMPLETED', life_cycle_state: 'COMPLETED' });
    expect(store.getRequest(retry!)).toMatchObject({ local_state: 'RETRY_WAIT', next_attempt_at: at, last_error: 'SYSTEM_ERROR' });
    expect(store.getRequest(attention!)).toMatchObject({ local_state: 'NEEDS_ATTENTION', error_code: 'CLIENT_NOT_FOUND' });
    expect(store.getRequest(unknown!)).toMatchObject({ local_state: 'UNKNOWN', outcome_unknown: true });
    for (const result of results) if (result.ok) expect(result.request).toEqual(store.getRequest(result.id)); // what is returned is what is stored
    expect(store.getRequest(bad!)!.local_state).toBe('SENDING'); // its own savepoint rolled back; the caller decides (UNKNOWN)
    expect(store.getRequest(notSending!)!.local_state).toBe('QUEUED');
  });
});
