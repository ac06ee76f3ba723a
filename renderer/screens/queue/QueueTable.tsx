import { elementScroll, useVirtualizer, type Rect, type Virtualizer, type VirtualizerOptions } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RequestSummary } from '../../../shared/ipc/request-schemas';
import { formatTime, providerLabel, requestLabel, stateLabel } from '../../app/format';
import { navigate } from '../../app/router';
import type { QueueRows } from './use-queue-rows';

const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 37;
/** Rows rendered beyond each edge of the window: enough for a fast wheel flick between two frames. */
const OVERSCAN = 12;
const COLUMNS = ['#', 'Created', 'Provider', 'Request', 'Card', 'State', 'Head-end no.', 'Detail'];

export function StateBadge({ state }: { state: string }) {
  return <span className={`state-badge state-${state}`}>{stateLabel(state)}</span>;
}

// One element per cell: the state cell is its own badge. Strings that repeat
// on every row (provider, request type, state) are looked up, not built.
function Row({ row }: { row: RequestSummary }) {
  return (
    <>
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
  onOpen(index: number, row: RequestSummary | undefined): void;
}

// Memoised: while scrolling only rows that enter the window render.
const Line = memo(function Line({ row, index, start, active, onOpen }: LineProps) {
  return (
    <div
      id={row ? `queue-row-${row.id}` : undefined}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={active}
      className={`queue-row queue-line${active ? ' active' : ''}`}
      data-request-id={row?.id}
      style={{ transform: `translateY(${start - HEADER_HEIGHT}px)` }}
      onClick={() => onOpen(index, row)}
    >
      {row ? <Row row={row} /> : <span role="gridcell" className="loading-cell">Loading…</span>}
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

export function QueueTable({ data, label, emptyText }: { data: QueueRows; label: string; emptyText: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
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

  const open = useRef((index: number, row: RequestSummary | undefined) => {
    setActive(index);
    if (row) navigate({ screen: 'request', id: row.id });
  }).current;

  const move = (index: number) => {
    const next = Math.max(0, Math.min(count - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 360) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(count - 1),
      Enter: () => {
        const row = data.rows[active];
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

  // One focusable grid that scrolls; the header row sticks to its top. The
  // virtualizer is told about the header through scrollMargin.
  return (
    <div className="queue-table" data-testid="queue-table">
      <div
        ref={scrollRef}
        className="queue-scroll"
        role="grid"
        aria-label={`${label}: arrow keys move, Enter opens`}
        aria-rowcount={count + 1}
        tabIndex={0}
        aria-activedescendant={activeRow ? `queue-row-${activeRow.id}` : undefined}
        onKeyDown={onKeyDown}
        data-testid="queue-scroll"
      >
        <div role="rowgroup" className="queue-head">
          <div role="row" className="queue-row" aria-rowindex={1}>
            {COLUMNS.map((c) => (
              <span role="columnheader" key={c}>
                {c}
              </span>
            ))}
          </div>
        </div>
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = data.rows[item.index];
            // Keyed by request id, not position: when a live update inserts a
            // request above, the rows below keep their elements and only move.
            return <Line key={row ? row.id : -1 - item.index} row={row} index={item.index} start={item.start} active={item.index === active} onOpen={open} />;
          })}
        </div>
      </div>
    </div>
  );
}
