import { BULK_REFUSED_BEFORE_WRITING } from '../../../shared/ipc/app-schemas';
import { plural } from '../../app/format';
import type { FromWorker } from './bulk-import-protocol';

// What the Bulk screen says when queueing ends. A batch is "refused whole"
// only on a failure the service gives before writing anything; on any other
// one (INTERNAL, INVALID_OUTPUT, a lost answer) the store may have committed
// it, so the operator is sent to look for the import's batch id in the Queue
// (its search matches batch_id) before importing again.

function soFar(queued: number, lastLine: number): string {
  return queued === 0 ? 'nothing was queued' : `${plural(queued, 'request')} ${queued === 1 ? 'was' : 'were'} queued (up to line ${lastLine})`;
}

/** The message, and whether queueing ended with every valid row queued. */
export function bulkEndMessage(m: Extract<FromWorker, { type: 'finished' }>, invalid: number, batchId: string): [string, boolean] {
  const queued = soFar(m.queued, m.lastLine);
  switch (m.outcome) {
    case 'done':
      return [`Queued ${plural(m.queued, 'request')}; ${plural(invalid, 'invalid row')} ${invalid === 1 ? 'was' : 'were'} left out.`, true];
    case 'stopped':
      return [`Cancelled: ${queued}; the rest of the file was not.`, false];
    case 'refused': {
      const lines = `lines ${m.batchFirstLine}–${m.batchLastLine}`;
      if (BULK_REFUSED_BEFORE_WRITING.includes(m.error.code)) return [`Stopped: ${queued}. The batch of ${lines} was refused whole, nothing of it queued, and nothing after it: ${m.error.message}`, false];
      return [
        `Stopped: ${queued} before it. The batch of ${lines} may or may not have been queued (${m.error.code}: ${m.error.message}): search the Queue for this batch, ${batchId}, before importing those lines again. Nothing after them was queued.`,
        false,
      ];
    }
    case 'changed':
      return [`Stopped: ${queued}. The file changed since it was checked${m.fileErrors.length > 0 ? `: ${m.fileErrors.join('; ')}` : ''}; check it again.`, false];
  }
}
