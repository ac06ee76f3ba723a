import { useMemo, useState } from 'react';
import { useApi, useQuery } from '../../app/api-context';
import { downloadText, exportFileName } from '../../app/download';
import { formatTime, plural, requestLabel, stateLabel } from '../../app/format';
import { routeHref } from '../../app/router';

// The shift report for the hand-over: who, which period, requests by state and
// type, failures with the head-end's reasons, what is still pending. Printable
// (the print stylesheet hides the console around it); the period's history
// exports as CSV.

function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromInput(value: string): number | null {
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

export function ShiftReportScreen() {
  const api = useApi();
  const [start, setStart] = useState(() => localInput(new Date().setHours(0, 0, 0, 0)));
  const [end, setEnd] = useState(() => localInput(Date.now() + 60_000));
  const [message, setMessage] = useState<string | null>(null);
  const period = useMemo(() => {
    const from = fromInput(start);
    const to = fromInput(end);
    return from !== null && to !== null && from < to ? { from, to } : null;
  }, [start, end]);
  const report = useQuery('reports.shift', period, ['requests.changed'], 1000);
  const r = report.data;

  const exportHistory = async () => {
    if (!period) return;
    setMessage(null);
    const result = await api.invoke('exports.history', period);
    if (!result.ok) return setMessage(result.error.message);
    downloadText(exportFileName('history'), result.value.csv);
    setMessage(`Exported ${plural(result.value.rows, 'history event')}.`);
  };

  return (
    <section className="screen screen-report" aria-labelledby="report-title">
      <header className="screen-header">
        <h1 id="report-title" tabIndex={-1}>
          Shift report
        </h1>
        <div className="report-tools no-print">
          <button type="button" className="button" onClick={() => void exportHistory()} disabled={!period}>
            Export history (CSV)
          </button>
          <button type="button" className="button primary" onClick={() => window.print()}>
            Print
          </button>
        </div>
      </header>
      <div className="report-period no-print" role="group" aria-label="Period">
        <label>
          From <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
        </label>
        <label>
          To <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
        </label>
        <p role="status" className="action-result" data-testid="report-message">
          {period ? message : 'The period must end after it starts.'}
        </p>
      </div>
      {report.error ? <p className="error-text">{report.error.message}</p> : null}
      {r ? (
        <article className="report" data-testid="shift-report">
          <dl className="facts">
            <dt>Operator</dt>
            <dd>{r.operator}</dd>
            <dt>Period</dt>
            <dd>
              {formatTime(r.from)} – {formatTime(r.to)}
            </dd>
            <dt>Printed</dt>
            <dd>{formatTime(r.generatedAt)}</dd>
            <dt>Requests queued</dt>
            <dd data-testid="report-total">{plural(r.total, 'request')}</dd>
            <dt>Still pending now</dt>
            <dd data-testid="report-pending">{plural(r.pendingCount, 'request')}</dd>
          </dl>
          <div className="card-facts">
            <CountTable title="By state" rows={Object.entries(r.byState).map(([k, n]) => [stateLabel(k), n])} />
            <CountTable title="By type" rows={Object.entries(r.byType).map(([k, n]) => [k, n])} />
          </div>
          <h2>Failures ({r.failures.length})</h2>
          {r.failures.length === 0 ? (
            <p className="hint">No request of the period failed.</p>
          ) : (
            <table className="report-table" data-testid="report-failures">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Request</th>
                  <th scope="col">Card</th>
                  <th scope="col">State</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {r.failures.map((f) => (
                  <tr key={f.id}>
                    <td>
                      <a href={routeHref({ screen: 'request', id: f.id })}>{f.id}</a>
                    </td>
                    <td>{requestLabel(f.provider, f.method)}</td>
                    <td>{f.card_label}</td>
                    <td>{stateLabel(f.local_state)}</td>
                    <td>{[f.error_code, f.error_description ?? f.last_error].filter(Boolean).join(': ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Still pending ({r.pendingCount})</h2>
          {r.stillPending.length === 0 ? (
            <p className="hint">Nothing is pending.</p>
          ) : (
            <ul className="plain-list">
              {r.stillPending.map((p) => (
                <li key={p.id}>
                  #{p.id} {requestLabel(p.provider, p.method)} for {p.card_label}: {stateLabel(p.local_state)} <span className="hint">since {formatTime(p.created_at)}</span>
                </li>
              ))}
            </ul>
          )}
        </article>
      ) : period ? (
        <p>Loading…</p>
      ) : null}
    </section>
  );
}

function CountTable({ title, rows }: { title: string; rows: [string, number][] }) {
  return (
    <table className="report-table">
      <caption>{title}</caption>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td>none</td>
          </tr>
        ) : (
          rows.map(([k, n]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{n}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
