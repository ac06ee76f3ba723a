import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRequest } from '../../shared/domain/local-request';
import { QUEUE_SORT_COLUMNS, type QueueSort, type QueueSortColumn } from '../../shared/domain/queue-sort';
import type { ListRequestsQuery } from './queries';
import type { Store } from './store';
import { addProducts, headendId, setPin, tempStore } from './testing/temp-store';

// Sorting the queue by a column, page by page (keyset after the last row), on
// a real SQLite file: every page in order, no row twice or missed, the same
// rows as a sort of the whole list in JavaScript.

let t: ReturnType<typeof tempStore>;
let store: Store;

beforeAll(() => {
  t = tempStore();
  store = t.store;
  // One card per request (cards in another order than ids), so each can be sent.
  const inputs = Array.from({ length: 24 }, (_, i) =>
    i % 3 === 0 ? setPin(`smrt${(i * 7) % 24}`, '1234') : addProducts({ serial_number: `smrt${(i * 7) % 24}` }),
  );
  // And three more for one card, waiting behind its first.
  inputs.push(addProducts({ serial_number: 'smrt2' }), setPin('smrt2', '4321'), addProducts({ serial_number: 'smrt2' }));
  const queued = store.enqueue(inputs);
  if (!queued.ok) throw new Error(JSON.stringify(queued.errors));
  // Some acknowledged with head-end numbers out of id order, some needing
  // attention with reasons, the rest still queued (no number, no reason).
  for (const [n, id] of queued.ids.entries()) {
    if (n >= 24) continue;
    if (n % 4 === 1) {
      store.markSending(id);
      store.markAcknowledged(id, { headend_id: headendId(n + 1), number: String(90000 - n * 37) });
    } else if (n % 4 === 2) {
      store.markSending(id);
      store.markNeedsAttention(id, 'E', `reason ${String.fromCharCode(122 - n)}`);
    }
  }
});
afterAll(() => t.done());

/** What each column sorts by before id (a card: its queue order). */
const keysOf: Record<QueueSortColumn, (r: LocalRequest) => (string | number)[]> = {
  id: (r) => [r.id],
  created: (r) => [r.created_at],
  provider: (r) => [r.provider],
  type: (r) => [r.type],
  card: (r) => [r.card_key, r.card_seq],
  state: (r) => [r.local_state],
  number: (r) => [r.number ?? ''],
  detail: (r) => [r.error_description ?? r.last_error ?? ''],
};

function expectedOrder(rows: LocalRequest[], sort: QueueSort): number[] {
  const keys = keysOf[sort.column];
  const sign = sort.direction === 'asc' ? 1 : -1;
  const compare = (a: LocalRequest, b: LocalRequest) => {
    const [x, y] = [[...keys(a), a.id], [...keys(b), b.id]];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  };
  return [...rows].sort((a, b) => sign * compare(a, b)).map((r) => r.id);
}

function pagedIds(query: Omit<ListRequestsQuery, 'limit' | 'afterId'>, pageSize: number): number[] {
  const ids: number[] = [];
  for (let afterId: number | undefined, pages = 0; pages < 100; pages++) {
    const page = store.listRequests({ ...query, afterId, limit: pageSize });
    ids.push(...page.map((r) => r.id));
    if (page.length < pageSize) return ids;
    afterId = page[page.length - 1]!.id;
  }
  throw new Error('paging did not end');
}

describe('sorting the queue by a column', () => {
  const all = () => store.listRequests({ limit: 1000 });

  for (const column of QUEUE_SORT_COLUMNS) {
    for (const direction of ['asc', 'desc'] as const) {
      it(`${column} ${direction}: pages of 4 give every row once, in the column's order`, () => {
        const sort = { column, direction };
        const ids = pagedIds({ sort }, 4);
        expect(ids).toEqual(expectedOrder(all(), sort));
        expect(new Set(ids).size).toBe(27);
      });
    }
  }

  it('sorted within a filter: only matching rows, in order, across pages', () => {
    const sort: QueueSort = { column: 'type', direction: 'asc' };
    const filter = { states: ['QUEUED', 'NEEDS_ATTENTION'] as const, provider: 'nagravision' };
    const matching = all().filter((r) => (filter.states as readonly string[]).includes(r.local_state));
    expect(matching.length).toBeGreaterThan(4);
    expect(pagedIds({ ...filter, states: [...filter.states], sort }, 3)).toEqual(expectedOrder(matching, sort));
  });

  it('sorted within one card: that card\'s requests only', () => {
    const sort: QueueSort = { column: 'number', direction: 'desc' };
    const mine = all().filter((r) => r.card_key === 'serial_number:smrt2');
    expect(mine).toHaveLength(4);
    expect(pagedIds({ cardKey: 'serial_number:smrt2', sort }, 2)).toEqual(expectedOrder(mine, sort));
  });

  it('the newest-first default is unchanged by the new indexes', () => {
    expect(pagedIds({}, 5)).toEqual(all().map((r) => r.id));
    expect(all().map((r) => r.id)).toEqual(expectedOrder(all(), { column: 'id', direction: 'desc' }));
  });
});
