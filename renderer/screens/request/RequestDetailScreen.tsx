import { useState } from 'react';
import { REQUEST_EVENT_KIND_MEANINGS } from '../../../shared/domain/local-request';
import { findRequestDefinition } from '../../../shared/domain/request-catalog';
import type { RequestDetail } from '../../../shared/ipc/request-schemas';
import { useApi, useQuery } from '../../app/api-context';
import { formatHeadendDate, formatTime, plural, providerLabel, requestLabel, stateMeaning } from '../../app/format';
import { isQueryType } from '../../../shared/domain/query-answer';
import { routeHref } from '../../app/router';
import { RequestForm } from '../compose/RequestForm';
import { StateBadge } from '../queue/QueueTable';
import { EventDetail } from './EventDetail';
import { QueryResultPanel } from './QueryResultPanel';

export function RequestDetailScreen({ id }: { id: number }) {
  const query = useQuery('requests.get', { id }, ['requests.changed'], 200);
  const detail = query.data;
  return (
    <section className="screen screen-request" aria-labelledby="request-title">
      <header className="screen-header">
        <h1 id="request-title" tabIndex={-1}>
          Request #{id}
          {detail ? ` — ${requestLabel(detail.request.provider, detail.request.method)}` : ''}
        </h1>
        {detail ? <StateBadge state={detail.request.local_state} /> : null}
      </header>
      {query.error && !detail ? <p className="error-text">{query.error.message}</p> : null}
      {detail ? <Detail detail={detail} onChanged={query.reload} /> : query.error ? null : <p>Loading…</p>}
    </section>
  );
}

function Detail({ detail, onChanged }: { detail: RequestDetail; onChanged: () => void }) {
  const api = useApi();
  const r = detail.request;
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [headendNumber, setHeadendNumber] = useState('');
  const definition = findRequestDefinition(r.provider, r.method);

  const act = async (channel: 'requests.retry' | 'requests.discard' | 'requests.close') => {
    setMessage(null);
    const result = await api.invoke(channel, { id: r.id, ...(reason.trim() ? { reason: reason.trim() } : {}) });
    const done = { 'requests.retry': 'Sent back to the queue.', 'requests.discard': 'Discarded.', 'requests.close': 'Closed: checked, nothing more to do.' }[channel];
    setMessage(result.ok ? done : result.error.message);
    onChanged();
  };

  // After an unknown outcome no lookup could settle: the operator says what the head-end shows.
  const verify = async (arrived: boolean) => {
    setMessage(null);
    const why = reason.trim() ? { reason: reason.trim() } : {};
    const number = headendNumber.trim();
    const result = arrived
      ? await api.invoke('requests.confirmArrived', { id: r.id, ...why, ...(number ? { number } : {}) })
      : await api.invoke('requests.confirmNotArrived', { id: r.id, ...why });
    setMessage(result.ok ? (arrived ? 'Recorded: it arrived.' : 'Recorded: it did not arrive; queued to be sent again.') : result.error.message);
    onChanged();
  };

  return (
    <div className="detail-grid">
      <div className="detail-main">
        <p className="state-meaning" data-testid="request-state" data-state={r.local_state} data-request-id={r.id}>
          {stateMeaning(r.local_state, r.error_code)}
        </p>
        {r.local_state !== 'COMPLETED' && (r.error_code || r.error_description || r.last_error) ? (
          <div className="problem" role="note" data-testid="request-reason">
            <strong>{r.error_code ?? 'Problem'}</strong>: {r.error_description ?? r.last_error}
          </div>
        ) : null}
        <dl className="facts">
          <dt>Provider</dt>
          <dd>{providerLabel(r.provider)}</dd>
          <dt>Type</dt>
          <dd>{r.type}</dd>
          <dt>Card</dt>
          <dd>
            <a href={routeHref({ screen: 'card', card: r.card_key })}>{r.card_label}</a>
          </dd>
          <dt>Priority</dt>
          <dd>{r.priority}</dd>
          <dt>Created</dt>
          <dd>{formatTime(r.created_at)}</dd>
          <dt>Head-end number</dt>
          <dd data-testid="headend-number">{r.number ?? '—'}</dd>
          <dt>Reference number</dt>
          <dd data-testid="reference-number">{r.reference_number ?? '—'}</dd>
          <dt>Head-end state</dt>
          <dd>{r.life_cycle_state ?? '—'}</dd>
          {detail.answer?.executed_date ? (
            <>
              <dt>Processed at the head-end</dt>
              <dd>{formatHeadendDate(detail.answer.executed_date)}</dd>
            </>
          ) : null}
          <dt>Attempts</dt>
          <dd>{plural(r.attempts, 'attempt')}</dd>
          {r.next_attempt_at ? (
            <>
              <dt>Next attempt</dt>
              <dd>{formatTime(r.next_attempt_at)}</dd>
            </>
          ) : null}
        </dl>

        {detail.actions.verify ? (
          <div className="actions" role="group" aria-label="Verify at the head-end" data-testid="verify-actions">
            <p>
              CA Desk cannot tell whether the head-end received this request. Look for it at the head-end, then say what you
              found; your name and reason are recorded.
            </p>
            <label className="reason">
              Head-end number (if you found it)
              <input type="text" value={headendNumber} onChange={(e) => setHeadendNumber(e.target.value)} maxLength={64} />
            </label>
            <button type="button" className="button primary" onClick={() => void verify(true)}>
              {headendNumber.trim() ? 'It arrived: record this number' : 'It arrived: mark done'}
            </button>
            <button type="button" className="button" onClick={() => void verify(false)}>
              It did not arrive: send again
            </button>
          </div>
        ) : null}

        {detail.replacedBy !== null ? (
          <p className="resolved-note" data-testid="replaced-by">
            Resolved: a corrected copy was queued as <a href={routeHref({ screen: 'request', id: detail.replacedBy })}>#{detail.replacedBy}</a>.
          </p>
        ) : null}
        {detail.actions.retry || detail.actions.discard || detail.actions.edit || detail.actions.close ? (
          <div className="actions" role="group" aria-label="Operator actions">
            {detail.actions.retry || detail.actions.discard || detail.actions.close ? (
              <label className="reason">
                Reason (kept in the history)
                <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
              </label>
            ) : null}
            {detail.actions.retry ? (
              <button type="button" className="button primary" onClick={() => void act('requests.retry')}>
                Retry
              </button>
            ) : null}
            {detail.actions.edit ? (
              <button type="button" className="button" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
                {editing ? 'Close editor' : 'Edit and resend'}
              </button>
            ) : null}
            {detail.actions.close ? (
              <a className="button primary" href={routeHref({ screen: 'compose', provider: r.provider, method: r.method, fromId: r.id })}>
                Fix and resend as a new request
              </a>
            ) : null}
            {detail.actions.close ? (
              <button type="button" className="button" onClick={() => void act('requests.close')}>
                Close: checked, nothing to do
              </button>
            ) : null}
            {detail.actions.discard ? (
              <button type="button" className="button danger" onClick={() => void act('requests.discard')}>
                Discard
              </button>
            ) : null}
          </div>
        ) : null}
        {/* Outside the actions: an action that leaves none (close a rejection) still shows its result. */}
        <p role="status" className="action-result">
          {message}
        </p>

        {editing && definition ? (
          <section aria-labelledby="edit-title" className="panel">
            <h2 id="edit-title">Edit request #{r.id}</h2>
            <RequestForm
              definition={definition}
              initialBody={detail.params}
              submitLabel="Save and queue again"
              busyLabel="Saving…"
              onSubmit={async (params) => {
                const result = await api.invoke('requests.edit', { id: r.id, params });
                if (!result.ok) return { message: result.error.message, errors: result.error.fields };
                setEditing(false);
                setMessage('Saved and queued again.');
                onChanged();
                return null;
              }}
            />
          </section>
        ) : null}

        {isQueryType(r.type) ? <QueryResultPanel result={detail.result} waiting={r.local_state === 'COMPLETED'} /> : null}

        <section aria-labelledby="body-title" className="panel">
          <h2 id="body-title">Body as queued</h2>
          <pre className="json" data-testid="request-body" tabIndex={0}>
            {JSON.stringify(detail.params, null, 2)}
          </pre>
        </section>
        <section aria-labelledby="answer-title" className="panel">
          <h2 id="answer-title">Head-end answer</h2>
          {detail.answer ? (
            <pre className="json" data-testid="request-answer" tabIndex={0}>
              {JSON.stringify(detail.answer, null, 2)}
            </pre>
          ) : (
            <p>No answer yet.</p>
          )}
        </section>
      </div>
      <section aria-labelledby="timeline-title" className="panel timeline-panel">
        <h2 id="timeline-title">Timeline</h2>
        <ol className="timeline" data-testid="timeline">
          {detail.events.map((e) => (
            <li key={e.id} data-kind={e.kind}>
              <time>{formatTime(e.at)}</time>
              <strong>{e.kind.replace(/_/g, ' ')}</strong> <span className="actor">by {e.actor}</span>
              <p className="hint">{REQUEST_EVENT_KIND_MEANINGS[e.kind as keyof typeof REQUEST_EVENT_KIND_MEANINGS] ?? ''}</p>
              {e.detail && Object.keys(e.detail).length > 0 ? <EventDetail detail={e.detail} /> : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
