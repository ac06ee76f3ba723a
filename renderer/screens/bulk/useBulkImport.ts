import { useCallback, useEffect, useRef, useState } from 'react';
import type { BulkSummary } from '../../../shared/bulk/bulk-tally';
import { BULK_BATCH_ROWS } from '../../../shared/ipc/app-schemas';
import type { CaDeskApi } from '../../../shared/ipc/contract';
import { plural } from '../../app/format';
import type { FromWorker, ToWorker, Unsendable } from './bulk-import-protocol';

// The Bulk screen's import, driven from the page: the worker reads and checks
// the file (bulk-import.worker.ts); the page only shows progress and queues
// the batches the worker hands it, one bulk.queueBatch call (one store
// transaction) at a time. Cancel ends the worker at once; a batch already
// sent is answered first, so the count queued is always known.

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
    const batchId = `bulk-${crypto.randomUUID()}`;
    let queued = 0;
    let lastLine = 0;
    let cancelled = false;
    let inFlight = false;
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
    const soFar = () => (queued === 0 ? 'nothing was queued' : `${plural(queued, 'request')} ${queued === 1 ? 'was' : 'were'} queued (up to line ${lastLine})`);
    let unsendable: Unsendable[];
    try {
      unsendable = await unsendableKinds(api);
    } catch (error) {
      finish(`Nothing was queued: ${(error as Error).message}`);
      return;
    }
    run({ type: 'queue', file, unsendable, batchRows: BULK_BATCH_ROWS }, (m, w) => {
      if (m.type === 'batch') {
        const lines = `${m.rows[0]!.line}–${m.rows.at(-1)!.line}`;
        inFlight = true;
        void api.invoke('bulk.queueBatch', { batchId, rows: m.rows }).then((result) => {
          inFlight = false;
          if (!result.ok) {
            const lost = result.error.code === 'UNAVAILABLE';
            finish(
              lost
                ? `Stopped: ${soFar()}. The answer for lines ${lines} was lost (${result.error.message}): they may or may not be queued; look in the queue before importing them again.`
                : `Stopped: ${soFar()}. The batch of lines ${lines} was refused whole and nothing after it was queued: ${result.error.message}`,
            );
            return;
          }
          queued += result.value.queued;
          lastLine = m.rows.at(-1)!.line;
          setProgress({ fraction: valid > 0 ? queued / valid : 1, rows: queued });
          if (cancelled) finish(`Cancelled: ${soFar()}; the rest of the file was not.`);
          else w.postMessage({ type: 'next' } satisfies ToWorker);
        });
      } else if (m.type === 'read') {
        if (m.fileErrors.length > 0 || m.rows !== valid) {
          finish(`Stopped: ${soFar()}. The file changed since it was checked${m.fileErrors.length > 0 ? `: ${m.fileErrors.join('; ')}` : ''}; check it again.`);
        } else finish(`Queued ${plural(queued, 'request')}; ${plural(summary.invalid, 'invalid row')} ${summary.invalid === 1 ? 'was' : 'were'} left out.`, true);
      } else if (m.type === 'failed') finish(`Stopped: ${soFar()}. The file could not be read: ${m.message}`);
    });
    cancelRef.current = () => {
      cancelled = true;
      // Between batches nothing is on its way: stop now. Otherwise the answer of the batch in flight says how many were queued.
      if (!inFlight) finish(`Cancelled: ${soFar()}; the rest of the file was not.`);
      else worker.current?.terminate();
    };
  };

  const cancel = () => cancelRef.current?.();
  const forget = () => {
    stopWorker();
    setSummary(null);
    setStage('idle');
  };

  return { stage, summary, progress, message, setMessage, check, queue, cancel, forget };
}
