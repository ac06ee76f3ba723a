import { describe, expect, it } from 'vitest';
import type { RequestSummary } from '../../../shared/ipc/request-schemas';
import { allOrNone, NOTHING_SELECTED, toggled, withRange } from './selection';

const rows = [7, 5, 4, 2].map((id) => ({ id }) as RequestSummary);

describe('queue selection', () => {
  it('toggles one id in and out without changing the set it came from', () => {
    const one = toggled(NOTHING_SELECTED, 5);
    expect([...one]).toEqual([5]);
    expect([...toggled(one, 5)]).toEqual([]);
    expect(NOTHING_SELECTED.size).toBe(0);
  });

  it('adds a range of loaded rows in either direction, skipping rows not loaded and clamping at the ends', () => {
    expect([...withRange(new Set([9]), rows, 3, 1)].sort()).toEqual([2, 4, 5, 9]);
    expect([...withRange(NOTHING_SELECTED, [rows[0], undefined, rows[2]], 0, 10)]).toEqual([7, 4]);
  });

  it('selects every loaded row, or clears when all are selected', () => {
    expect([...allOrNone(new Set([7]), rows)]).toEqual([7, 5, 4, 2]);
    expect(allOrNone(new Set([7, 5, 4, 2]), rows).size).toBe(0);
  });
});
