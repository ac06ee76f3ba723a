import { describe, expect, it } from 'vitest';
import { IPC_ERROR_CODES, type IpcErrorCode } from '../../../shared/ipc/result';
import { bulkEndMessage } from './bulk-end-message';

// A failed batch is "refused whole" only when the service said so before
// writing; after any other failure the operator is told it may be queued and
// where to look, never that nothing was.

const BATCH = 'bulk-0b7c4a52-5f0e-4d6a-9a53-2f1d8c1e7a90';
const refusedWith = (code: IpcErrorCode) => bulkEndMessage({ type: 'finished', queued: 2000, lastLine: 2001, outcome: 'refused', batchFirstLine: 2002, batchLastLine: 4001, error: { code, message: 'it failed' } }, 3, BATCH)[0];

describe('the Bulk screen after a failed batch', () => {
  it.each(['INVALID_INPUT', 'UNAUTHORIZED', 'FORBIDDEN', 'UNKNOWN_CHANNEL'] as const)('says %s refused the batch whole, nothing of it queued', (code) => {
    expect(refusedWith(code)).toMatch(/^Stopped: 2,000 requests were queued \(up to line 2001\)\. The batch of lines 2002–4001 was refused whole, nothing of it queued, and nothing after it: it failed$/);
  });

  const mayBeQueued = IPC_ERROR_CODES.filter((code) => !['INVALID_INPUT', 'UNAUTHORIZED', 'FORBIDDEN', 'UNKNOWN_CHANNEL'].includes(code));
  it.each(mayBeQueued)('after %s says the batch may or may not be queued, and to search the Queue for the batch before importing again', (code) => {
    const said = refusedWith(code);
    expect(said).toContain('The batch of lines 2002–4001 may or may not have been queued');
    expect(said).toContain(`search the Queue for this batch, ${BATCH}, before importing those lines again`);
    expect(said).not.toMatch(/refused whole|nothing of it queued/);
  });
});
