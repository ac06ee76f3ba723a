import type { Provider } from '../../shared/domain/request-types';
import type { AppInfo, SyncReport, SyncStatus } from '../../shared/ipc/app-schemas';
import type { Store } from '../store/store';
import type { BulkService } from './bulk-service';
import type { DeskLock } from './desk-lock';
import { catalogCardKey } from './card-lookup';
import { cardView } from './card-view';
import { exportHistory, exportRequests, exportSelected } from './export-service';
import { shiftReport } from './shift-report';
import { searchCatalogItems } from './catalog-service';
import type { CommandHandlers } from './dispatcher';
import type { RequestService } from './request-service';
import type { SettingsService } from './settings-service';

// The registry of handlers, one per contract channel. The dispatcher has
// already validated input and will validate output; handlers only do the work.

export interface SyncControl {
  status(): SyncStatus;
  syncNow(): Promise<SyncStatus & { report: SyncReport }>;
  /** Something was queued or released: send soon. */
  wake(): void;
  /** The settings changed where or how to connect. */
  reconnect(): Promise<void>;
  testConnection(provider: Provider): Promise<{ reachable: boolean; latencyMs: number | null; message: string }>;
}

export interface HandlerDeps {
  store: Store;
  requests: RequestService;
  bulk: BulkService;
  settings: SettingsService;
  deskLock: DeskLock;
  sync: SyncControl;
  info: () => AppInfo;
  /** The operator's name, for reports. */
  operator: () => string;
}

export function createHandlers(d: HandlerDeps): CommandHandlers {
  const woken = <T>(value: T): T => {
    d.sync.wake();
    return value;
  };
  return {
    'app.info': () => d.info(),
    'requests.enqueue': ({ requests }) => {
      const out = d.requests.enqueue(requests);
      return out.queued > 0 ? woken(out) : out;
    },
    'requests.list': ({ filter, afterId, limit, sort }) => d.requests.list(filter, afterId, limit, sort),
    'requests.get': ({ id }) => d.requests.get(id),
    'requests.counts': () => d.requests.counts(),
    'requests.stats': ({ hours }) => d.requests.stats(hours),
    'requests.retry': ({ id, reason }) => woken(d.requests.retry(id, reason)),
    'requests.discard': ({ id, reason }) => d.requests.discard(id, reason),
    'requests.edit': ({ id, params, reason }) => woken(d.requests.edit(id, params, reason)),
    'requests.confirmArrived': ({ id, number, reason }) => woken(d.requests.confirmArrived(id, number ?? null, reason)),
    'requests.confirmNotArrived': ({ id, reason }) => woken(d.requests.confirmNotArrived(id, reason)),
    'requests.close': ({ id, reason }) => d.requests.close(id, reason),
    'requests.retryMany': ({ ids, reason }) => {
      const out = d.requests.retryMany(ids, reason);
      return out.done.length > 0 ? woken(out) : out;
    },
    'requests.discardMany': ({ ids, reason }) => d.requests.discardMany(ids, reason),
    'attention.resolved': ({ limit }) => d.requests.resolved(limit),
    'exports.requests': ({ filter, sort }) =>
      exportRequests(d.store, filter, filter.search ? catalogCardKey(d.store, filter.search.trim(), ['serial_number', 'ca_id', 'alternative_code'])?.key : undefined, sort),
    'exports.selected': ({ ids }) => exportSelected(d.store, ids),
    'exports.history': ({ from, to }) => exportHistory(d.store, from, to),
    'reports.shift': ({ from, to }) => shiftReport(d.store, d.operator(), from, to),
    'cards.get': ({ card }) => cardView(d.store, card),
    'catalog.search': ({ kind, text, limit }) => ({ items: searchCatalogItems(d.store, kind, text, limit) }),
    'bulk.preview': ({ csv }) => d.bulk.preview(csv),
    'bulk.commit': async ({ csv }) => woken(await d.bulk.commit(csv)),
    'sync.status': () => d.sync.status(),
    'sync.now': () => d.sync.syncNow(),
    'settings.get': () => d.settings.view(),
    'settings.set': async (input) => {
      if (d.settings.update(input)) await d.sync.reconnect();
      return d.settings.view();
    },
    'connections.test': async ({ provider }) => ({ provider, ...(await d.sync.testConnection(provider)) }),
    'security.status': () => d.deskLock.status(),
    // Unlocking opens the saved password too: reconnect so the sync engine logs in with it.
    'security.unlock': async ({ passphrase }) => {
      const status = d.deskLock.unlock(passphrase);
      await d.sync.reconnect();
      return status;
    },
    'security.lock': () => d.deskLock.lock(),
  };
}
