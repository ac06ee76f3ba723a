import type { RequestSummary } from '../../../shared/ipc/request-schemas';

// The queue's multi-select: a set of request ids (rows keep their id when a
// refresh moves them), changed by mouse and keyboard as in a spreadsheet.

export type Selection = ReadonlySet<number>;

export const NOTHING_SELECTED: Selection = new Set();

/** The selection with `id` added, or removed if it was in. */
export function toggled(selection: Selection, id: number): Selection {
  const next = new Set(selection);
  if (!next.delete(id)) next.add(id);
  return next;
}

/** The selection plus every loaded row from index `a` to `b` (either order, both included). */
export function withRange(selection: Selection, rows: readonly (RequestSummary | undefined)[], a: number, b: number): Selection {
  const next = new Set(selection);
  for (let i = Math.max(0, Math.min(a, b)); i <= Math.min(rows.length - 1, Math.max(a, b)); i++) {
    const row = rows[i];
    if (row) next.add(row.id);
  }
  return next;
}

/** Every loaded row, or nothing when every loaded row is selected already. */
export function allOrNone(selection: Selection, rows: readonly RequestSummary[]): Selection {
  const all = rows.length > 0 && rows.every((r) => selection.has(r.id));
  return all ? NOTHING_SELECTED : new Set(rows.map((r) => r.id));
}
