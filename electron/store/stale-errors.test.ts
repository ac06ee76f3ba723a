import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store';
import { addProducts, HEADEND_ID, tempStore } from './testing/temp-store';

// A request that failed before and then went through must not keep the old
// failure on its row (the console would show a "Problem" on a completed
// request); its history keeps every failure.

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.done());

function queuedOne(): number {
  const result = store.enqueue([addProducts({ serial_number: 'A' })]);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ids[0]!;
}

describe('error fields after a later success', () => {
  it('a completion clears last_error left by offline retries; the history keeps it', () => {
    const id = queuedOne();
    store.markSending(id);
    store.scheduleRetry(id, Date.now(), 'login failed: connect ECONNREFUSED 127.0.0.1:7002');
    store.markSending(id);
    store.markAcknowledged(id, { headend_id: HEADEND_ID, number: '18570' });
    expect(store.getRequest(id)).toMatchObject({ last_error: null, next_attempt_at: null, error_code: null });
    store.markFinal(id, 'COMPLETED', { reference_number: 'R1', error_code: null, error_description: null });
    expect(store.getRequest(id)).toMatchObject({ local_state: 'COMPLETED', last_error: null, error_code: null, error_description: null });
    const retryEvent = store.eventsFor(id).find((e) => e.kind === 'retry_scheduled');
    expect(retryEvent?.detail).toMatchObject({ reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('a rejection retried by an operator and then completed shows no rejection on its row', () => {
    const id = queuedOne();
    store.markSending(id);
    store.markNeedsAttention(id, 'CLIENT_NOT_FOUND', 'no such card');
    store.retry(id, 'maria', 'card registered now');
    store.markSending(id);
    store.markFinal(id, 'COMPLETED', { headend_id: HEADEND_ID, number: '18571' });
    expect(store.getRequest(id)).toMatchObject({ error_code: null, error_description: null, last_error: null });
    expect(store.eventsFor(id).find((e) => e.kind === 'failed')?.detail).toMatchObject({ error_code: 'CLIENT_NOT_FOUND' });
  });

  it('a head-end rejection keeps its own error and drops our transport error', () => {
    const id = queuedOne();
    store.markSending(id);
    store.scheduleRetry(id, Date.now(), 'timeout');
    store.markSending(id);
    store.markFinal(id, 'REJECTED', { headend_id: HEADEND_ID, number: '18572', error_code: 'CLIENT_NOT_FOUND', error_description: 'unknown card' });
    expect(store.getRequest(id)).toMatchObject({ error_code: 'CLIENT_NOT_FOUND', error_description: 'unknown card', last_error: null });
  });
});
