import { useMemo } from 'react';
import { ATTENTION_HELD_STATES, ATTENTION_UNTIL_CLOSED_STATES } from '../../../shared/domain/life-cycle';
import type { RequestFilter } from '../../../shared/ipc/request-schemas';
import { useQuery } from '../../app/api-context';
import { formatTime, requestLabel } from '../../app/format';
import { routeHref } from '../../app/router';
import { QueueTable } from '../queue/QueueTable';
import { useQueueRows } from '../queue/use-queue-rows';

// Two kinds of open trouble (shared/domain/life-cycle.ts, `attention`):
// requests stuck on our side (a permanent failure, or a send whose outcome is
// unknown), which can be edited, retried or discarded; and requests the
// head-end rejected, which are final there and are closed by resending a
// corrected copy or by marking them checked. Both hold their card's queue. Below, what
// operators resolved lately, and how, with a link to any corrected copy.

const RESOLUTION_WORDS: Record<string, string> = {
  retried: 'retried',
  edited: 'edited and queued again',
  cancelled: 'discarded',
  discarded: 'discarded',
  verified: 'checked, nothing to do',
  replaced: 'corrected copy queued',
};

export function NeedsAttentionScreen() {
  const stuckFilter = useMemo<RequestFilter>(() => ({ states: [...ATTENTION_HELD_STATES] }), []);
  const rejectedFilter = useMemo<RequestFilter>(() => ({ states: [...ATTENTION_UNTIL_CLOSED_STATES], openOnly: true }), []);
  const stuck = useQueueRows(stuckFilter);
  const rejected = useQueueRows(rejectedFilter);
  const resolved = useQuery('attention.resolved', { limit: 50 }, ['requests.changed'], 400);
  const items = resolved.data?.items ?? [];
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
        <h2 id="rejected-title">Rejected by the head-end, open ({rejected.rows.length}{rejected.hasMore ? '+' : ''})</h2>
        <p className="hint">Open one to read the head-end's reason, then resend a corrected copy (it goes first) or close it as checked: until then its card's later requests wait.</p>
        <QueueTable data={rejected} label="Open rejections" emptyText="No open rejection." />
      </section>
      <section aria-labelledby="resolved-title" className="panel" data-testid="attention-resolved">
        <h2 id="resolved-title">Resolved lately ({items.length})</h2>
        {items.length === 0 ? (
          <p className="hint">Nothing resolved yet.</p>
        ) : (
          <ul className="plain-list">
            {items.map((item) => (
              <li key={`${item.request.id}-${item.at}-${item.resolution}`} data-request-id={item.request.id} data-resolution={item.resolution}>
                <a href={routeHref({ screen: 'request', id: item.request.id })}>#{item.request.id}</a> {requestLabel(item.request.provider, item.request.method)} for{' '}
                {item.request.card_label}: <strong>{RESOLUTION_WORDS[item.resolution] ?? item.resolution}</strong>
                {item.replacedBy !== null ? (
                  <>
                    {' '}
                    as <a href={routeHref({ screen: 'request', id: item.replacedBy })}>#{item.replacedBy}</a>
                  </>
                ) : null}{' '}
                <span className="hint">
                  by {item.actor}, {formatTime(item.at)}
                  {item.reason ? ` — ${item.reason}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
