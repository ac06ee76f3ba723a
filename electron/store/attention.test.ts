import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidTransitionError, type Store } from './store';
import { addProducts, headendId, tempStore } from './testing/temp-store';

// The attention inbox resolves: a rejection is closed by a corrected copy (in
// the same transaction) or by an operator's check; held requests by retry,
// edit or discard. Counts and the open list follow.

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.done());

function rejected(serial: string, n: number): number {
  const result = store.enqueue([addProducts({ serial_number: serial })]);
  if (!result.ok) throw new Error('not queued');
  const id = result.ids[0]!;
  store.markSending(id);
  store.markFinal(id, 'REJECTED', { headend_id: headendId(n), number: String(18000 + n), error_code: 'CLIENT_NOT_FOUND', error_description: 'unknown card' });
  return id;
}

describe('attention inbox', () => {
  it('a corrected copy closes the rejection and links to it; the count and the open list follow', () => {
    const a = rejected('A', 1);
    const b = rejected('B', 2);
    expect(store.countOpenAttention()).toBe(2);
    const copy = store.enqueueReplacing({ ...addProducts({ serial_number: 'A2' }), operator: 'maria' }, a);
    if (!copy.ok) throw new Error('copy not queued');
    expect(store.replacementOf(a)).toBe(copy.ids[0]);
    expect(store.countOpenAttention()).toBe(1);
    expect(store.listRequests({ states: ['REJECTED'], openOnly: true, limit: 10 }).map((r) => r.id)).toEqual([b]);
    expect(store.recentResolutions(10)[0]).toMatchObject({ kind: 'replaced', actor: 'maria', replacedBy: copy.ids[0], request: { id: a } });
    // Closed once: a second copy of the same rejection is refused, and nothing is queued.
    const before = store.countByState().QUEUED;
    expect(() => store.enqueueReplacing(addProducts({ serial_number: 'A3' }), a)).toThrow(InvalidTransitionError);
    expect(store.countByState().QUEUED).toBe(before);
  });

  it('an operator closes a rejection as checked; only rejections can be', () => {
    const a = rejected('A', 1);
    store.verifyRejection(a, 'maria', 'customer cancelled anyway');
    expect(store.countOpenAttention()).toBe(0);
    expect(store.recentResolutions(10)[0]).toMatchObject({ kind: 'verified', reason: 'customer cancelled anyway' });
    expect(() => store.verifyRejection(a, 'maria', 'again')).toThrow(/already closed/);
    const queued = store.enqueue([addProducts({ serial_number: 'C' })]);
    expect(() => store.verifyRejection(queued.ok ? queued.ids[0]! : 0, 'maria', 'x')).toThrow(InvalidTransitionError);
  });

  it('held requests count until retried or discarded, and the resolution is listed', () => {
    const result = store.enqueue([addProducts({ serial_number: 'D' }), addProducts({ serial_number: 'E' })]);
    if (!result.ok) throw new Error('not queued');
    const [d, e] = result.ids as [number, number];
    for (const id of [d, e]) {
      store.markSending(id);
      store.markNeedsAttention(id, 'INPUT_VALIDATION_ERROR', 'bad');
    }
    expect(store.countOpenAttention()).toBe(2);
    store.retry(d, 'maria', 'fixed at the head-end');
    store.discard(e, 'maria', 'duplicate');
    expect(store.countOpenAttention()).toBe(0);
    expect(store.recentResolutions(10).map((r) => [r.request.id, r.kind])).toEqual([
      [e, 'cancelled'],
      [d, 'retried'],
    ]);
  });
});
