import { describe, expect, it } from 'vitest';
import { parseSavedFilters, SAVED_FILTERS_MAX, withSaved, type SavedFilter } from './saved-filters';

describe('saved queue filters', () => {
  it('saves under a trimmed name, replaces one of the same name, keeps them by name, and reads them back', () => {
    let list = withSaved([], ' Rejected today ', { states: ['REJECTED'], from: 1000 }, { column: 'type', direction: 'asc' });
    list = withSaved(list, 'Attention', { states: ['NEEDS_ATTENTION'] }, { column: 'id', direction: 'desc' });
    list = withSaved(list, 'Rejected today', { states: ['REJECTED'], from: 2000 }, { column: 'card', direction: 'desc' });
    expect(list.map((f) => f.name)).toEqual(['Attention', 'Rejected today']);
    expect(list[1]).toEqual({ name: 'Rejected today', filter: { states: ['REJECTED'], from: 2000 }, sort: { column: 'card', direction: 'desc' } });
    expect(parseSavedFilters(JSON.stringify(list))).toEqual(list);
  });

  it('refuses an empty name or a filter the queue would refuse', () => {
    expect(() => withSaved([], '   ', {}, { column: 'id', direction: 'desc' })).toThrow();
    expect(() => withSaved([], 'x', { states: ['LOST' as never] }, { column: 'id', direction: 'desc' })).toThrow();
  });

  it('reads damaged storage as nothing, and drops only the entries that do not parse', () => {
    expect(parseSavedFilters(null)).toEqual([]);
    expect(parseSavedFilters('{not json')).toEqual([]);
    expect(parseSavedFilters('{"name":"x"}')).toEqual([]);
    const good = { name: 'ok', filter: {}, sort: { column: 'state', direction: 'asc' } };
    expect(parseSavedFilters(JSON.stringify([good, { name: 'bad', filter: { sneaky: 1 }, sort: good.sort }, 42]))).toEqual([good]);
  });

  it('keeps at most the limit', () => {
    let list: SavedFilter[] = Array.from({ length: SAVED_FILTERS_MAX }, (_, i) => ({ name: `f${i}`, filter: {}, sort: { column: 'id', direction: 'desc' } }));
    expect(() => withSaved(list, 'one more', {}, { column: 'id', direction: 'desc' })).toThrow(/at most/);
    list = withSaved(list, 'f3', { search: 'smrt1' }, { column: 'id', direction: 'desc' });
    expect(list).toHaveLength(SAVED_FILTERS_MAX);
  });
});
