import { useEffect, useState } from 'react';
import type { Counts } from '../../shared/ipc/request-schemas';
import { useQuery } from '../app/api-context';
import { formatAgo } from '../app/format';

export function StatusBar({ counts, onSync, syncing }: { counts: Counts | null; onSync: () => void; syncing: boolean }) {
  const status = useQuery('sync.status', {}, ['sync.status'], 100);
  // Re-render every few seconds so "last sync 10 s ago" stays true.
  const [, setNow] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setNow((n) => n + 1), 5000);
    return () => clearInterval(timer);
  }, []);
  const s = status.data;
  const online = s?.online ?? false;
  const pending = s?.pending ?? 0;
  return (
    <footer className="status-bar" aria-label="Status">
      <span className={`status-dot ${online ? 'online' : 'offline'}`} aria-hidden="true" />
      <span data-testid="connection-state">{s === null ? 'Connecting…' : online ? 'Online' : 'Offline'}</span>
      {s && !online && s.lastError ? <span className="status-detail">({s.lastError})</span> : null}
      <span className="status-sep" aria-hidden="true">·</span>
      <span data-testid="pending-count">{pending} pending</span>
      <span className="status-sep" aria-hidden="true">·</span>
      <span>{counts ? `${counts.total} requests` : ''}</span>
      <span className="status-sep" aria-hidden="true">·</span>
      <span data-testid="last-sync">Last sync {formatAgo(s?.lastSyncAt)}</span>
      <span className="status-spacer" />
      <button type="button" className="button small" onClick={onSync} aria-keyshortcuts="s Control+S" disabled={syncing}>
        {syncing ? 'Syncing…' : 'Sync now'}
      </button>
    </footer>
  );
}
