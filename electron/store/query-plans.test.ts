import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, migrate } from './migrations';
import { openExclusiveDatabase } from './open-database';
import { searchCatalog } from './catalog';
import { CardKeyResolver } from './card-key';
import { promoteHead } from './outbox';
import * as queries from './queries';
import type { QueueSortColumn } from '../../shared/domain/queue-sort';
import { StoreContext } from './store-context';
import { openStore } from './store';

// The plan of every query the console and the sync engine ask of the queue,
// printed and checked, so that a full scan of a million requests cannot creep
// back (figures in bench/queue.bench.ts). The rules:
//   - a filtered list walks an index (SEARCH ... USING INDEX), in id order: no
//     temporary B-tree to sort, so it stops at its limit;
//   - an unfiltered list (or one filtered only by rows met in id order: dates,
//     search text) walks the table's rowid, newest first, and stops at its limit;
//   - counts read the small request_counts table, never requests.
// Plans do not depend on the rows, so a few rows suffice.

/** Records the SQL text of every statement the store prepares. */
class RecordingContext extends StoreContext {
  readonly seen: string[] = [];
  override sql(text: string) {
    this.seen.push(text);
    return super.sql(text);
  }
}

let dir: string;
let ctx: RecordingContext;

function planOf(sql: string): string[] {
  const params = (sql.match(/\?/g) ?? []).length;
  const named = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1]!, null]));
  const args = [...(Object.keys(named).length > 0 ? [named] : []), ...Array<null>(params).fill(null)];
  const rows = ctx.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[];
  return rows.map((r) => r.detail);
}

/** The plan of the one statement `run` prepares last. */
function planOfCall(run: () => unknown): string[] {
  ctx.seen.length = 0;
  run();
  const sql = ctx.seen[ctx.seen.length - 1];
  if (sql === undefined) throw new Error('the call prepared no statement');
  return planOf(sql);
}

function show(name: string, plan: string[]): string[] {
  console.log(`${name}:\n  ${plan.join('\n  ')}`);
  return plan;
}

const FULL_SCAN = /^SCAN requests( |$)(?!USING)/;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-plans-'));
  const file = path.join(dir, 'plans.db');
  const store = openStore(file);
  const card = (serial: string) => ({ smartcard_identifier: { serial_number: serial }, message_text: 'hello' });
  const queued = store.enqueue([
    { provider: 'conax', method: 'send_mail_message_to_client', params: card('smrt1'), operator: 'op', batchId: 'b1' },
    { provider: 'conax', method: 'send_mail_message_to_client', params: card('smrt2'), operator: 'op' },
  ]);
  expect(queued.ok).toBe(true);
  store.close();
  const db = openExclusiveDatabase(file);
  migrate(db, file, LATEST_SCHEMA_VERSION);
  ctx = new RecordingContext(db, file, Date.now);
});

afterAll(() => {
  ctx.db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('query plans of the queue', () => {
  const filtered: [string, queries.ListRequestsQuery, RegExp][] = [
    ['one state', { states: ['QUEUED'], limit: 101 }, /SEARCH requests USING (COVERING )?INDEX requests_by_state \(local_state=\?/],
    ['one state, oldest first', { states: ['QUEUED'], limit: 101, order: 'asc' }, /SEARCH requests USING (COVERING )?INDEX requests_by_state \(local_state=\?/],
    ['one state, next page', { states: ['QUEUED'], limit: 501, afterId: 1000 }, /SEARCH requests USING (COVERING )?INDEX requests_by_state \(local_state=\? AND (rowid|id)<\?\)/],
    ['provider', { provider: 'conax', limit: 101 }, /SEARCH requests USING INDEX requests_by_provider \(provider=\?/],
    ['type', { type: 'SEND_MAIL_MESSAGE_TO_CLIENT', limit: 101 }, /SEARCH requests USING INDEX requests_by_type \(type=\?/],
    ['state and provider (the state index; provider only filters)', { states: ['NEEDS_ATTENTION'], provider: 'conax', limit: 101 }, /SEARCH requests USING INDEX requests_by_state \(local_state=\?\)/],
    ['state and type', { states: ['UNKNOWN'], type: 'SEND_MAIL_MESSAGE_TO_CLIENT', limit: 101 }, /SEARCH requests USING INDEX requests_by_state \(local_state=\?\)/],
    ['batch', { batchId: 'b1', limit: 101 }, /SEARCH requests USING INDEX requests_by_batch \(batch_id=\?/],
  ];
  for (const [name, query, expected] of filtered) {
    it(`list by ${name}: walks its index in id order, never sorts`, () => {
      const plan = show(`list by ${name}`, planOf(queries.listRequestsStatement(query)!.sql));
      expect(plan.some((step) => expected.test(step))).toBe(true);
      expect(plan.some((step) => FULL_SCAN.test(step))).toBe(false);
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
    });
  }

  it('list by card: its index, then a sort of that one card\'s requests (a card has few)', () => {
    const plan = show('list by card', planOf(queries.listRequestsStatement({ cardKey: 'serial_number:smrt1', limit: 501 })!.sql));
    expect(plan).toEqual(['SEARCH requests USING INDEX requests_by_card (card_key=?)', 'USE TEMP B-TREE FOR ORDER BY']);
  });

  // Sorting by a column: the walk follows that column's index, in
  // (column, id) order, and stops at the limit; a next page seeks into it.
  const sortIndexes: [QueueSortColumn, RegExp][] = [
    ['created', /requests_by_created \(created_at[<>]\?\)/],
    ['provider', /requests_by_provider \(provider[<>]\?\)/],
    ['type', /requests_by_type \(type[<>]\?\)/],
    ['card', /requests_by_card \(card_key[<>]\?\)/],
    ['state', /requests_by_state \(local_state[<>]\?\)/],
    ['number', /requests_sorted_by_number \(<expr>[<>]\?\)/],
    ['detail', /requests_sorted_by_detail \(<expr>[<>]\?\)/],
  ];
  for (const [column, seek] of sortIndexes) {
    for (const direction of ['asc', 'desc'] as const) {
      it(`sorted by ${column} ${direction}: walks its index, never sorts, and seeks into it for the next page`, () => {
        const index = seek.source.split(' ')[0]!;
        const first = show(`sort ${column} ${direction}`, planOf(queries.listRequestsStatement({ sort: { column, direction }, limit: 101 })!.sql));
        expect(first).toEqual([`SCAN requests USING INDEX ${index}`]);
        const filtered = queries.listRequestsStatement({ sort: { column, direction }, states: ['NEEDS_ATTENTION', 'REJECTED'], provider: 'conax', search: 'smrt', afterId: 7, limit: 501 })!;
        const next = show(`sort ${column} ${direction}, filtered, next page`, planOf(filtered.sql));
        expect(next.some((step) => seek.test(step) && step.startsWith('SEARCH requests USING INDEX'))).toBe(true);
        expect(next.some((step) => FULL_SCAN.test(step))).toBe(false);
        expect(next.join('\n')).not.toMatch(/TEMP B-TREE/);
      });
    }
  }

  it('sorted and filtered by card: the card\'s index, then a sort of its few requests', () => {
    const plan = show('sort by type, one card', planOf(queries.listRequestsStatement({ sort: { column: 'type', direction: 'asc' }, cardKey: 'serial_number:smrt1', limit: 101 })!.sql));
    expect(plan).toEqual(['SEARCH requests USING INDEX requests_by_card (card_key=?)', 'USE TEMP B-TREE FOR ORDER BY']);
  });

  it('sorted by state within one state: the state index in id order', () => {
    const sql = queries.listRequestsStatement({ sort: { column: 'state', direction: 'asc' }, states: ['QUEUED'], limit: 101 })!.sql;
    expect(show('sort by state, one state', planOf(sql))).toEqual(['SEARCH requests USING INDEX requests_by_state (local_state=?)']);
    expect(sql).toMatch(/ORDER BY id ASC LIMIT \?$/);
  });

  it('list by several states: one index walk per state, merged in id order, never sorted', () => {
    const plan = show('list by two states', planOf(queries.listRequestsStatement({ states: ['ACKNOWLEDGED', 'COMPLETED'], limit: 101 })!.sql));
    expect(plan.filter((step) => /SEARCH requests USING (COVERING )?INDEX requests_by_state \(local_state=\?\)/.test(step))).toHaveLength(2);
    expect(plan.join('\n')).toMatch(/MERGE \(UNION ALL\)/);
    expect(plan.some((step) => FULL_SCAN.test(step))).toBe(false);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  const inIdOrder: [string, queries.ListRequestsQuery][] = [
    ['nothing (first page)', { limit: 101 }],
    ['dates', { from: 0, to: 1, limit: 101 }],
    ['search text', { search: 'smrt1', limit: 101 }],
  ];
  for (const [name, query] of inIdOrder) {
    it(`list by ${name}: walks the rowid newest first and stops at the limit, never sorts`, () => {
      const plan = show(`list by ${name}`, planOf(queries.listRequestsStatement(query)!.sql));
      expect(plan).toEqual(['SCAN requests']);
      expect(queries.listRequestsStatement(query)!.sql).toMatch(/ORDER BY id DESC LIMIT \?$/);
    });
  }

  it('counts by state read request_counts, never requests', () => {
    const plan = show('countByState', planOfCall(() => queries.countByState(ctx)));
    expect(plan.join('\n')).toMatch(/request_counts/);
    expect(plan.join('\n')).not.toMatch(/\brequests\b/);
  });

  it('the dashboard hours are a key range of request_counts', () => {
    const plan = show('countsPerHour', planOfCall(() => queries.countsPerHour(ctx, 0, 3_600_000 * 24)));
    expect(plan).toEqual(['SEARCH request_counts USING PRIMARY KEY (hour>? AND hour<?)']);
  });

  it('the dashboard hours per head-end are a key range of request_counts_by_provider', () => {
    const plan = show('countsPerHourByProvider', planOfCall(() => queries.countsPerHourByProvider(ctx, 0, 3_600_000 * 24)));
    expect(plan).toEqual(['SEARCH request_counts_by_provider USING PRIMARY KEY (hour>? AND hour<?)']);
  });

  it('the sync engine: due heads from the outbox index, acknowledged requests from the state index', () => {
    const due = show('claimDue', planOfCall(() => queries.claimDue(ctx, Date.now(), 10)));
    expect(due.join('\n')).toMatch(/outbox_sendable_heads/);
    expect(due.some((step) => /^SCAN (o|outbox)\b(?! USING)/.test(step) || FULL_SCAN.test(step))).toBe(false);
    const pending = show('pendingHeadendRequests', planOfCall(() => queries.pendingHeadendRequests(ctx, 10)));
    expect(pending.join('\n')).toMatch(/SEARCH requests USING (COVERING )?INDEX requests_by_state \(local_state=\? AND (rowid|id)>\?\)/);
  });

  // These bind their value as (SELECT ?) (card-key.ts): the subquery must not cost the index.
  it('enqueue and the outbox: a card is found by its index, a queue head by the outbox card index', () => {
    const resolver = new CardKeyResolver(ctx);
    const card = { kind: 'smartcard', field: 'serial_number', value: 'smrt1' } as const;
    const resolve = show('resolve card', planOfCall(() => resolver.resolve(card, 'u'))).join('\n');
    expect(resolve).toMatch(/^SEARCH smartcards USING INDEX smartcards_by_serial_number \(serial_number=\?\)$/m);
    const queued = show('resolve card, queued', planOfCall(() => resolver.resolveQueued(card, 'u'))).join('\n');
    expect(queued).toMatch(/SEARCH smartcards USING INDEX smartcards_by_serial_number \(serial_number=\?\)/);
    expect(queued).toMatch(/SEARCH outbox USING COVERING INDEX outbox_by_card \(card_key=\?\)/);
    const promote = show('promoteHead', planOfCall(() => promoteHead(ctx, 'serial_number:smrt1'))).join('\n');
    expect(promote).toMatch(/SEARCH outbox USING (COVERING )?INDEX outbox_by_card \(card_key=\?\)/);
    for (const plan of [resolve, queued, promote]) expect(plan).not.toMatch(/^SCAN (smartcards|outbox)\b|TEMP B-TREE/m);
  });

  it('a request by id, client uuid and head-end id is a key lookup', () => {
    for (const [name, run] of [
      ['getRequest', () => queries.getRequest(ctx, 1)],
      ['getByClientUuid', () => queries.getByClientUuid(ctx, '0d1f6c5e-8f43-4a39-9d59-0a6fb7a1c001')],
      ['getByHeadendId', () => queries.getByHeadendId(ctx, 'A'.repeat(32))],
    ] as const) {
      const plan = show(name, planOfCall(run));
      expect(plan.every((step) => step.startsWith('SEARCH requests USING'))).toBe(true);
    }
  });

  it('catalog search: each identifier a range seek of its index, never a scan of millions of cards', () => {
    for (const kind of ['smartcards', 'stbs', 'subscriptions'] as const) {
      ctx.seen.length = 0;
      searchCatalog(ctx, kind, 'smrt3', 8);
      const seeks = ctx.seen.filter((sql) => !sql.includes('_fts'));
      expect(seeks.length).toBeGreaterThan(0);
      for (const sql of seeks) {
        const plan = show(`search ${kind}`, planOf(sql));
        expect(plan).toHaveLength(1);
        expect(plan[0]).toMatch(new RegExp(`^SEARCH ${kind} USING INDEX (${kind}_by_\\w+|sqlite_autoindex_${kind}_1) \\(\\w+>\\? AND \\w+<\\?\\)$`));
      }
    }
  });

  it('the kept counts equal a count of the rows after inserts and state changes', () => {
    const counted = ctx.db.prepare('SELECT local_state, count(*) AS n FROM requests GROUP BY local_state').all() as { local_state: string; n: number }[];
    const kept = queries.countByState(ctx);
    for (const { local_state, n } of counted) expect(kept[local_state as keyof typeof kept]).toBe(n);
    ctx.db.prepare("UPDATE requests SET local_state = 'DISCARDED' WHERE id = 1").run();
    expect(queries.countByState(ctx).QUEUED).toBe(1);
    expect(queries.countByState(ctx).DISCARDED).toBe(1);
    const hours = queries.countsPerHour(ctx, 0, Date.now() + 3_600_000);
    expect(hours.reduce((sum, h) => sum + h.byState.QUEUED + h.byState.DISCARDED, 0)).toBe(2);
    // Per head-end: the same counts, each under its provider.
    const perHeadend = queries.countsPerHourByProvider(ctx, 0, Date.now() + 3_600_000);
    expect(perHeadend.map((h) => h.provider)).toEqual(perHeadend.map(() => 'conax'));
    expect(perHeadend.reduce((sum, h) => sum + h.byState.QUEUED, 0)).toBe(1);
    expect(perHeadend.reduce((sum, h) => sum + h.byState.DISCARDED, 0)).toBe(1);
  });
});
