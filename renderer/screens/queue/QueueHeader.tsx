import { QUEUE_COLUMN_LABELS, QUEUE_SORT_COLUMNS, type QueueSort, type QueueSortColumn } from '../../../shared/domain/queue-sort';

// The queue table's header row: one button per column sorts by it (again:
// the other way), and a checkbox selects every loaded row. Without `onSort`
// the headers are plain text (tables of one card, the attention inbox).

/** Ids and times read newest first; text columns A to Z. */
function firstDirection(column: QueueSortColumn): QueueSort['direction'] {
  return column === 'id' || column === 'created' ? 'desc' : 'asc';
}

export function nextSort(current: QueueSort, column: QueueSortColumn): QueueSort {
  if (current.column !== column) return { column, direction: firstDirection(column) };
  return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
}

interface Props {
  sort?: QueueSort;
  onSort?: (sort: QueueSort) => void;
  /** Present when rows can be selected: the header checkbox's state and action. */
  selectAll?: { checked: boolean; mixed: boolean; onToggle(): void };
}

export function QueueHeader({ sort, onSort, selectAll }: Props) {
  return (
    <div role="rowgroup" className="queue-head">
      <div role="row" className="queue-row" aria-rowindex={1}>
        {selectAll ? (
          <span role="columnheader" className="col-select">
            <input
              type="checkbox"
              aria-label="Select all loaded rows"
              checked={selectAll.checked}
              ref={(box) => {
                if (box) box.indeterminate = selectAll.mixed;
              }}
              onChange={selectAll.onToggle}
            />
          </span>
        ) : null}
        {QUEUE_SORT_COLUMNS.map((column) => {
          const label = QUEUE_COLUMN_LABELS[column];
          if (!onSort || !sort) {
            return (
              <span role="columnheader" key={column}>
                {label}
              </span>
            );
          }
          const active = sort.column === column;
          return (
            <span role="columnheader" key={column} aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
              <button type="button" className="sort-button" data-testid={`sort-${column}`} onClick={() => onSort(nextSort(sort, column))}>
                {label}
                <span aria-hidden="true" className="sort-mark">
                  {active ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                </span>
              </button>
            </span>
          );
        })}
      </div>
    </div>
  );
}
