import { describe, expect, it } from 'vitest';
import type { RequestSummary } from '../../../shared/ipc/request-schemas';
import { keepUnchanged, keepUnchangedById, mergeTop, mergeWindow, sameRows } from './merge-rows';

function summary(id: number, patch: Partial<RequestSummary> = {}): RequestSummary {
  return {
    id,
    provider: 'conax',
    method: 'send_mail_message_to_client',
    type: 'SEND_MAIL_MESSAGE_TO_CLIENT',
    local_state: 'QUEUED',
    life_cycle_state: null,
    card_key: `serial_number:smrt${id}`,
    card_label: `smrt${id}`,
    subscription: null,
    priority: 'REGULAR',
    scheduled_date: null,
    number: null,
    reference_number: null,
    error_code: null,
    error_description: null,
    last_error: null,
    attempts: 0,
    outcome_unknown: false,
    next_attempt_at: null,
    batch_id: null,
    created_at: 1_700_000_000_000 + id,
    updated_at: 1_700_000_000_000 + id,
    finished_at: null,
    ...patch,
  };
}

/** Newest first, as the back end answers. */
const rows = (...ids: number[]) => ids.map((id) => summary(id));
/** Fresh objects with the same content, as a refresh answers them. */
const copies = (list: RequestSummary[]) => list.map((r) => ({ ...r }));

describe('keepUnchanged', () => {
  it('keeps the loaded object of every unchanged row and takes the fresh one of a changed row', () => {
    const old = rows(9, 8, 7, 6);
    const fresh = copies(old);
    fresh[2] = summary(7, { local_state: 'COMPLETED', updated_at: 1 });
    const kept = keepUnchanged(old, 0, fresh);
    expect(kept[0]).toBe(old[0]);
    expect(kept[1]).toBe(old[1]);
    expect(kept[2]).toBe(fresh[2]);
    expect(kept[2]).not.toBe(old[2]);
    expect(kept[3]).toBe(old[3]);
  });

  it('takes rows it has not loaded (new requests, rows deleted in between) as they come', () => {
    const old = rows(9, 7, 6);
    const fresh = [summary(10), ...copies(rows(9, 8, 6))];
    const kept = keepUnchanged(old, 0, fresh);
    expect(kept.map((r) => r.id)).toEqual([10, 9, 8, 6]);
    expect(kept[0]).toBe(fresh[0]);
    expect(kept[1]).toBe(old[0]);
    expect(kept[2]).toBe(fresh[2]);
    expect(kept[3]).toBe(old[2]);
  });

  it('only looks at loaded rows from the given index on', () => {
    const old = rows(9, 8, 7);
    const kept = keepUnchanged(old, 2, copies(rows(8, 7)));
    expect(kept[0]).not.toBe(old[1]);
    expect(kept[1]).toBe(old[2]);
  });
});

describe('mergeTop', () => {
  it('puts a new request on top and keeps every other row object, so none of them re-renders', () => {
    const old = rows(5, 4, 3, 2, 1);
    const merged = mergeTop(old, [summary(6), ...copies(rows(5, 4))], false);
    expect(merged.map((r) => r.id)).toEqual([6, 5, 4, 3, 2, 1]);
    for (let i = 1; i < merged.length; i++) expect(merged[i]).toBe(old[i - 1]);
  });

  it('drops loaded rows a complete answer no longer holds', () => {
    const old = rows(5, 4, 3);
    const merged = mergeTop(old, copies(rows(5, 3)), true);
    expect(merged.map((r) => r.id)).toEqual([5, 3]);
    expect(merged[1]).toBe(old[2]);
  });
});

describe('mergeWindow', () => {
  it('replaces the window from its index and keeps the rows before and after it', () => {
    const old = rows(9, 8, 7, 6, 5, 4);
    const win = copies(rows(7, 6));
    win[1] = summary(6, { local_state: 'SENDING' });
    const merged = mergeWindow(old, 2, win, false);
    expect(merged.map((r) => r.id)).toEqual([9, 8, 7, 6, 5, 4]);
    expect(merged[0]).toBe(old[0]);
    expect(merged[2]).toBe(old[2]);
    expect(merged[3]).toBe(win[1]);
    expect(merged[4]).toBe(old[4]);
  });
});

describe('sameRows', () => {
  it('is true only for the very same objects in the same order', () => {
    const old = rows(3, 2, 1);
    expect(sameRows(old, [...old])).toBe(true);
    expect(sameRows(old, copies(old))).toBe(false);
    expect(sameRows(old, old.slice(1))).toBe(false);
    expect(sameRows(mergeTop(old, copies(old), true), old)).toBe(true);
  });
});

describe('keepUnchangedById (a list sorted by a column)', () => {
  it('keeps loaded objects of unchanged rows in any order, takes fresh ones of changed or new rows', () => {
    const old = [summary(4, { type: 'A' }), summary(9, { type: 'B' }), summary(2, { type: 'C' })];
    const fresh = [{ ...old[2]! }, summary(7, { type: 'C' }), { ...old[0]!, local_state: 'SENDING' as const }, { ...old[1]! }];
    const merged = keepUnchangedById(old, fresh);
    expect(merged.map((r) => r.id)).toEqual([2, 7, 4, 9]);
    expect(merged[0]).toBe(old[2]);
    expect(merged[1]).toBe(fresh[1]);
    expect(merged[2]).toBe(fresh[2]);
    expect(merged[3]).toBe(old[1]);
  });
});
