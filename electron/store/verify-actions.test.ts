import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidTransitionError, StoreInputError, type Store } from './store';
import { addProducts, tempStore } from './testing/temp-store';

// After an unknown outcome no lookup could settle (the head-end cannot prove
// absence), the operator checks at the head-end and says what they saw. Each
// answer is recorded with the operator's name; only "it did not arrive"
// makes the request sendable again, and only for a request whose outcome
// really is unknown.

const T0 = new Date(2026, 0, 5, 9, 0, 0).getTime();
let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore({ clock: () => T0 });
  store = t.store;
});
afterEach(() => t.done());

/** Two requests on one card; the first sent, outcome unknown, handed to the operator. */
function unsettled(): { first: number; second: number } {
  const result = store.enqueue([addProducts({ serial_number: 'A' }), addProducts({ serial_number: 'A' })]);
  if (!result.ok) throw new Error('enqueue failed');
  const [first, second] = result.ids as [number, number];
  store.markSending(first);
  store.markUnknown(first, 'connection lost after the request was written');
  store.markNeedsAttention(first, 'VERIFY_AT_HEADEND', 'verify at the head-end');
  return { first, second };
}

const due = () => store.claimDue(T0 + 1, 10).map((r) => r.id);

describe('operator verification of an unknown outcome', () => {
  it('"it arrived" with the head-end number acknowledges it, never to be sent again, and lets the card go on', () => {
    const { first, second } = unsettled();
    expect(due()).toEqual([]); // the card waits behind it
    const after = store.confirmArrived(first, 'maria', '18571', 'found it in the CRM');
    expect(after).toMatchObject({ local_state: 'ACKNOWLEDGED', number: '18571', life_cycle_state: 'PENDING', outcome_unknown: false, error_code: null });
    expect(store.pendingHeadendRequests(10).map((r) => r.id)).toEqual([first]);
    const event = store.eventsFor(first).at(-1)!;
    expect(event).toMatchObject({ kind: 'reconciled', actor: 'maria', detail: { found: true, by: 'operator', number: '18571', reason: 'found it in the CRM' } });
    expect(due()).toEqual([]); // open at the head-end: the card goes on once it is finished there
    store.markFinal(first, 'COMPLETED');
    expect(due()).toEqual([second]);
  });

  it('"it arrived" without a number marks it done (COMPLETED), recorded with the operator', () => {
    const { first } = unsettled();
    expect(store.confirmArrived(first, 'maria', null, 'seen completed')).toMatchObject({ local_state: 'COMPLETED', life_cycle_state: 'COMPLETED' });
    expect(store.eventsFor(first).at(-1)).toMatchObject({ kind: 'reconciled', actor: 'maria', detail: { found: true, number: null } });
  });

  it('"it did not arrive: send again" queues it as never sent, recorded with the operator', () => {
    const { first, second } = unsettled();
    const after = store.confirmNotArrived(first, 'joe', 'not in the CRM');
    expect(after).toMatchObject({ local_state: 'QUEUED', outcome_unknown: false, error_code: null });
    expect(due()).toEqual([first]); // it, not the card's next one
    expect(due()).not.toContain(second);
    expect(store.eventsFor(first).at(-1)).toMatchObject({ kind: 'reconciled', actor: 'joe', detail: { found: false, by: 'operator' } });
  });

  it('"it arrived" works from UNKNOWN too, "send again" only once the lookups gave up; refuses known outcomes, bad numbers and a missing operator', () => {
    const result = store.enqueue([addProducts({ serial_number: 'B' }), addProducts({ serial_number: 'C' })]);
    if (!result.ok) throw new Error('enqueue failed');
    const [unknown, refused] = result.ids as [number, number];
    store.markSending(unknown);
    store.markUnknown(unknown, 'timeout');
    store.markSending(refused);
    store.markNeedsAttention(refused, 'CLIENT_NOT_FOUND', 'no such card');
    // A proven refusal is not "unknown": retry/edit/discard are its actions, not these.
    expect(() => store.confirmNotArrived(refused, 'joe', 'x')).toThrow(InvalidTransitionError);
    expect(() => store.confirmArrived(refused, 'joe', null, 'x')).toThrow(InvalidTransitionError);
    expect(() => store.confirmArrived(unknown, 'joe', '18 571; DROP', 'x')).toThrow(StoreInputError);
    expect(() => store.confirmNotArrived(unknown, '', 'x')).toThrow(StoreInputError);
    expect(store.getRequest(unknown)?.local_state).toBe('UNKNOWN');
    // Still UNKNOWN: the head-end may yet create it, so "send again" is refused (a duplicate otherwise).
    expect(() => store.confirmNotArrived(unknown, 'joe', 'checked')).toThrow(InvalidTransitionError);
    expect(store.confirmArrived(unknown, 'joe', null, 'seen done')).toMatchObject({ local_state: 'COMPLETED' });
    // Once settled, neither can be applied again.
    expect(() => store.confirmArrived(unknown, 'joe', null, 'x')).toThrow(InvalidTransitionError);
    expect(() => store.confirmNotArrived(unknown, 'joe', 'x')).toThrow(InvalidTransitionError);
  });
});
