import { BulkCsvReader } from '../../../shared/bulk/bulk-csv-reader';
import { BulkTally } from '../../../shared/bulk/bulk-tally';
import type { BulkQueueRow } from '../../../shared/ipc/app-schemas';
import type { FromWorker, ToWorker, Unsendable } from './bulk-import-protocol';

// The Bulk screen's file reader, off the page's thread so a file of a million
// rows never blocks it: the file is read as a stream (Blob.stream, 64 KiB at a
// time), checked row by row (shared/bulk), and only counts, the rows shown and
// one batch at a time ever leave it. Protocol: bulk-import-protocol.ts.

const PROGRESS_EVERY_MS = 100;

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker) => scope.postMessage(message);

/** Resolves when the page has queued the batch last handed out. */
let batchQueued: (() => void) | null = null;

function notSendableOf(unsendable: readonly Unsendable[]): (provider: string, method: string) => string | null {
  const reasons = new Map(unsendable.map((k) => [`${k.provider}/${k.method}`, k.reason]));
  return (provider, method) => reasons.get(`${provider}/${method}`) ?? null;
}

/** Streams the file through the reader; `afterChunk` runs after each chunk (the queue pass waits there). */
async function readThrough(file: Blob, reader: BulkCsvReader, rows: () => number, afterChunk?: () => Promise<void>): Promise<void> {
  const stream = file.stream().getReader();
  let bytes = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await stream.read();
    if (done) {
      reader.end();
      break;
    }
    bytes += value.byteLength;
    if (!reader.push(value)) {
      await stream.cancel();
      break;
    }
    await afterChunk?.();
    if (performance.now() - reported >= PROGRESS_EVERY_MS) {
      reported = performance.now();
      post({ type: 'progress', bytes, totalBytes: file.size, rows: rows() });
    }
  }
  if (!reader.refused) await afterChunk?.();
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

async function queue(file: Blob, unsendable: Unsendable[], batchRows: number): Promise<void> {
  let rows = 0;
  let handedOut = 0;
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
  }, { notSendable: notSendableOf(unsendable) });
  const handOut = async (rowsOfBatch: BulkQueueRow[]) => {
    const queued = new Promise<void>((resolve) => (batchQueued = resolve));
    post({ type: 'batch', rows: rowsOfBatch });
    handedOut += rowsOfBatch.length;
    await queued;
  };
  await readThrough(file, reader, () => rows, async () => {
    while (full.length > 0) await handOut(full.shift()!);
  });
  if (batch.length > 0 && !reader.refused) await handOut(batch);
  post({ type: 'read', rows: handedOut, fileErrors: reader.fileErrors });
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'next') {
    batchQueued?.();
    batchQueued = null;
    return;
  }
  const work = message.type === 'check' ? check(message.file, message.unsendable) : queue(message.file, message.unsendable, message.batchRows);
  work.catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
};
