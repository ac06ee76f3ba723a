import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RequestSummary } from '../../../shared/ipc/request-schemas';
import { formatTime, providerLabel, requestLabel, stateLabel } from '../../app/format';
import { navigate } from '../../app/router';
import type { QueueRows } from './use-queue-rows';

const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 37;
const COLUMNS = ['#', 'Created', 'Provider', 'Request', 'Card', 'State', 'Head-end no.', 'Detail'];

export function StateBadge({ state }: { state: string }) {
  return <span className={`state-badge state-${state}`}>{stateLabel(state)}</span>;
}

function Row({ row }: { row: RequestSummary }) {
  return (
    <>
      <span role="gridcell" className="col-id">{row.id}</span>
      <span role="gridcell" className="col-time">{formatTime(row.created_at)}</span>
      <span role="gridcell" className="col-provider">{providerLabel(row.provider)}</span>
      <span role="gridcell" className="col-type">{requestLabel(row.provider, row.method)}</span>
      <span role="gridcell" className="col-card">{row.card_label}</span>
      <span role="gridcell" className="col-state"><StateBadge state={row.local_state} /></span>
      <span role="gridcell" className="col-number">{row.number ?? '—'}</span>
      <span role="gridcell" className="col-detail">{row.error_description ?? row.last_error ?? ''}</span>
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
      className={`queue-row${active ? ' active' : ''}`}
      data-request-id={row?.id}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${start - HEADER_HEIGHT}px)` }}
      onClick={() => onOpen(index, row)}
    >
      {row ? <Row row={row} /> : <span role="gridcell" className="loading-cell">Loading…</span>}
    </div>
  );
});

export function QueueTable({ data, label, emptyText }: { data: QueueRows; label: string; emptyText: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const count = data.total ?? data.rows.length + (data.hasMore ? 20 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
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
          {items.map((item) => (
            <Line key={item.key} row={data.rows[item.index]} index={item.index} start={item.start} active={item.index === active} onOpen={open} />
          ))}
        </div>
      </div>
    </div>
  );
}
