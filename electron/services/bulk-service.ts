import { IpcFailure } from '../../shared/ipc/result';
import type { BulkQueueRow } from '../../shared/ipc/app-schemas';
import type { Store } from '../store/store';
import type { EventHub } from './service-registry';

// bulk.queueBatch: one batch of a bulk import, read and checked in the page's
// worker (shared/bulk), checked again here — the store validates every row
// with its method's schema and this connection must be able to send its kind —
// then queued in ONE store transaction, or refused whole: nothing of a refused
// batch is written, and the page stops there. Every refusal here is
// INVALID_INPUT or UNAUTHORIZED, given before the transaction or from one rolled
// back (BULK_REFUSED_BEFORE_WRITING); a failure after the commit (waking the
// sync engine) is INTERNAL, which the page reports as "may or may not be queued".

export class BulkService {
  constructor(
    private readonly store: Store,
    private readonly events: EventHub,
    private readonly operator: () => string,
    /** Why the current connection cannot send a kind (settings-service.ts), or null: such rows are refused, not queued to fail. */
    private readonly notSendable: (provider: string, method: string) => string | null = () => null,
  ) {}

  queueBatch(batchId: string, rows: readonly BulkQueueRow[]): { queued: number } {
    for (const row of rows) {
      const why = this.notSendable(row.provider, row.method);
      if (why !== null) throw new IpcFailure('INVALID_INPUT', `line ${row.line}: ${why}`);
    }
    const operator = this.operator();
    const result = this.store.enqueue(rows.map((r) => ({ provider: r.provider, method: r.method, params: r.params, operator, batchId })));
    if (!result.ok) {
      const first = result.errors[0];
      const line = first ? rows[first.index]?.line : undefined;
      throw new IpcFailure('INVALID_INPUT', `line ${line ?? '?'}: ${first?.field ?? ''} ${first?.message ?? ''}`.replace(/\s+/g, ' ').trim());
    }
    this.events.emit('requests.changed', { ids: [], reason: 'bulk import' });
    return { queued: result.ids.length };
  }
}
