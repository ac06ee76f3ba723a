import { useCallback, useState } from 'react';
import { useApi } from '../../app/api-context';
import { downloadText, exportFileName } from '../../app/download';
import { plural } from '../../app/format';
import { DEFAULT_QUEUE_SORT, type QueueSort } from '../../../shared/domain/queue-sort';
import type { RequestFilter } from '../../../shared/ipc/request-schemas';
import { useRequestCounts } from '../../app/counts-context';
import { CardFinder } from '../card/CardScreen';
import { QueueFilters } from './QueueFilters';
import { QueueTable } from './QueueTable';
import { SavedFilters } from './SavedFilters';
import type { SavedFilter } from './saved-filters';
import { NOTHING_SELECTED, type Selection } from './selection';
import { SelectionBar } from './SelectionBar';
import { useQueueRows } from './use-queue-rows';

export function QueueScreen() {
  const [filter, setFilterState] = useState<RequestFilter>({});
  const [sort, setSortState] = useState<QueueSort>(DEFAULT_QUEUE_SORT);
  const [selected, setSelected] = useState<Selection>(NOTHING_SELECTED);
  // Bumped when a saved filter is applied: the filter controls start again from it.
  const [applied, setApplied] = useState(0);
  const counts = useRequestCounts();
  const data = useQueueRows(filter, sort);
  const api = useApi();
  const [exported, setExported] = useState<string | null>(null);
  // A new filter or order shows other rows: the selection is of the old ones.
  const setFilter = useCallback((next: RequestFilter) => {
    setFilterState(next);
    setSelected(NOTHING_SELECTED);
  }, []);
  const setSort = useCallback((next: QueueSort) => {
    setSortState(next);
    setSelected(NOTHING_SELECTED);
  }, []);
  const applySaved = useCallback(
    (saved: SavedFilter) => {
      setFilter(saved.filter);
      setSort(saved.sort);
      setApplied((n) => n + 1);
    },
    [setFilter, setSort],
  );
  // Exports exactly the filtered view in its order, all pages, not only the rows on screen.
  const exportView = async () => {
    setExported('Exporting…');
    const result = await api.invoke('exports.requests', { filter, sort });
    if (!result.ok) return setExported(result.error.message);
    downloadText(exportFileName('requests'), result.value.csv);
    setExported(`Exported ${plural(result.value.rows, 'request')}.`);
  };
  return (
    <section className="screen screen-queue" aria-labelledby="queue-title">
      <header className="screen-header">
        <h1 id="queue-title" tabIndex={-1}>
          Queue
        </h1>
        <p className="screen-sub" data-testid="queue-summary" data-first-page-ms={data.lastFirstPageMs === null ? undefined : Math.round(data.lastFirstPageMs)}>
          {data.total !== null ? `${data.total} matching` : `${data.rows.length}${data.hasMore ? '+' : ''} matching`}
        </p>
        <CardFinder />
        <span role="status" className="hint" data-testid="export-result">
          {exported}
        </span>
        <button type="button" className="button" onClick={() => void exportView()}>
          Export CSV
        </button>
        <a className="button primary" href="#/compose" aria-keyshortcuts="c">
          Compose
        </a>
      </header>
      <QueueFilters key={applied} filter={filter} onChange={setFilter} counts={counts} />
      <SavedFilters filter={filter} sort={sort} onApply={applySaved} />
      <SelectionBar selected={selected} onChange={setSelected} />
      <QueueTable
        data={data}
        label="Local requests"
        emptyText="No request matches these filters."
        sort={sort}
        onSort={setSort}
        selection={{ selected, onChange: setSelected }}
      />
    </section>
  );
}
