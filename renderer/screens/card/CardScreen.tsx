import { useMemo, useState, type FormEvent } from 'react';
import type { CardView } from '../../../shared/ipc/card-schemas';
import { useQuery } from '../../app/api-context';
import { cardLabel, formatTime, plural, requestLabel } from '../../app/format';
import { navigate, routeHref } from '../../app/router';
import { QueueTable, StateBadge } from '../queue/QueueTable';
import { useQueueRows } from '../queue/use-queue-rows';
import { cardActions } from './card-actions';
import { HeadendFacts } from './HeadendFacts';

// The card desk: one card, found by any of its names; what the head-end last
// told us and what is still on its way; its query answers and messages; its
// requests; actions that open Compose prefilled.

const MESSAGE_TYPES = new Set(['SEND_MAIL_MESSAGE_TO_CLIENT', 'SEND_BARK_MESSAGE_TO_CLIENT', 'SEND_REPEATING_BARK_MESSAGE_TO_CLIENT', 'DISPLAY_FINGERPRINT']);

export function CardFinder({ initial = '' }: { initial?: string }) {
  const [text, setText] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) navigate({ screen: 'card', card: text.trim() });
  };
  return (
    <form className="card-finder" role="search" onSubmit={submit}>
      <label htmlFor="card-finder-input">Find a card</label>
      <input
        id="card-finder-input"
        type="search"
        value={text}
        placeholder="serial, CA id, code, subscription or request number"
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="button">
        Open card
      </button>
    </form>
  );
}

export function CardScreen({ card }: { card: string }) {
  const view = useQuery('cards.get', { card }, ['requests.changed'], 500);
  const v = view.data;
  const title = v ? (v.identity.serial_number ?? v.identity.ca_id ?? v.requests[0]?.card_label ?? cardLabel(v.card)) : card;
  return (
    <section className="screen screen-card" aria-labelledby="card-title">
      <header className="screen-header">
        <h1 id="card-title" tabIndex={-1}>
          {v?.identity.kind === 'stb' ? 'STB' : 'Card'} {title}
        </h1>
        <CardFinder />
      </header>
      {view.error ? <p className="error-text">{view.error.message}</p> : null}
      {v && !v.found ? (
        <p className="empty" data-testid="card-not-found">
          No card, STB or request is known as “{card}”. The catalog may not have it yet: check the spelling or sync.
        </p>
      ) : null}
      {v?.found ? <CardDesk v={v} /> : null}
    </section>
  );
}

function CardDesk({ v }: { v: CardView }) {
  const filter = useMemo(() => ({ cardKey: v.card }), [v.card]);
  const rows = useQueueRows(filter);
  const messages = v.requests.filter((r) => MESSAGE_TYPES.has(r.type));
  return (
    <>
      <dl className="facts card-identity" data-testid="card-identity">
        <dt>Serial number</dt>
        <dd>{v.identity.serial_number ?? '—'}</dd>
        <dt>CA id</dt>
        <dd>{v.identity.ca_id ?? '—'}</dd>
        <dt>Alternative code</dt>
        <dd>{v.identity.alternative_code ?? '—'}</dd>
        <dt>Subscription</dt>
        <dd data-testid="card-subscription">{v.identity.subscription ?? '—'}</dd>
        {v.matchedBy ? (
          <>
            <dt>Found by</dt>
            <dd>{v.matchedBy}</dd>
          </>
        ) : null}
      </dl>
      <nav className="card-actions" aria-label="Actions for this card">
        {cardActions(v).map((a) => (
          <a key={a.label} className="button" href={routeHref(a.route)}>
            {a.label}
          </a>
        ))}
      </nav>
      <div className="card-facts">
        <HeadendFacts v={v} />
        <section className="panel" aria-labelledby="onway-title" data-testid="card-on-its-way">
          <h2 id="onway-title">Still on its way ({v.onItsWay.length})</h2>
          {v.onItsWay.length === 0 ? (
            <p className="hint">Nothing: every request of this card is finished.</p>
          ) : (
            <ul className="plain-list">
              {v.onItsWay.map((r) => (
                <li key={r.id}>
                  <a href={routeHref({ screen: 'request', id: r.id })}>#{r.id}</a> {requestLabel(r.provider, r.method)} <StateBadge state={r.local_state} />{' '}
                  <span className="hint">queued {formatTime(r.created_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <div className="card-facts">
        <section className="panel" aria-labelledby="answers-title" data-testid="card-answers">
          <h2 id="answers-title">Query answers ({v.answers.length})</h2>
          {v.answers.length === 0 ? (
            <p className="hint">No query of this card has been answered yet.</p>
          ) : (
            <ul className="plain-list">
              {v.answers.slice(0, 10).map((a) => (
                <li key={a.request_id}>
                  <a href={routeHref({ screen: 'request', id: a.request_id })}>#{a.request_id}</a> <strong>{a.type.replace(/_/g, ' ').toLowerCase()}</strong>:{' '}
                  {a.summary ?? a.problem} <span className="hint">({formatTime(a.fetched_at)})</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="messages-title" data-testid="card-messages">
          <h2 id="messages-title">Messages sent ({messages.length})</h2>
          {messages.length === 0 ? (
            <p className="hint">No message or fingerprint was sent to this card.</p>
          ) : (
            <ul className="plain-list">
              {messages.slice(0, 10).map((r) => (
                <li key={r.id}>
                  <a href={routeHref({ screen: 'request', id: r.id })}>#{r.id}</a> {requestLabel(r.provider, r.method)} <StateBadge state={r.local_state} />{' '}
                  <span className="hint">{formatTime(r.finished_at ?? r.created_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <h2>Requests for this card ({plural(v.requests.length, 'request')})</h2>
      <QueueTable data={rows} label="Requests for this card" emptyText="No request for this card." />
    </>
  );
}
