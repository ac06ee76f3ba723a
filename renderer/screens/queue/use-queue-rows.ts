import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { RequestFilter, RequestSummary } from '../../../shared/ipc/request-schemas';
import { useApi, useEvent } from '../../app/api-context';
import { keepUnchangedById, mergeTop, mergeWindow, sameRows } from './merge-rows';
import { DEFAULT_QUEUE_SORT, type QueueSort } from '../../../shared/domain/queue-sort';

// Rows of the queue for a filter, loaded page by page (keyset, newest first or
// by the sorted column) as the virtual list asks for them, and refreshed in
// place on change events: newest first, the top of the list (new requests
// arrive there) and the window on screen; sorted by a column, the loaded rows
// (a change may move a row anywhere in that order).

export const PAGE_SIZE = 500;
/** The first page only has to fill the screen: small, so the list shows at once. */
export const FIRST_PAGE_SIZE = 100;
/**
 * Rows loaded beyond the last one rendered: a few screens of headroom while
 * scrolling, yet fewer than the first page holds past the first screen, so
 * opening the queue makes one call, not two.
 */
export const PREFETCH_ROWS = 60;

export interface QueueRows {
  rows: RequestSummary[];
  /** Known total for the filter, or null (then the list grows as it loads). */
  total: number | null;
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  /** Make sure rows up to `index` are loaded. */
  ensureLoaded(index: number): void;
  /** Tell the loader which rows are on screen, for refreshes. */
  setVisible(start: number, end: number): void;
  /** Time from filter change to first rows, for the benchmark. */
  lastFirstPageMs: number | null;
}

export function useQueueRows(filter: RequestFilter, sort: QueueSort = DEFAULT_QUEUE_SORT): QueueRows {
  const api = useApi();
  const filterKey = JSON.stringify(filter);
  // Newest first is the list without a sort (the contract's default order).
  const sortKey = sort.column === DEFAULT_QUEUE_SORT.column && sort.direction === DEFAULT_QUEUE_SORT.direction ? '' : JSON.stringify(sort);
  const [state, setState] = useState({
    rows: [] as RequestSummary[],
    total: null as number | null,
    hasMore: true,
    loading: true,
    error: null as string | null,
    lastFirstPageMs: null as number | null,
  });
  const live = useRef({ rows: state.rows, total: null as number | null, hasMore: true, busy: false, wanted: 0, generation: 0, visible: [0, 50] as [number, number] });

  const commit = useCallback((patch: Partial<typeof state>) => {
    if (patch.rows) live.current.rows = patch.rows;
    if (patch.hasMore !== undefined) live.current.hasMore = patch.hasMore;
    if (patch.total !== undefined) live.current.total = patch.total;
    setState((s) => ({ ...s, ...patch }));
  }, []);

  const pump = useCallback(async () => {
    const l = live.current;
    if (l.busy) return;
    l.busy = true;
    const generation = l.generation;
    try {
      while (generation === l.generation && l.hasMore && l.rows.length <= l.wanted) {
        const last = l.rows[l.rows.length - 1];
        const started = performance.now();
        const result = await api.invoke('requests.list', {
          filter: JSON.parse(filterKey) as RequestFilter,
          ...sortOf(sortKey),
          afterId: last?.id,
          // A jump far down (End, dragging the scrollbar) loads in big pages.
          limit: last === undefined ? FIRST_PAGE_SIZE : Math.min(5000, Math.max(PAGE_SIZE, l.wanted - l.rows.length + 100)),
        });
        if (generation !== l.generation) return;
        if (!result.ok) {
          commit({ loading: false, error: result.error.message, hasMore: false });
          return;
        }
        const first = last === undefined;
        commit({
          rows: [...l.rows, ...result.value.rows],
          hasMore: result.value.nextAfterId !== null,
          loading: false,
          error: null,
          ...(first ? { total: result.value.total, lastFirstPageMs: performance.now() - started } : {}),
        });
      }
    } finally {
      if (generation === l.generation) l.busy = false;
    }
  }, [api, filterKey, sortKey, commit]);

  // A layout effect: it runs right after the commit, before the table's own
  // (passive) effect asks for rows, so a filter change makes exactly one
  // first-page call, and that call leaves before the browser lays out and
  // paints the new screen.
  useLayoutEffect(() => {
    const l = live.current;
    l.generation += 1;
    l.busy = false;
    l.rows = [];
    l.total = null;
    l.hasMore = true;
    l.wanted = Math.max(l.wanted, 0);
    setState((s) =>
      s.rows.length === 0 && s.total === null && s.hasMore && s.loading && s.error === null
        ? s
        : { ...s, rows: [], total: null, hasMore: true, loading: true, error: null },
    );
    void pump();
  }, [filterKey, sortKey, pump]);

  const refresh = useCallback(async () => {
    const l = live.current;
    const generation = l.generation;
    const filterValue = JSON.parse(filterKey) as RequestFilter;
    const [start, end] = l.visible;
    if (sortKey !== '') {
      // Sorted by a column: reload what is loaded (up to a big page), keep
      // the objects of unchanged rows; what lies beyond loads again on scroll.
      const loaded = Math.min(5000, Math.max(FIRST_PAGE_SIZE, l.rows.length, end + 50));
      const fresh = await api.invoke('requests.list', { filter: filterValue, ...sortOf(sortKey), limit: loaded });
      if (!fresh.ok || generation !== l.generation) return;
      const rows = keepUnchangedById(l.rows, fresh.value.rows);
      const hasMore = fresh.value.nextAfterId !== null;
      if (sameRows(rows, l.rows) && hasMore === l.hasMore && fresh.value.total === l.total) return;
      commit({ rows: sameRows(rows, l.rows) ? l.rows : rows, total: fresh.value.total, hasMore });
      return;
    }
    const topLimit = Math.min(5000, Math.max(100, start < 200 ? end + 50 : 100));
    const top = await api.invoke('requests.list', { filter: filterValue, limit: topLimit });
    if (!top.ok || generation !== l.generation) return;
    let rows = mergeTop(l.rows, top.value.rows, top.value.nextAfterId === null);
    if (start >= 200 && start < rows.length) {
      const anchor = rows[start - 1];
      const limit = Math.min(5000, end - start + 50);
      const win = anchor ? await api.invoke('requests.list', { filter: filterValue, afterId: anchor.id, limit }) : null;
      if (generation !== l.generation) return;
      if (win?.ok) rows = mergeWindow(rows, start, win.value.rows, win.value.nextAfterId === null);
    }
    const hasMore = rows.length === 0 ? false : l.hasMore || top.value.nextAfterId !== null;
    // Nothing changed on screen (the usual case for a far-away change): no render at all.
    if (sameRows(rows, l.rows) && hasMore === l.hasMore && top.value.total === l.total) return;
    commit({ rows: sameRows(rows, l.rows) ? l.rows : rows, total: top.value.total, hasMore });
  }, [api, filterKey, sortKey, commit]);

  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The timer calls the refresh of the filter and sort current when it fires,
  // not of those when the event came: the operator may have changed them
  // meanwhile, and a refresh in the old order would mix into the new rows.
  const latestRefresh = useRef(refresh);
  latestRefresh.current = refresh;
  useEvent('requests.changed', () => {
    if (timer.current !== null) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void latestRefresh.current();
    }, 300);
  });
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  const ensureLoaded = useCallback(
    (index: number) => {
      const l = live.current;
      // Ask a little ahead, so a steady scroll meets loaded rows, not "Loading…".
      l.wanted = Math.max(index, 0) + PREFETCH_ROWS;
      if (l.hasMore && l.rows.length <= l.wanted) void pump();
    },
    [pump],
  );
  const setVisible = useCallback((start: number, end: number) => {
    live.current.visible = [start, end];
  }, []);

  return { ...state, ensureLoaded, setVisible };
}

function sortOf(sortKey: string): { sort?: QueueSort } {
  return sortKey === '' ? {} : { sort: JSON.parse(sortKey) as QueueSort };
}
