import { useCallback, useEffect, useRef, useState } from 'react';
import type { BulkSummary } from '../../../shared/bulk/bulk-tally';
import { BULK_BATCH_ROWS } from '../../../shared/ipc/app-schemas';
import type { CaDeskApi } from '../../../shared/ipc/contract';
import { usesHttpBridge } from '../../ipc/client';
import { bulkEndMessage } from './bulk-end-message';
import type { FromWorker, ToWorker, Unsendable } from './bulk-import-protocol';

// The Bulk screen's import, driven from the page: the worker reads and checks
// the file (bulk-import.worker.ts); the page only shows progress and queues
// the worker's count; the worker queues the batches (bulk-import-protocol.ts).
// Cancel ends a check at once; while queueing it stops after the batch on its
// way, whose answer is awaited, so the count queued is always known.

export type BulkStage = 'idle' | 'checking' | 'checked' | 'queueing';

export interface BulkProgress {
  /** Share of the file read (checking) or of the valid rows queued (queueing), 0..1. */
  fraction: number;
  rows: number;
}

function startWorker(): Worker {
  return new Worker(new URL('./bulk-import.worker.ts', import.meta.url), { type: 'module', name: 'bulk-import' });
}

async function unsendableKinds(api: CaDeskApi): Promise<Unsendable[]> {
  const sendable = await api.invoke('connections.sendable', {});
  if (!sendable.ok) throw new Error(sendable.error.message);
  return sendable.value.kinds.filter((k) => !k.sendable).map((k) => ({ provider: k.provider, method: k.method, reason: k.reason ?? 'this connection cannot send it' }));
}

export function useBulkImport(api: CaDeskApi) {
  const [stage, setStage] = useState<BulkStage>('idle');
  const [summary, setSummary] = useState<BulkSummary | null>(null);
  const [progress, setProgress] = useState<BulkProgress>({ fraction: 0, rows: 0 });
  const [message, setMessage] = useState('');
  const worker = useRef<Worker | null>(null);
  /** What Cancel must do now: end a check, or stop queueing after the batch in flight. */
  const cancelRef = useRef<(() => void) | null>(null);

  const stopWorker = useCallback(() => {
    worker.current?.terminate();
    worker.current = null;
    cancelRef.current = null;
  }, []);
  useEffect(() => stopWorker, [stopWorker]);

  const run = (first: ToWorker, onMessage: (message: FromWorker, w: Worker) => void) => {
    stopWorker();
    const w = startWorker();
    worker.current = w;
    w.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data, w);
    w.onerror = (event) => {
      stopWorker();
      setStage(summary ? 'checked' : 'idle');
      setMessage(`The file could not be read: ${event.message || 'the reader stopped'}`);
    };
    w.postMessage(first);
  };

  const check = async (file: Blob) => {
    setSummary(null);
    setMessage('');
    setProgress({ fraction: 0, rows: 0 });
    setStage('checking');
    let unsendable: Unsendable[];
    try {
      unsendable = await unsendableKinds(api);
    } catch (error) {
      setStage('idle');
      setMessage(`The file was not checked: ${(error as Error).message}`);
      return;
    }
    run({ type: 'check', file, unsendable }, (m) => {
      if (m.type === 'progress') setProgress({ fraction: m.totalBytes > 0 ? m.bytes / m.totalBytes : 1, rows: m.rows });
      else if (m.type === 'checked') {
        stopWorker();
        setSummary(m.summary);
        setStage('checked');
      } else if (m.type === 'failed') {
        stopWorker();
        setStage('idle');
        setMessage(`The file could not be read: ${m.message}`);
      }
    });
    cancelRef.current = () => {
      stopWorker();
      setStage('idle');
      setMessage('Check cancelled: nothing was queued.');
    };
  };

  /** Queues the valid rows of the file checked; `onQueued` runs when all of them are. */
  const queue = async (file: Blob, onQueued: () => void) => {
    if (!summary) return;
    const valid = summary.valid;
    const invalid = summary.invalid;
    setMessage('');
    setProgress({ fraction: 0, rows: 0 });
    setStage('queueing');
    const finish = (text: string, done = false) => {
      stopWorker();
      setMessage(text);
      setStage(done ? 'idle' : 'checked');
      if (done) {
        setSummary(null);
        onQueued();
      }
    };
    let unsendable: Unsendable[];
    try {
      unsendable = await unsendableKinds(api);
    } catch (error) {
      finish(`Nothing was queued: ${(error as Error).message}`);
      return;
    }
    const start: ToWorker = { type: 'queue', file, unsendable, batchId: `bulk-${crypto.randomUUID()}`, batchRows: BULK_BATCH_ROWS, viaHttp: usesHttpBridge(), expectedRows: valid };
    run(start, (m, w) => {
      if (m.type === 'progress') return;
      if (m.type === 'batch') {
        // Electron: the page holds the bridge; the worker waits for this answer before it goes on.
        void api.invoke('bulk.queueBatch', { batchId: start.batchId, rows: m.rows }).then((result) => w.postMessage({ type: 'batchResult', result } satisfies ToWorker));
      } else if (m.type === 'queued') setProgress({ fraction: valid > 0 ? m.queued / valid : 1, rows: m.queued });
      else if (m.type === 'finished') finish(...bulkEndMessage(m, invalid, start.batchId));
      else if (m.type === 'failed') finish(`Stopped: the file could not be read (${m.message}). Search the Queue for this batch, ${start.batchId}, for what was queued before importing again.`);
    });
    cancelRef.current = () => worker.current?.postMessage({ type: 'stop' } satisfies ToWorker);
  };

  const cancel = () => cancelRef.current?.();
  const forget = () => {
    stopWorker();
    setSummary(null);
    setStage('idle');
  };

  return { stage, summary, progress, message, setMessage, check, queue, cancel, forget };
}
