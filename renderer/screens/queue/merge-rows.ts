import type { RequestSummary } from '../../../shared/ipc/request-schemas';

// Merging a refreshed page into the loaded rows. Rows are newest first (ids
// descending). A refresh answers fresh objects for every row, changed or not;
// keeping the old object where nothing changed lets the memoised table rows
// skip rendering, so a live update re-renders only the rows that changed.

function sameSummary(a: RequestSummary, b: RequestSummary): boolean {
  if (a === b) return true;
  for (const key in a) {
    if (a[key as keyof RequestSummary] !== b[key as keyof RequestSummary]) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}

/**
 * `fresh` with each row that equals the loaded row of the same id, at or after
 * index `from` of `old`, replaced by that loaded row. Both lists are sorted by
 * id descending, so one walk over each suffices.
 */
export function keepUnchanged(old: readonly RequestSummary[], from: number, fresh: readonly RequestSummary[]): RequestSummary[] {
  const out = fresh.slice();
  let j = from;
  for (let i = 0; i < out.length; i++) {
    const row = out[i]!;
    while (j < old.length && old[j]!.id > row.id) j++;
    const loaded = old[j];
    if (loaded && loaded.id === row.id && sameSummary(loaded, row)) out[i] = loaded;
  }
  return out;
}

/**
 * `fresh` with each row that equals a loaded row of the same id replaced by
 * that loaded row, whatever the order (a list sorted by a column).
 */
export function keepUnchangedById(old: readonly RequestSummary[], fresh: readonly RequestSummary[]): RequestSummary[] {
  const loaded = new Map(old.map((r) => [r.id, r]));
  return fresh.map((row) => {
    const before = loaded.get(row.id);
    return before && sameSummary(before, row) ? before : row;
  });
}

/** The loaded rows with the first page replaced by a refreshed one (`complete`: it holds every matching row). */
export function mergeTop(old: RequestSummary[], top: RequestSummary[], complete: boolean): RequestSummary[] {
  const kept = keepUnchanged(old, 0, top);
  if (complete) return kept;
  const last = kept[kept.length - 1];
  if (!last) return old;
  const rest = old.findIndex((r) => r.id < last.id);
  return rest < 0 ? kept : [...kept, ...old.slice(rest)];
}

/** The loaded rows with those from index `at` on replaced by a refreshed window. */
export function mergeWindow(old: RequestSummary[], at: number, win: RequestSummary[], complete: boolean): RequestSummary[] {
  const head = old.slice(0, at);
  const kept = keepUnchanged(old, at, win);
  if (complete) return [...head, ...kept];
  const last = kept[kept.length - 1];
  if (!last) return head;
  const rest = old.findIndex((r, i) => i >= at && r.id < last.id);
  return rest < 0 ? [...head, ...kept] : [...head, ...kept, ...old.slice(rest)];
}

/** True when both lists hold the very same row objects (nothing to re-render). */
export function sameRows(a: readonly RequestSummary[], b: readonly RequestSummary[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
