import { useMemo } from 'react';
import { useQuery } from '../../app/api-context';
import { cardLabel, formatTime } from '../../app/format';
import { QueueTable } from '../queue/QueueTable';
import { useQueueRows } from '../queue/use-queue-rows';

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(show).join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
    return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k.replace(/_/g, ' ')}: ${show(v)}`).join('; ');
  }
  return String(value);
}

export function CardScreen({ card }: { card: string }) {
  const view = useQuery('cards.get', { card }, ['requests.changed'], 500);
  const filter = useMemo(() => ({ cardKey: card }), [card]);
  const rows = useQueueRows(filter);
  const v = view.data;
  const title = v?.lastKnown?.serial_number ?? v?.requests[0]?.card_label ?? cardLabel(card);
  return (
    <section className="screen screen-card" aria-labelledby="card-title">
      <header className="screen-header">
        <h1 id="card-title" tabIndex={-1}>
          Card {title}
        </h1>
      </header>
      {view.error ? <p className="error-text">{view.error.message}</p> : null}
      {v ? (
        <div className="card-facts">
          <section className="panel" aria-labelledby="lastknown-title">
            <h2 id="lastknown-title">Last known at the head-end</h2>
            {v.lastKnown ? (
              <dl className="facts">
                <dt>Serial number</dt>
                <dd>{show(v.lastKnown.serial_number)}</dd>
                <dt>CA id</dt>
                <dd>{show(v.lastKnown.ca_id)}</dd>
                <dt>Subscription</dt>
                <dd>{show(v.lastKnown.subscription_id)}</dd>
                <dt>Entitlements</dt>
                <dd>{show(v.lastKnown.entitlements)}</dd>
                <dt>Pairing</dt>
                <dd>{show(v.lastKnown.pairing ?? v.lastKnown.paired_stb_id)}</dd>
                <dt>PIN state</dt>
                <dd>{show(v.lastKnown.pin_state)}</dd>
                <dt>Learnt</dt>
                <dd>{formatTime(v.lastKnown.updated_at)}</dd>
              </dl>
            ) : (
              <p>The local catalog does not know this card yet.</p>
            )}
          </section>
          <section className="panel" aria-labelledby="derived-title">
            <h2 id="derived-title">After its completed requests</h2>
            <dl className="facts">
              <dt>Services</dt>
              <dd data-testid="card-services">{v.derived.services.length > 0 ? v.derived.services.join(', ') : '—'}</dd>
              <dt>Paired with</dt>
              <dd>{v.derived.pairedWith ?? '—'}</dd>
              <dt>PIN</dt>
              <dd data-testid="card-pin">{v.derived.pinState}</dd>
              <dt>Last completed</dt>
              <dd>{formatTime(v.derived.lastCompletedAt)}</dd>
            </dl>
          </section>
        </div>
      ) : null}
      <h2>Requests for this card</h2>
      <QueueTable data={rows} label={`Requests for ${title}`} emptyText="No request for this card." />
    </section>
  );
}
