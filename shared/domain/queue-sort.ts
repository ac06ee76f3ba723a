import { z } from 'zod';

// The columns the queue can be sorted by, one per column of the
// queue table. The store maps each to the SQL it orders by and the index that
// walks it (electron/store/queue-sort-sql.ts); the renderer labels them.

export const QUEUE_SORT_COLUMNS = ['id', 'created', 'provider', 'type', 'card', 'state', 'number', 'detail'] as const;
export type QueueSortColumn = (typeof QUEUE_SORT_COLUMNS)[number];

export const queueSortSchema = z.strictObject({
  column: z.enum(QUEUE_SORT_COLUMNS),
  direction: z.enum(['asc', 'desc']),
});
export type QueueSort = z.infer<typeof queueSortSchema>;

/** Newest first: the queue's order when no column is chosen. */
export const DEFAULT_QUEUE_SORT: QueueSort = { column: 'id', direction: 'desc' };

export const QUEUE_COLUMN_LABELS = {
  id: '#',
  created: 'Created',
  provider: 'Provider',
  type: 'Request',
  card: 'Card',
  state: 'State',
  number: 'Head-end no.',
  detail: 'Detail',
} as const satisfies Record<QueueSortColumn, string>;
