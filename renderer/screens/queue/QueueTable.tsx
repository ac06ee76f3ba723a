import { elementScroll, useVirtualizer, type Rect, type Virtualizer, type VirtualizerOptions } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { QueueSort } from '../../../shared/domain/queue-sort';
import type { RequestSummary } from '../../../shared/ipc/request-schemas';
import { formatTime, providerLabel, requestLabel, stateLabel } from '../../app/format';
import { navigate } from '../../app/router';
import { QueueHeader } from './QueueHeader';
import { allOrNone, toggled, withRange, type Selection } from './selection';
import type { QueueRows } from './use-queue-rows';

const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 37;
/** Rows rendered beyond each edge of the window: enough for a fast wheel flick between two frames. */
const OVERSCAN = 12;

export function StateBadge({ state }: { state: string }) {
  return <span className={`state-badge state-${state}`}>{stateLabel(state)}</span>;
}

// One element per cell: the state cell is its own badge. Strings that repeat
// on every row (provider, request type, state) are looked up, not built.
function Row({ row, selected, onSelect }: { row: RequestSummary; selected?: boolean; onSelect?: (event: MouseEvent) => void }) {
  return (
    <>
      {onSelect ? (
        <span role="gridcell" className="col-select" onClick={(e) => e.stopPropagation()}>
          <input type="checkbox" tabIndex={-1} aria-label={`Select request ${row.id}`} checked={selected} onChange={() => undefined} onClick={onSelect} />
        </span>
      ) : null}
      <span role="gridcell" className="col-id">{row.id}</span>
      <span role="gridcell" className="col-time">{formatTime(row.created_at)}</span>
      <span role="gridcell" className="col-provider">{providerLabel(row.provider)}</span>
      <span role="gridcell" className="col-type">{requestLabel(row.provider, row.method)}</span>
      <span role="gridcell" className="col-card">{row.card_label}</span>
      <span role="gridcell" className={`col-state state-badge state-${row.local_state}`}>{stateLabel(row.local_state)}</span>
      <span role="gridcell" className="col-number">{row.number ?? '—'}</span>
      <span role="gridcell" className="col-detail" title={row.error_description ?? row.last_error ?? undefined}>{row.error_description ?? row.last_error ?? ''}</span>
    </>
  );
}

interface LineProps {
  row: RequestSummary | undefined;
  index: number;
  start: number;
  active: boolean;
  /** Undefined where rows cannot be selected (then aria-selected marks the active row). */
  selected: boolean | undefined;
  onOpen(index: number, row: RequestSummary | undefined, event: MouseEvent): void;
  onSelect?: (index: number, row: RequestSummary, event: MouseEvent) => void;
}

// Memoised: while scrolling only rows that enter the window render.
const Line = memo(function Line({ row, index, start, active, selected, onOpen, onSelect }: LineProps) {
  return (
    <div
      id={row ? `queue-row-${row.id}` : undefined}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected ?? active}
      className={`queue-row queue-line${active ? ' active' : ''}${selected ? ' selected' : ''}`}
      data-request-id={row?.id}
      style={{ transform: `translateY(${start - HEADER_HEIGHT}px)` }}
      onClick={(e) => onOpen(index, row, e)}
    >
      {row ? (
        <Row row={row} selected={selected} onSelect={onSelect ? (e) => onSelect(index, row, e) : undefined} />
      ) : (
        <span role="gridcell" className="loading-cell">Loading…</span>
      )}
    </div>
  );
});

/**
 * The virtualizer's default reads the scroller's size at mount, which forces
 * a synchronous layout of the whole new screen before its first paint (and
 * before the first page is even asked for). A ResizeObserver reports the same
 * size once the browser lays the screen out anyway.
 */
function observeSizeWithoutForcedLayout(instance: Virtualizer<HTMLDivElement, Element>, onSize: (rect: Rect) => void): (() => void) | undefined {
  const element = instance.scrollElement;
  if (!element || typeof ResizeObserver === 'undefined') return undefined;
  const observer = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1]?.contentRect;
    if (box) onSize({ width: Math.round(box.width), height: Math.round(box.height) });
  });
  observer.observe(element);
  return () => observer.disconnect();
}

const writtenOnce = new WeakSet<Element>();

/**
 * At mount the virtualizer writes the initial offset, 0, to the new scroller,
 * which is at 0 already: the write would only force a synchronous layout.
 * Every later write goes through.
 */
const scrollWithoutForcedLayout: VirtualizerOptions<HTMLDivElement, Element>['scrollToFn'] = (offset, options, instance) => {
  const element = instance.scrollElement;
  if (element && !writtenOnce.has(element)) {
    writtenOnce.add(element);
    if (offset + (options.adjustments ?? 0) === 0) return;
  }
  elementScroll(offset, options, instance);
};

/** Until the first observation: no taller than the window, so enough rows render at once. */
function initialRect(): Rect {
  return typeof window === 'undefined' ? { width: 0, height: 600 } : { width: window.innerWidth, height: window.innerHeight };
}

interface TableProps {
  data: QueueRows;
  label: string;
  emptyText: string;
  /** The order shown; with onSort the headers sort by their column. */
  sort?: QueueSort;
  onSort?: (sort: QueueSort) => void;
  /** Multi-select (checkboxes, Space, Shift+arrows, Ctrl+A, Escape; Ctrl/Shift+click). */
  selection?: { selected: Selection; onChange(selected: Selection): void };
}

export function QueueTable({ data, label, emptyText, sort, onSort, selection }: TableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  // Where a Shift range starts: the row last toggled or clicked.
  const anchor = useRef(0);
  const [firstRect] = useState(initialRect);
  // Rows not loaded yet show as "Loading…": one line before the first page,
  // then a screenful below the loaded rows while the next page comes.
  const count = data.total ?? data.rows.length + (data.hasMore ? (data.rows.length === 0 ? 1 : 20) : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    observeElementRect: observeSizeWithoutForcedLayout,
    scrollToFn: scrollWithoutForcedLayout,
    initialRect: firstRect,
    overscan: OVERSCAN,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { ensureLoaded, setVisible } = data;

  useEffect(() => {
    setVisible(first, last);
    ensureLoaded(last + 1);
  }, [first, last, ensureLoaded, setVisible]);

  // The latest selection and rows for the memoised rows' callbacks.
  const latest = useRef({ selection, rows: data.rows });
  latest.current = { selection, rows: data.rows };
  const select = useRef((index: number, row: RequestSummary, event: MouseEvent) => {
    const current = latest.current.selection;
    if (!current) return;
    setActive(index);
    if (event.shiftKey) current.onChange(withRange(current.selected, latest.current.rows, anchor.current, index));
    else {
      anchor.current = index;
      current.onChange(toggled(current.selected, row.id));
    }
  }).current;
  const open = useRef((index: number, row: RequestSummary | undefined, event: MouseEvent) => {
    // With a selection, Ctrl/Cmd- and Shift-click select as in a spreadsheet; a plain click opens.
    if (row && latest.current.selection && (event.ctrlKey || event.metaKey || event.shiftKey)) {
      event.preventDefault();
      select(index, row, event);
      return;
    }
    setActive(index);
    if (row) navigate({ screen: 'request', id: row.id });
  }).current;

  const move = (index: number, extend = false) => {
    const next = Math.max(0, Math.min(count - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    if (extend && selection) selection.onChange(withRange(selection.selected, data.rows, anchor.current, next));
    else anchor.current = next;
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 360) / ROW_HEIGHT) - 1);
    const row = data.rows[active];
    const selecting: Record<string, () => void> = selection
      ? {
          ' ': () => {
            if (!row) return;
            anchor.current = active;
            selection.onChange(toggled(selection.selected, row.id));
          },
          Escape: () => selection.onChange(new Set()),
        }
      : {};
    if (selection && (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      selection.onChange(allOrNone(selection.selected, data.rows));
      return;
    }
    const keys: Record<string, () => void> = {
      ...selecting,
      ArrowDown: () => move(active + 1, event.shiftKey),
      ArrowUp: () => move(active - 1, event.shiftKey),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(count - 1),
      Enter: () => {
        if (row) navigate({ screen: 'request', id: row.id });
      },
    };
    const handler = keys[event.key];
    if (handler) {
      event.preventDefault();
      handler();
    }
  };

  if (!data.loading && data.rows.length === 0 && !data.hasMore) {
    return <p className="empty">{data.error ?? emptyText}</p>;
  }
  const activeRow = data.rows[active];
  // The whole reason of the row the keyboard is on: the column shows two lines.
  const activeDetail = activeRow ? (activeRow.error_description ?? activeRow.last_error) : null;

  // One focusable grid that scrolls; the header row sticks to its top. The
  // virtualizer is told about the header through scrollMargin.
  return (
    <div className={`queue-table${selection ? ' selectable' : ''}`} data-testid="queue-table">
      <div
        ref={scrollRef}
        className="queue-scroll"
        role="grid"
        aria-label={`${label}: arrow keys move, Enter opens${selection ? ', Space selects' : ''}`}
        aria-multiselectable={selection ? true : undefined}
        aria-rowcount={count + 1}
        tabIndex={0}
        aria-activedescendant={activeRow ? `queue-row-${activeRow.id}` : undefined}
        onKeyDown={onKeyDown}
        data-testid="queue-scroll"
      >
        <QueueHeader
          sort={sort}
          onSort={onSort}
          selectAll={
            selection
              ? {
                  checked: data.rows.length > 0 && data.rows.every((r) => selection.selected.has(r.id)),
                  mixed: selection.selected.size > 0 && !data.rows.every((r) => selection.selected.has(r.id)),
                  onToggle: () => selection.onChange(allOrNone(selection.selected, data.rows)),
                }
              : undefined
          }
        />
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = data.rows[item.index];
            // Keyed by request id, not position: when a live update inserts a
            // request above, the rows below keep their elements and only move.
            return (
              <Line
                key={row ? row.id : -1 - item.index}
                row={row}
                index={item.index}
                start={item.start}
                active={item.index === active}
                selected={selection ? row !== undefined && selection.selected.has(row.id) : undefined}
                onOpen={open}
                onSelect={selection ? select : undefined}
              />
            );
          })}
        </div>
      </div>
      {activeDetail ? (
        <p className="queue-active-detail" data-testid="queue-active-detail">
          <strong>#{activeRow!.id}:</strong> {activeDetail}
        </p>
      ) : null}
    </div>
  );
}