import { formatTime } from '../../app/format';

// An event's detail as words: times in the operator's format, never raw epoch
// numbers; nested values as compact JSON.

const TIME_KEYS = /(^at$|_at$)/;

function valueText(key: string, value: unknown): string {
  if (typeof value === 'number' && TIME_KEYS.test(key)) return formatTime(value);
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function EventDetail({ detail }: { detail: Record<string, unknown> }) {
  return (
    <dl className="event-detail">
      {Object.entries(detail).map(([key, value]) => (
        <div key={key}>
          <dt>{key.replace(/_/g, ' ')}</dt>
          <dd>{valueText(key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}
