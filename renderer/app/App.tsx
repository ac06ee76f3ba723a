import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { StatusBar, type SyncResult } from '../components/StatusBar';
import { ShortcutHelp } from '../components/ShortcutHelp';
import { NeedsAttentionScreen } from '../screens/attention/NeedsAttentionScreen';
import { BulkScreen } from '../screens/bulk/BulkScreen';
import { CardScreen } from '../screens/card/CardScreen';
import { ComposeScreen } from '../screens/compose/ComposeScreen';
import { DashboardScreen } from '../screens/dashboard/DashboardScreen';
import { ShiftReportScreen } from '../screens/report/ShiftReportScreen';
import { QueueScreen } from '../screens/queue/QueueScreen';
import { RequestDetailScreen } from '../screens/request/RequestDetailScreen';
import { SettingsScreen } from '../screens/settings/SettingsScreen';
import { useApi, useQuery } from './api-context';
import { CountsProvider } from './counts-context';
import { attentionNotice, documentTitle, notifyAttention } from './document-title';
import { navigate, routeHref, useRoute, type Route } from './router';
import { useShortcuts } from './shortcuts';

const NAV: { route: Route; label: string; key: string }[] = [
  { route: { screen: 'queue' }, label: 'Queue', key: 'q' },
  { route: { screen: 'compose' }, label: 'Compose', key: 'c' },
  { route: { screen: 'bulk' }, label: 'Bulk import', key: 'b' },
  { route: { screen: 'attention' }, label: 'Needs attention', key: 'a' },
  { route: { screen: 'dashboard' }, label: 'Dashboard', key: 'd' },
  { route: { screen: 'report' }, label: 'Shift report', key: 'r' },
  { route: { screen: 'settings' }, label: 'Connections', key: ',' },
];

export function App({ operator, onSignOut }: { operator: string; onSignOut: () => void }) {
  const api = useApi();
  const route = useRoute();
  const [helpOpen, setHelpOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const mainRef = useRef<HTMLElement>(null);
  const counts = useQuery('requests.counts', {}, ['requests.changed'], 400);
  const sharedCounts = useMemo(() => ({ counts: counts.data }), [counts.data]);

  const [syncing, setSyncing] = useState(false);
  const [syncResult, setSyncResult] = useState<SyncResult | null>(null);
  // A ref, not the state: a key held down fires again before React re-renders.
  const syncRunning = useRef(false);
  const syncNow = useCallback(() => {
    if (syncRunning.current) return;
    syncRunning.current = true;
    setSyncing(true);
    setAnnouncement('Sync started');
    setSyncResult(null);
    void api.invoke('sync.now', {}).then((r) => {
      syncRunning.current = false;
      setSyncing(false);
      const result: SyncResult = r.ok ? { message: r.value.report.message, outcome: r.value.report.outcome } : { message: `Sync failed: ${r.error.message}`, outcome: 'failed' };
      setSyncResult(result);
      setAnnouncement(result.message);
    });
  }, [api]);

  useShortcuts({
    compose: () => navigate({ screen: 'compose' }),
    search: () => {
      navigate({ screen: 'queue' });
      // The queue may need a frame to mount before its search box exists.
      requestAnimationFrame(() => document.getElementById('queue-card-filter')?.focus());
    },
    sync: syncNow,
    go: (screen) => navigate({ screen } as Route),
    help: () => setHelpOpen(true),
  });

  // Move focus to the new screen's heading so keyboard and screen-reader users follow.
  useEffect(() => {
    const heading = mainRef.current?.querySelector('h1');
    if (heading instanceof HTMLElement) heading.focus({ preventScroll: true });
  }, [route.screen]);

  const attention = counts.data?.needsAttention ?? 0;
  // The window title carries the attention count, so it shows in the taskbar too.
  useEffect(() => {
    document.title = documentTitle(attention);
  }, [attention]);
  // A desktop notification when new items arrive (if the operator opted in).
  const lastAttention = useRef<number | null>(null);
  const known = counts.data?.needsAttention;
  useEffect(() => {
    if (known === undefined) return;
    const notice = attentionNotice(lastAttention.current, known);
    lastAttention.current = known;
    if (notice !== null) notifyAttention(notice);
  }, [known]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Screens">
        <div className="brand" aria-hidden="true">
          CA Desk
        </div>
        <ul>
          {NAV.map((item) => {
            const current = item.route.screen === route.screen;
            return (
              <li key={item.label}>
                <a href={routeHref(item.route)} aria-current={current ? 'page' : undefined} aria-keyshortcuts={item.key}>
                  <span>{item.label}</span>
                  {item.route.screen === 'attention' && attention > 0 ? (
                    <span className="badge badge-attention" aria-label={`${attention} need attention`}>
                      {attention}
                    </span>
                  ) : null}
                  <kbd aria-hidden="true">{item.key}</kbd>
                </a>
              </li>
            );
          })}
        </ul>
        <button type="button" className="link-button" onClick={() => setHelpOpen(true)}>
          Keyboard shortcuts (?)
        </button>
      </nav>
      <main id="main" ref={mainRef} className="main">
        <CountsProvider value={sharedCounts}>
          <Screen route={route} />
        </CountsProvider>
      </main>
      <StatusBar counts={counts.data} onSync={syncNow} syncing={syncing} result={syncResult} operator={operator} onSignOut={onSignOut} />
      <div className="sr-only" role="status" aria-live="polite">
        {announcement}
      </div>
      {helpOpen ? <ShortcutHelp onClose={() => setHelpOpen(false)} /> : null}
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'queue':
      return <QueueScreen />;
    case 'compose':
      return (
        <ComposeScreen
          key={route.fromId ?? (route.prefill ? `${route.method}:${JSON.stringify(route.prefill)}` : 'new')}
          initialProvider={route.provider}
          initialMethod={route.method}
          fromId={route.fromId}
          prefill={route.prefill}
        />
      );
    case 'bulk':
      return <BulkScreen />;
    case 'attention':
      return <NeedsAttentionScreen />;
    case 'request':
      return <RequestDetailScreen key={route.id} id={route.id} />;
    case 'card':
      return <CardScreen key={route.card} card={route.card} />;
    case 'dashboard':
      return <DashboardScreen />;
    case 'report':
      return <ShiftReportScreen />;
    case 'settings':
      return <SettingsScreen />;
  }
}
