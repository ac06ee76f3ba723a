import { BulkCsvReader } from '../../../shared/bulk/bulk-csv-reader';
import { BulkTally } from '../../../shared/bulk/bulk-tally';
import type { BulkQueueRow } from '../../../shared/ipc/app-schemas';
import type { IpcResult } from '../../../shared/ipc/result';
import { createValidatedApi } from '../../../shared/ipc/validated-client';
import { createHttpTransport } from '../../ipc/http-transport';
import type { FromWorker, QueueEnd, ToWorker, Unsendable } from './bulk-import-protocol';

// The Bulk screen's file reader, off the page's thread so a file of a million
// rows never blocks it: the file is read as a stream (Blob.stream, 64 KiB at a
// time), checked row by row (shared/bulk), and only counts, the rows shown and
// one batch at a time are ever held. Protocol: bulk-import-protocol.ts.

const PROGRESS_EVERY_MS = 100;

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker) => scope.postMessage(message);

/** The page's answer to the batch handed to it (Electron), when one is awaited. */
let pageAnswer: ((result: IpcResult<{ queued: number }>) => void) | null = null;
let stopRequested = false;

function notSendableOf(unsendable: readonly Unsendable[]): (provider: string, method: string) => string | null {
  const reasons = new Map(unsendable.map((k) => [`${k.provider}/${k.method}`, k.reason]));
  return (provider, method) => reasons.get(`${provider}/${method}`) ?? null;
}

/** Streams the file through the reader; `afterChunk` runs after each chunk and returns false to stop reading. */
async function readThrough(file: Blob, reader: BulkCsvReader, rows: () => number, afterChunk?: () => Promise<boolean>): Promise<void> {
  const stream = file.stream().getReader();
  let bytes = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await stream.read();
    if (done) {
      reader.end();
      if (!reader.refused) await afterChunk?.();
      break;
    }
    bytes += value.byteLength;
    if (!reader.push(value) || (afterChunk && !(await afterChunk()))) {
      await stream.cancel();
      break;
    }
    if (performance.now() - reported >= PROGRESS_EVERY_MS) {
      reported = performance.now();
      post({ type: 'progress', bytes, totalBytes: file.size, rows: rows() });
    }
  }
  post({ type: 'progress', bytes, totalBytes: file.size, rows: rows() });
}

async function check(file: Blob, unsendable: Unsendable[]): Promise<void> {
  const tally = new BulkTally();
  let rows = 0;
  const reader = new BulkCsvReader((row) => {
    rows += 1;
    tally.add(row);
  }, { notSendable: notSendableOf(unsendable) });
  await readThrough(file, reader, () => rows);
  post({ type: 'checked', summary: tally.summary(reader.fileErrors, reader.notCsv) });
}

async function queue(message: Extract<ToWorker, { type: 'queue' }>): Promise<void> {
  const { file, batchId, batchRows } = message;
  // Browser mode: call the bridge from here. Electron: hand the batch to the page, the only holder of the preload bridge.
  const http = message.viaHttp ? createValidatedApi(createHttpTransport({ eventSourceFactory: null })) : null;
  const send = (rows: BulkQueueRow[]): Promise<IpcResult<{ queued: number }>> => {
    if (http) return http.invoke('bulk.queueBatch', { batchId, rows });
    const answered = new Promise<IpcResult<{ queued: number }>>((resolve) => (pageAnswer = resolve));
    post({ type: 'batch', rows });
    return answered;
  };
  let rows = 0;
  let handedOut = 0;
  let queued = 0;
  let lastLine = 0;
  let end = null as QueueEnd | null;
  let batch: BulkQueueRow[] = [];
  const full: BulkQueueRow[][] = [];
  const reader = new BulkCsvReader((row) => {
    rows += 1;
    if (row.errors.length > 0) return;
    batch.push({ line: row.line, provider: row.provider, method: row.method, params: row.params });
    if (batch.length === batchRows) {
      full.push(batch);
      batch = [];
    }
  }, { notSendable: notSendableOf(message.unsendable) });
  const queueBatch = async (rowsOfBatch: BulkQueueRow[]): Promise<boolean> => {
    if (stopRequested) {
      end = { outcome: 'stopped' };
      return false;
    }
    handedOut += rowsOfBatch.length;
    const result = await send(rowsOfBatch);
    if (!result.ok) {
      end = { outcome: 'refused', batchFirstLine: rowsOfBatch[0]!.line, batchLastLine: rowsOfBatch.at(-1)!.line, error: result.error };
      return false;
    }
    queued += result.value.queued;
    lastLine = rowsOfBatch.at(-1)!.line;
    post({ type: 'queued', queued, lastLine });
    return true;
  };
  await readThrough(file, reader, () => rows, async () => {
    while (full.length > 0) if (!(await queueBatch(full.shift()!))) return false;
    return true;
  });
  if (end === null && !reader.refused && batch.length > 0) await queueBatch(batch);
  if (end === null && (reader.refused || handedOut !== message.expectedRows)) end = { outcome: 'changed', fileErrors: reader.fileErrors };
  post({ type: 'finished', queued, lastLine, ...(end ?? { outcome: 'done' }) });
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'batchResult') {
    pageAnswer?.(message.result);
    pageAnswer = null;
    return;
  }
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  const work = message.type === 'check' ? check(message.file, message.unsendable) : queue(message);
  work.catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
};
