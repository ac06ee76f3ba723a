import type { BulkSummary } from '../../../shared/bulk/bulk-tally';
import type { BulkQueueRow } from '../../../shared/ipc/app-schemas';

// The messages between the Bulk screen and its worker (bulk-import.worker.ts).
// The worker reads the file twice, each time as a stream: once to check it
// (the dry run) and, once the operator says so, again to hand the valid rows
// to the page in batches; the page queues a batch over IPC and asks for the
// next one. Nothing of the file is kept between the two readings.

/** A kind the active connection cannot send, and why (connections.sendable). */
export interface Unsendable {
  provider: string;
  method: string;
  reason: string;
}

export type ToWorker =
  | { type: 'check'; file: Blob; unsendable: Unsendable[] }
  | { type: 'queue'; file: Blob; unsendable: Unsendable[]; batchRows: number }
  /** The page queued the last batch: send the next. */
  | { type: 'next' };

export type FromWorker =
  | { type: 'progress'; bytes: number; totalBytes: number; rows: number }
  | { type: 'checked'; summary: BulkSummary }
  | { type: 'batch'; rows: BulkQueueRow[] }
  /** Every valid row has been handed out: `rows` of them. */
  | { type: 'read'; rows: number; fileErrors: string[] }
  | { type: 'failed'; message: string };
