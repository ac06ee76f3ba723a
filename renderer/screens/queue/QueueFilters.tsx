import { memo, useEffect, useState } from 'react';
import { LOCAL_STATES, type LocalState } from '../../../shared/domain/local-request';
import { PROVIDERS } from '../../../shared/domain/request-types';
import { REQUEST_DEFINITIONS } from '../../../shared/domain/request-catalog';
import type { Counts, RequestFilter } from '../../../shared/ipc/request-schemas';
import { providerLabel, stateLabel } from '../../app/format';

const TYPES = [...new Set(REQUEST_DEFINITIONS.map((d) => d.type))].sort();

const DAY_MS = 24 * 3600 * 1000;

function dayStart(value: string): number | undefined {
  if (!value) return undefined;
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y!, m! - 1, d!).getTime();
}

/** The date input's text for a local day start (a saved filter's bounds shown again). */
function dayText(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// Memoised: rows arriving page by page re-render the screen, not these controls.
export const QueueFilters = memo(function QueueFilters({ filter, onChange, counts }: { filter: RequestFilter; onChange: (f: RequestFilter) => void; counts: Counts | null }) {
  // The search box filters as one types, but not on every key stroke.
  const [search, setSearch] = useState(filter.search ?? '');
  const [from, setFrom] = useState(() => dayText(filter.from));
  // The filter's bound is the start of the next day: the input shows the last day included.
  const [to, setTo] = useState(() => dayText(filter.to === undefined ? undefined : filter.to - DAY_MS));
  useEffect(() => {
    const timer = setTimeout(() => {
      const next = search.trim() || undefined;
      if (next !== filter.search) onChange({ ...filter, search: next });
    }, 200);
    return () => clearTimeout(timer);
  }, [search, filter, onChange]);

  const state = filter.states?.length === 1 ? filter.states[0] : '';
  const set = (patch: Partial<RequestFilter>) => {
    const next: RequestFilter = { ...filter, ...patch };
    for (const key of Object.keys(next) as (keyof RequestFilter)[]) if (next[key] === undefined) delete next[key];
    onChange(next);
  };

  return (
    <div className="queue-filters">
      <div className="state-chips" role="group" aria-label="Requests per state">
        <button type="button" className="chip" aria-pressed={state === ''} onClick={() => set({ states: undefined })}>
          All <span className="chip-count">{counts?.total ?? '…'}</span>
        </button>
        {LOCAL_STATES.map((s) => (
          <button
            key={s}
            type="button"
            className={`chip state-${s}`}
            aria-pressed={state === s}
            data-testid={`count-${s}`}
            onClick={() => set({ states: state === s ? undefined : [s] })}
          >
            {stateLabel(s)} <span className="chip-count">{counts?.byState[s] ?? 0}</span>
          </button>
        ))}
      </div>
      <div className="filter-row">
        <label>
          Card or identifier
          <input
            id="queue-card-filter"
            type="search"
            value={search}
            placeholder="Serial, id, number… ( / )"
            aria-keyshortcuts="/"
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label>
          State
          <select value={state} onChange={(e) => set({ states: e.target.value ? [e.target.value as LocalState] : undefined })}>
            <option value="">All states</option>
            {LOCAL_STATES.map((s) => (
              <option key={s} value={s}>
                {stateLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Provider
          <select value={filter.provider ?? ''} onChange={(e) => set({ provider: (e.target.value || undefined) as RequestFilter['provider'] })}>
            <option value="">All providers</option>
            {PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {providerLabel(p)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select value={filter.type ?? ''} onChange={(e) => set({ type: e.target.value || undefined })}>
            <option value="">All types</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input
            type="date"
            value={from}
            onChange={(e) => {
              setFrom(e.target.value);
              set({ from: dayStart(e.target.value) });
            }}
          />
        </label>
        <label>
          To (inclusive)
          <input
            type="date"
            value={to}
            onChange={(e) => {
              setTo(e.target.value);
              const start = dayStart(e.target.value);
              set({ to: start === undefined ? undefined : start + DAY_MS });
            }}
          />
        </label>
      </div>
    </div>
  );
});
