import type { QueryResult } from '../../../shared/ipc/request-schemas';
import { formatHeadendDate, formatTime } from '../../app/format';

// What a query found, as an operator reads it (not JSON).

function Devices({ label, names }: { label: string; names: readonly { serial_number: string | null; ca_id: string | null }[] }) {
  if (names.length === 0) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <ul className="plain-list">
          {names.map((d, i) => (
            <li key={i}>
              {d.serial_number ?? '—'} {d.ca_id ? <span className="hint">CA {d.ca_id}</span> : null}
            </li>
          ))}
        </ul>
      </dd>
    </>
  );
}

export function QueryResultPanel({ result, waiting }: { result: QueryResult | null; waiting: boolean }) {
  return (
    <section aria-labelledby="result-title" className="panel" data-testid="query-result">
      <h2 id="result-title">What the query found</h2>
      {result === null ? (
        <p className="hint">{waiting ? 'Reading the result from the head-end…' : 'The head-end has not answered this query yet.'}</p>
      ) : result.answer === null ? (
        <p className="problem" role="note">
          {result.problem}
        </p>
      ) : (
        <dl className="facts">
          {result.answer.kind === 'active_subscriptions' ? (
            <>
              <dt>Active services</dt>
              <dd data-testid="query-services">
                {result.answer.services.length === 0 ? (
                  'none'
                ) : (
                  <ul className="plain-list">
                    {result.answer.services.map((s, i) => (
                      <li key={i}>
                        <strong>{s.name ?? s.code}</strong> {s.code && s.name && s.code !== s.name ? <span className="hint">code {s.code}</span> : null}{' '}
                        {s.ca_id ? <span className="hint">CA {s.ca_id}</span> : null}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </>
          ) : result.answer.kind === 'pairing_status' ? (
            <>
              <dt>Paired</dt>
              <dd data-testid="query-paired">{result.answer.paired ? `yes${result.answer.pairing_id ? ` (pairing ${result.answer.pairing_id})` : ''}` : 'no'}</dd>
              <Devices label="STBs" names={result.answer.stbs} />
              <Devices label="Smartcards" names={result.answer.smartcards} />
            </>
          ) : (
            <>
              <dt>Fingerprint</dt>
              <dd>displayed on the card {formatHeadendDate(result.answer.executed_date)}</dd>
            </>
          )}
          <dt>Read</dt>
          <dd>{formatTime(result.fetched_at)}</dd>
        </dl>
      )}
    </section>
  );
}
