import { csvLine, isoTime } from '../../shared/domain/csv-export';
import type { LocalRequest } from '../../shared/domain/local-request';
import type { QueueSort } from '../../shared/domain/queue-sort';
import type { RequestFilter } from '../../shared/ipc/request-schemas';
import type { Store } from '../store/store';
import { IpcFailure } from '../../shared/ipc/result';
import { cardLabelOf } from './request-view';

// exports.requests / exports.history: CSV of any filtered view of the queue and
// of the request history in a period. Bounded: an export larger than the cap is
// refused with a clear message (narrow the filter) rather than half written.

export const EXPORT_MAX_ROWS = 200_000;
const PAGE = 5000;

const REQUEST_COLUMNS = [
  'id', 'created_at', 'provider', 'method', 'type', 'card', 'card_key', 'local_state', 'life_cycle_state', 'headend_number',
  'reference_number', 'error_code', 'error_description', 'last_error', 'attempts', 'priority', 'scheduled_date', 'operator', 'finished_at',
] as const;

function requestLine(r: LocalRequest): string {
  return csvLine([
    r.id, isoTime(r.created_at), r.provider, r.method, r.type, cardLabelOf(r), r.card_key, r.local_state, r.life_cycle_state,
    r.number, r.reference_number, r.error_code, r.error_description, r.last_error, r.attempts, r.priority, r.scheduled_date, r.operator, isoTime(r.finished_at),
  ]);
}

/** The filtered view, all pages, in the order the queue shows it (newest first unless sorted). */
export function exportRequests(store: Store, filter: RequestFilter, searchCardKey: string | undefined, sort?: QueueSort): { csv: string; rows: number } {
  const lines = [csvLine(REQUEST_COLUMNS)];
  let afterId: number | undefined;
  let rows = 0;
  for (;;) {
    const page = store.listRequests({ ...filter, searchCardKey, afterId, limit: PAGE, sort });
    for (const r of page) {
      if (++rows > EXPORT_MAX_ROWS) throw new IpcFailure('INVALID_INPUT', `more than ${EXPORT_MAX_ROWS} requests match: narrow the filter (dates, state) and export again`);
      lines.push(requestLine(r));
    }
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
  }
  return { csv: lines.join(''), rows };
}

/** The requests an operator selected, in the order given (each read by key); an id that names no request is refused. */
export function exportSelected(store: Store, ids: readonly number[]): { csv: string; rows: number } {
  const lines = [csvLine(REQUEST_COLUMNS)];
  for (const id of new Set(ids)) {
    const r = store.getRequest(id);
    if (!r) throw new IpcFailure('NOT_FOUND', `no local request ${id}: nothing exported`);
    lines.push(requestLine(r));
  }
  return { csv: lines.join(''), rows: lines.length - 1 };
}

export function exportHistory(store: Store, from: number, to: number): { csv: string; rows: number } {
  const lines = [csvLine(['event_id', 'at', 'request_id', 'kind', 'actor', 'type', 'card', 'detail'])];
  let rows = 0;
  for (const e of store.historyBetween(from, to, EXPORT_MAX_ROWS + 1)) {
    if (++rows > EXPORT_MAX_ROWS) throw new IpcFailure('INVALID_INPUT', `more than ${EXPORT_MAX_ROWS} history events in the period: choose a shorter one`);
    lines.push(csvLine([e.id, isoTime(e.at), e.request_id, e.kind, e.actor, e.type, e.card, e.detail]));
  }
  return { csv: lines.join(''), rows };
}
