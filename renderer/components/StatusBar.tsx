import { useEffect, useState } from 'react';
import type { Counts } from '../../shared/ipc/request-schemas';
import { useApi, useQuery } from '../app/api-context';
import { formatAgo, plural } from '../app/format';

const POLL_MS = 5000;

export interface SyncResult {
  message: string;
  outcome: 'done' | 'nothing' | 'partly' | 'failed';
}

export function StatusBar({
  counts,
  onSync,
  syncing,
  result,
  operator,
  onSignOut,
}: {
  counts: Counts | null;
  onSync: () => void;
  syncing: boolean;
  result: SyncResult | null;
  /** The signed-in operator: every action is recorded under this name. */
  operator: string;
  onSignOut: () => void;
}) {
  const api = useApi();
  const status = useQuery('sync.status', {}, ['sync.status'], 100);
  const { reload } = status;
  // Events stop when the back end dies or the stream drops: ask every few
  // seconds too (which also keeps "last sync 10 s ago" true).
  useEffect(() => {
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const [streamDown, setStreamDown] = useState<string | null>(null);
  useEffect(() => api.onConnection?.((c) => setStreamDown(c.connected ? null : (c.reason ?? 'event stream lost'))), [api]);
  const s = status.data;
  const problem = status.error?.message ?? streamDown;
  const online = problem === null && (s?.online ?? false);
  const pending = s?.pending ?? 0;
  return (
    <footer className="status-bar" aria-label="Status">
      <span className={`status-dot ${online ? 'online' : 'offline'}`} aria-hidden="true" />
      <span data-testid="connection-state">{problem !== null ? 'Disconnected' : s === null ? 'Connecting…' : online ? 'Online' : 'Offline'}</span>
      {problem !== null ? (
        <span className="status-detail" data-testid="connection-problem">
          ({problem})
        </span>
      ) : s && !online && s.lastError ? (
        <span className="status-detail">({s.lastError})</span>
      ) : null}
      <span className="status-sep" aria-hidden="true">·</span>
      <span data-testid="pending-count">{pending} pending</span>
      <span className="status-sep" aria-hidden="true">·</span>
      <span data-testid="total-count">{counts ? plural(counts.total, 'request') : ''}</span>
      <span className="status-sep" aria-hidden="true">·</span>
      <span data-testid="last-sync">Last success {formatAgo(s?.lastSyncAt)}</span>
      {s?.lastFailureAt ? (
        <>
          <span className="status-sep" aria-hidden="true">·</span>
          <span data-testid="last-failure" className="status-detail" title={s.lastFailure ?? undefined}>
            Last failure {formatAgo(s.lastFailureAt)}
          </span>
        </>
      ) : null}
      <span className="status-spacer" />
      <span data-testid="signed-in-operator" className="status-operator" title="Every action is recorded under this operator">
        {operator}
      </span>
      <button type="button" className="button small" onClick={onSignOut} title="Sign out (another operator can then sign in); clears the desk keys from memory">
        Sign out
      </button>
      {result && !syncing ? (
        <span data-testid="sync-result" data-outcome={result.outcome} className={`sync-result sync-${result.outcome}`} title={result.message}>
          {result.message}
        </span>
      ) : null}
      <button type="button" className="button small" onClick={onSync} aria-keyshortcuts="s Control+S" disabled={syncing}>
        {syncing ? 'Syncing…' : 'Sync now'}
      </button>
    </footer>
  );
}
