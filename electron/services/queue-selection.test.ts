import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IpcFailure } from '../../shared/ipc/result';
import type { Store } from '../store/store';
import { addProducts, setPin, tempStore } from '../store/testing/temp-store';
import { silentLogger } from '../logging/logger';
import { EventHub } from './service-registry';
import { exportSelected } from './export-service';
import { RequestService } from './request-service';

// Bulk actions on the queue's selection : each request goes through
// the same operator action as one at a time, recorded with the operator and
// the one reason; what its state refuses is named and the rest still done.

let t: ReturnType<typeof tempStore>;
let store: Store;
let service: RequestService;
let changed: { ids: number[]; reason: string }[];

beforeEach(() => {
  t = tempStore();
  store = t.store;
  const hub = new EventHub(silentLogger);
  changed = [];
  hub.subscribe((channel, payload) => {
    if (channel === 'requests.changed') changed.push(payload as { ids: number[]; reason: string });
  });
  service = new RequestService(store, hub, () => 'maria');
});
afterEach(() => t.done());

/** Three requests needing attention and one still queued, each on its own card. */
function fourRequests(): { attention: number[]; queued: number } {
  const queued = store.enqueue([addProducts({ serial_number: 'a1' }), addProducts({ serial_number: 'a2' }), setPin('a3', '1234'), addProducts({ serial_number: 'q1' })]);
  if (!queued.ok) throw new Error(JSON.stringify(queued.errors));
  const attention = queued.ids.slice(0, 3);
  for (const id of attention) {
    store.markSending(id);
    store.markNeedsAttention(id, 'CLIENT_NOT_FOUND', `no card for ${id}`);
  }
  return { attention, queued: queued.ids[3]! };
}

describe('bulk actions on the selection', () => {
  it('retries every selected request that needs attention, with the operator and the one reason in each history', () => {
    const { attention, queued } = fourRequests();
    const out = service.retryMany([...attention, queued, attention[0]!], 'cards registered this morning');
    expect(out.done).toEqual(attention);
    expect(out.refused).toEqual([{ id: queued, message: expect.stringContaining('QUEUED') }]);
    for (const id of attention) {
      expect(store.getRequest(id)?.local_state).toBe('QUEUED');
      const retried = store.eventsFor(id).filter((e) => e.kind === 'retried');
      expect(retried).toHaveLength(1);
      expect(retried[0]).toMatchObject({ actor: 'maria', detail: { reason: 'cards registered this morning' } });
    }
    expect(store.eventsFor(queued).some((e) => e.kind === 'retried')).toBe(false);
    expect(changed).toEqual([{ ids: attention, reason: 'retried' }]);
  });

  it('discards the selection (secrets wiped as one at a time) and refuses what has finished', () => {
    const { attention, queued } = fourRequests();
    store.retry(attention[0]!, 'maria', 'again');
    store.markSending(attention[0]!);
    store.markFinal(attention[0]!, 'COMPLETED', { error_code: null, error_description: null });
    const out = service.discardMany([attention[0]!, attention[2]!, queued], 'wrong batch');
    expect(out.done).toEqual([attention[2], queued]);
    expect(out.refused.map((r) => r.id)).toEqual([attention[0]]);
    for (const id of out.done) {
      expect(store.getRequest(id)).toMatchObject({ local_state: 'DISCARDED' });
      expect(store.eventsFor(id).find((e) => e.kind === 'cancelled')).toMatchObject({ actor: 'maria', detail: { reason: 'wrong batch' } });
    }
    expect(JSON.stringify(store.getRequest(attention[2]!)?.params)).not.toContain('1234');
    expect(store.getRequest(attention[0]!)?.local_state).toBe('COMPLETED');
  });

  it('a selection of requests that do not exist is refused one by one, nothing announced', () => {
    const out = service.retryMany([9001, 9002]);
    expect(out.done).toEqual([]);
    expect(out.refused.map((r) => r.id)).toEqual([9001, 9002]);
    expect(changed).toEqual([]);
  });
});

describe('export of the selection', () => {
  it('writes the selected requests, in the order given, each once', () => {
    const { attention, queued } = fourRequests();
    const { csv, rows } = exportSelected(store, [queued, attention[1]!, queued]);
    expect(rows).toBe(2);
    const lines = csv.trimEnd().split(/\r\n/);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^id,created_at,provider/);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([queued, attention[1]]);
    expect(lines[2]).toContain(`no card for ${attention[1]}`);
  });

  it('refuses a selection naming a request that does not exist, rather than export part of it', () => {
    const { queued } = fourRequests();
    expect(() => exportSelected(store, [queued, 9001])).toThrow(IpcFailure);
  });
});
