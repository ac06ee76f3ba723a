import { useState } from 'react';
import { useApi } from '../../app/api-context';
import { downloadText, exportFileName } from '../../app/download';
import { plural } from '../../app/format';
import type { RequestFilter } from '../../../shared/ipc/request-schemas';
import { useRequestCounts } from '../../app/counts-context';
import { QueueFilters } from './QueueFilters';
import { QueueTable } from './QueueTable';
import { useQueueRows } from './use-queue-rows';

export function QueueScreen() {
  const [filter, setFilter] = useState<RequestFilter>({});
  const counts = useRequestCounts();
  const data = useQueueRows(filter);
  const api = useApi();
  const [exported, setExported] = useState<string | null>(null);
  // Exports exactly the filtered view, all pages, not only the rows on screen.
  const exportView = async () => {
    setExported('Exporting…');
    const result = await api.invoke('exports.requests', { filter });
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
      <QueueFilters filter={filter} onChange={setFilter} counts={counts} />
      <QueueTable data={data} label="Local requests" emptyText="No request matches these filters." />
    </section>
  );
}
