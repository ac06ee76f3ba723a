import { LOCAL_STATES } from '../../../shared/domain/local-request';
import { useQuery } from '../../app/api-context';
import type { Stats } from '../../../shared/ipc/request-schemas';
import { plural, providerLabel, stateLabel } from '../../app/format';

// Requests per state and per hour (last 24 h), in all and per head-end, as
// plain SVG: no chart library. Each chart has a text alternative and its
// numbers in a table.

const WIDTH = 640;

function StateBars({ byState, what = 'Requests per state' }: { byState: Record<string, number>; what?: string }) {
  const entries = LOCAL_STATES.map((s) => [s, byState[s] ?? 0] as const);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const rowHeight = 26;
  const labelWidth = 170;
  const summary = entries.map(([s, n]) => `${stateLabel(s)} ${n}`).join(', ');
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${entries.length * rowHeight + 4}`} role="img" aria-label={`${what}: ${summary}`}>
      {entries.map(([state, n], i) => {
        const width = ((WIDTH - labelWidth - 60) * n) / max;
        const y = i * rowHeight + 2;
        return (
          <g key={state}>
            <text x={labelWidth - 8} y={y + 17} textAnchor="end" className="chart-label">
              {stateLabel(state)}
            </text>
            <rect x={labelWidth} y={y + 4} width={Math.max(width, n > 0 ? 2 : 0)} height={rowHeight - 8} className={`bar state-fill-${state}`} />
            <text x={labelWidth + width + 6} y={y + 17} className="chart-value">
              {n}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function HourBars({ perHour, what = 'Requests created' }: { perHour: { hour: number; total: number }[]; what?: string }) {
  const max = Math.max(1, ...perHour.map((h) => h.total));
  const height = 180;
  const slot = (WIDTH - 40) / Math.max(1, perHour.length);
  const summary = perHour.filter((h) => h.total > 0).map((h) => `${new Date(h.hour).getHours()}h: ${h.total}`).join(', ') || 'none';
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${height + 30}`} role="img" aria-label={`${what} per hour over the last ${perHour.length} hours: ${summary}`}>
      <line x1={30} y1={height} x2={WIDTH - 6} y2={height} className="axis" />
      <text x={26} y={12} textAnchor="end" className="chart-value">
        {max}
      </text>
      {perHour.map((h, i) => {
        const barHeight = (height - 10) * (h.total / max);
        const x = 34 + i * slot;
        return (
          <g key={h.hour}>
            <rect x={x} y={height - barHeight} width={Math.max(1, slot - 3)} height={barHeight} className="bar bar-hour" />
            {i % 3 === 0 ? (
              <text x={x + slot / 2} y={height + 16} textAnchor="middle" className="chart-label">
                {String(new Date(h.hour).getHours()).padStart(2, '0')}h
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

/** One head-end's queue health over the period: its requests by state, and per hour. */
function HeadendHealth({ headend }: { headend: Stats['perHeadend'][number] }) {
  const name = providerLabel(headend.provider);
  const total = Object.values(headend.byState).reduce((a, b) => a + b, 0);
  const titleId = `headend-${headend.provider}-title`;
  return (
    <section className="panel" aria-labelledby={titleId} data-testid={`headend-health-${headend.provider}`}>
      <h2 id={titleId}>
        {name}: {plural(total, 'request')} in the last 24 h
      </h2>
      <StateBars byState={headend.byState} what={`${name} requests per state`} />
      <HourBars perHour={headend.perHour} what={`${name} requests created`} />
    </section>
  );
}

export function DashboardScreen() {
  const stats = useQuery('requests.stats', { hours: 24 }, ['requests.changed'], 2000);
  const s = stats.data;
  return (
    <section className="screen screen-dashboard" aria-labelledby="dashboard-title">
      <header className="screen-header">
        <h1 id="dashboard-title" tabIndex={-1}>
          Dashboard
        </h1>
      </header>
      {stats.error ? <p className="error-text">{stats.error.message}</p> : null}
      {s ? (
        <div className="dashboard-grid">
          <section className="panel" aria-labelledby="per-state-title">
            <h2 id="per-state-title">Requests per state</h2>
            <StateBars byState={s.byState} />
          </section>
          <section className="panel" aria-labelledby="per-hour-title">
            <h2 id="per-hour-title">Requests queued per hour (last 24 h)</h2>
            <HourBars perHour={s.perHour} />
            <details>
              <summary>Numbers</summary>
              <table className="plain-table">
                <thead>
                  <tr>
                    <th scope="col">Hour</th>
                    <th scope="col">Requests</th>
                  </tr>
                </thead>
                <tbody>
                  {s.perHour.map((h) => (
                    <tr key={h.hour}>
                      <td>{new Date(h.hour).toLocaleString()}</td>
                      <td>{h.total}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </section>
          {s.perHeadend.map((headend) => (
            <HeadendHealth key={headend.provider} headend={headend} />
          ))}
        </div>
      ) : (
        <p>Loading…</p>
      )}
    </section>
  );
}
