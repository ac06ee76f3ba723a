import { z } from 'zod';
import { queueSortSchema, type QueueSort } from '../../../shared/domain/queue-sort';
import { requestFilterSchema, type RequestFilter } from '../../../shared/ipc/request-schemas';

// Saved queue filters: named, kept on this computer (localStorage), applied
// again with their sort. What is read back is checked like IPC input: a
// damaged or older entry is dropped, never applied half.

const STORAGE_KEY = 'cadesk.queue.savedFilters.v1';
export const SAVED_FILTERS_MAX = 50;

const savedFilterSchema = z.object({
  name: z.string().trim().min(1).max(60),
  filter: requestFilterSchema,
  sort: queueSortSchema,
});
export type SavedFilter = z.infer<typeof savedFilterSchema>;

/** The saved filters in `stored` (the storage's text); entries that do not parse are left out. */
export function parseSavedFilters(stored: string | null): SavedFilter[] {
  if (!stored) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(stored);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => {
    const parsed = savedFilterSchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}

/** The list with `entry` saved under its (trimmed) name, replacing one of the same name; sorted by name. */
export function withSaved(list: readonly SavedFilter[], name: string, filter: RequestFilter, sort: QueueSort): SavedFilter[] {
  const entry = savedFilterSchema.parse({ name, filter, sort });
  const others = list.filter((f) => f.name !== entry.name);
  if (others.length >= SAVED_FILTERS_MAX) throw new Error(`at most ${SAVED_FILTERS_MAX} saved filters: delete one first`);
  return [...others, entry].sort((a, b) => a.name.localeCompare(b.name));
}

export function loadSavedFilters(): SavedFilter[] {
  try {
    return parseSavedFilters(window.localStorage.getItem(STORAGE_KEY));
  } catch {
    return []; // storage unavailable: nothing saved, the queue still works
  }
}

export function storeSavedFilters(list: readonly SavedFilter[]): void {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(list));
}
