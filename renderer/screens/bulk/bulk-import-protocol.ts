import type { BulkSummary } from '../../../shared/bulk/bulk-tally';
import type { BulkQueueRow } from '../../../shared/ipc/app-schemas';
import type { IpcError, IpcResult } from '../../../shared/ipc/result';

// The messages between the Bulk screen and its worker (bulk-import.worker.ts).
// The worker reads the file twice, each time as a stream: once to check it
// (the dry run) and, once the operator says so, again to queue its valid rows
// in batches, one bulk.queueBatch call (one store transaction) at a time.
// Over the HTTP bridge (browser mode) the worker makes those calls itself, so
// the page never encodes a batch; under Electron only the page holds the
// preload bridge, so the worker hands each batch to the page to send.
// Nothing of the file is kept between the two readings.

/** A kind the active connection cannot send, and why (connections.sendable). */
export interface Unsendable {
  provider: string;
  method: string;
  reason: string;
}

export type ToWorker =
  | { type: 'check'; file: Blob; unsendable: Unsendable[] }
  | { type: 'queue'; file: Blob; unsendable: Unsendable[]; batchId: string; batchRows: number; viaHttp: boolean; /** Valid rows the check counted. */ expectedRows: number }
  /** The page's answer to a 'batch' it sent for the worker. */
  | { type: 'batchResult'; result: IpcResult<{ queued: number }> }
  /** Stop queueing after the batch on its way. */
  | { type: 'stop' };

/** How a queueing ended. */
export type QueueEnd =
  | { outcome: 'done' }
  | { outcome: 'stopped' }
  /** A batch failed: refused before writing (nothing of it queued), or otherwise (it may or may not be queued: bulk-end-message.ts). */
  | { outcome: 'refused'; batchFirstLine: number; batchLastLine: number; error: IpcError }
  /** The second reading differs from the check: the file changed. */
  | { outcome: 'changed'; fileErrors: string[] };

export type FromWorker =
  | { type: 'progress'; bytes: number; totalBytes: number; rows: number }
  | { type: 'checked'; summary: BulkSummary }
  /** Send this batch and answer with 'batchResult' (Electron). */
  | { type: 'batch'; rows: BulkQueueRow[] }
  | { type: 'queued'; queued: number; lastLine: number }
  | ({ type: 'finished'; queued: number; lastLine: number } & QueueEnd)
  | { type: 'failed'; message: string };
