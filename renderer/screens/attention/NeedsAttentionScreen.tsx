import { useMemo } from 'react';
import type { RequestFilter } from '../../../shared/ipc/request-schemas';
import { QueueTable } from '../queue/QueueTable';
import { useQueueRows } from '../queue/use-queue-rows';

// Two kinds of trouble: requests stuck on our side (a permanent failure, or a
// send whose outcome is unknown), which can be edited, retried or discarded;
// and requests the head-end rejected, which are final there and are fixed by
// resending a corrected copy.

export function NeedsAttentionScreen() {
  const stuckFilter = useMemo<RequestFilter>(() => ({ states: ['NEEDS_ATTENTION', 'UNKNOWN'] }), []);
  const rejectedFilter = useMemo<RequestFilter>(() => ({ states: ['REJECTED'] }), []);
  const stuck = useQueueRows(stuckFilter);
  const rejected = useQueueRows(rejectedFilter);
  return (
    <section className="screen screen-attention" aria-labelledby="attention-title">
      <header className="screen-header">
        <h1 id="attention-title" tabIndex={-1}>
          Needs attention
        </h1>
      </header>
      <section aria-labelledby="stuck-title" className="attention-part" data-testid="attention-stuck">
        <h2 id="stuck-title">Held in the outbox ({stuck.total ?? stuck.rows.length})</h2>
        <p className="hint">A permanent failure or an unknown outcome stops the card's queue until you retry, edit or discard the request.</p>
        <QueueTable data={stuck} label="Requests held in the outbox" emptyText="Nothing is held: every queued request can go." />
      </section>
      <section aria-labelledby="rejected-title" className="attention-part" data-testid="attention-rejected">
        <h2 id="rejected-title">Rejected by the head-end ({rejected.total ?? rejected.rows.length})</h2>
        <p className="hint">Open one to read the head-end's reason and resend a corrected copy.</p>
        <QueueTable data={rejected} label="Requests rejected by the head-end" emptyText="No request was rejected." />
      </section>
    </section>
  );
}
