import { useState } from 'react';
import { BULK_ACTION_MAX_IDS, type BulkActionOutput } from '../../../shared/ipc/request-schemas';
import { useApi } from '../../app/api-context';
import { downloadText, exportFileName } from '../../app/download';
import { plural } from '../../app/format';
import type { Selection } from './selection';

// What an operator does with the rows selected in the queue: retry, discard
// (with one reason, recorded on each request as when done one at a time) or
// export them. Requests whose state does not allow the action are named and
// stay selected; the others are done and leave the selection.

function chunks(ids: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += BULK_ACTION_MAX_IDS) out.push(ids.slice(i, i + BULK_ACTION_MAX_IDS));
  return out;
}

function refusedText(refused: BulkActionOutput['refused']): string {
  if (refused.length === 0) return '';
  const first = refused.slice(0, 3).map((r) => `#${r.id}: ${r.message}`);
  return ` Not done for ${plural(refused.length, 'request')} (${first.join('; ')}${refused.length > 3 ? '; …' : ''}).`;
}

export function SelectionBar({ selected, onChange }: { selected: Selection; onChange(selected: Selection): void }) {
  const api = useApi();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const ids = [...selected];

  const act = async (channel: 'requests.retryMany' | 'requests.discardMany', verb: string) => {
    setBusy(true);
    const total: BulkActionOutput = { done: [], refused: [] };
    try {
      for (const part of chunks(ids)) {
        const result = await api.invoke(channel, { ids: part, ...(reason.trim() ? { reason: reason.trim() } : {}) });
        if (!result.ok) {
          setMessage(`${result.error.message}${total.done.length > 0 ? ` (${plural(total.done.length, 'request')} ${verb} before that)` : ''}`);
          return;
        }
        total.done.push(...result.value.done);
        total.refused.push(...result.value.refused);
      }
      const done = new Set(total.done);
      onChange(new Set(ids.filter((id) => !done.has(id))));
      setMessage(`${plural(total.done.length, 'request')} ${verb}.${refusedText(total.refused)}`);
      if (total.done.length > 0) setReason('');
    } finally {
      setBusy(false);
    }
  };

  const exportSelected = async () => {
    setBusy(true);
    try {
      let csv = '';
      let rows = 0;
      for (const part of chunks(ids)) {
        const result = await api.invoke('exports.selected', { ids: part });
        if (!result.ok) return setMessage(result.error.message);
        // One header: later parts drop theirs.
        csv += csv === '' ? result.value.csv : result.value.csv.slice(result.value.csv.indexOf('\r\n') + 2);
        rows += result.value.rows;
      }
      downloadText(exportFileName('selected-requests'), csv);
      setMessage(`Exported ${plural(rows, 'request')}.`);
    } finally {
      setBusy(false);
    }
  };

  if (selected.size === 0) {
    return message ? (
      <p role="status" className="hint selection-bar-result" data-testid="selection-result">
        {message}
      </p>
    ) : null;
  }
  return (
    <div className="selection-bar" role="group" aria-label="Selected requests">
      <strong data-testid="selection-count">{plural(selected.size, 'request')} selected</strong>
      <label>
        Reason (recorded on each)
        <input type="text" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} placeholder="Why, for the history" />
      </label>
      <button type="button" className="button small primary" disabled={busy} onClick={() => void act('requests.retryMany', 'retried')}>
        Retry selected
      </button>
      <button
        type="button"
        className="button small danger"
        disabled={busy || reason.trim() === ''}
        title={reason.trim() === '' ? 'Discarding needs a reason' : undefined}
        onClick={() => void act('requests.discardMany', 'discarded')}
      >
        Discard selected
      </button>
      <button type="button" className="button small" disabled={busy} onClick={() => void exportSelected()}>
        Export selected
      </button>
      <button type="button" className="button small" onClick={() => onChange(new Set())}>
        Clear selection
      </button>
      <span role="status" className="hint" data-testid="selection-result">
        {message}
      </span>
    </div>
  );
}
