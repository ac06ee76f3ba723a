import { useState } from 'react';
import type { RequestFilter } from '../../../shared/ipc/request-schemas';
import { useRequestCounts } from '../../app/counts-context';
import { QueueFilters } from './QueueFilters';
import { QueueTable } from './QueueTable';
import { useQueueRows } from './use-queue-rows';

export function QueueScreen() {
  const [filter, setFilter] = useState<RequestFilter>({});
  const counts = useRequestCounts();
  const data = useQueueRows(filter);
  return (
    <section className="screen screen-queue" aria-labelledby="queue-title">
      <header className="screen-header">
        <h1 id="queue-title" tabIndex={-1}>
          Queue
        </h1>
        <p className="screen-sub" data-testid="queue-summary" data-first-page-ms={data.lastFirstPageMs === null ? undefined : Math.round(data.lastFirstPageMs)}>
          {data.total !== null ? `${data.total} matching` : `${data.rows.length}${data.hasMore ? '+' : ''} matching`}
        </p>
        <a className="button primary" href="#/compose" aria-keyshortcuts="c">
          Compose
        </a>
      </header>
      <QueueFilters filter={filter} onChange={setFilter} counts={counts} />
      <QueueTable data={data} label="Local requests" emptyText="No request matches these filters." />
    </section>
  );
}
