import type { Provider } from '../../shared/domain/request-types';
import type { AppInfo, ConnectionTestResult, SyncReport, SyncStatus } from '../../shared/ipc/app-schemas';
import type { Store } from '../store/store';
import type { BulkService } from './bulk-service';
import type { DeskLock } from './desk-lock';
import { catalogCardKey } from './card-lookup';
import { cardView } from './card-view';
import { exportHistory, exportRequests, exportSelected } from './export-service';
import { shiftReport } from './shift-report';
import { searchCatalogItems } from './catalog-service';
import type { CatalogServerLookups } from './catalog-server-lookups';
import { importCatalogCsv } from './catalog-import';
import type { CommandHandlers } from './service-registry';
import type { RequestService } from './request-service';
import type { SettingsService } from './settings-service';
import type { OperatorSession } from './operator-session';
import { auditSettingsChange } from './settings-audit';
import { connectionHandlers } from './connection-handlers';
import { changeConnection, headendTarget } from './connection-change';

// The registry of handlers, one per contract channel. The dispatcher has
// already validated input and will validate output; handlers only do the work.

export interface SyncControl {
  status(): SyncStatus;
  syncNow(): Promise<SyncStatus & { report: SyncReport }>;
  /** Something was queued or released: send soon. */
  wake(): void;
  /** The settings changed where or how to connect. */
  reconnect(): Promise<void>;
  /** Makes `change` with the engine stopped (nothing is sent meanwhile), then reconnects; `change` may throw to refuse. */
  reconnectAfter<T>(change: () => T): Promise<T>;
  testConnection(provider: Provider): Promise<Omit<ConnectionTestResult, 'provider'>>;
}

export interface HandlerDeps {
  store: Store;
  requests: RequestService;
  bulk: BulkService;
  settings: SettingsService;
  deskLock: DeskLock;
  sync: SyncControl;
  info: () => AppInfo;
  /** The signed-in operator (operator-session.ts): refuses when nobody is signed in. */
  session: OperatorSession;
  /** Asks a CRM.COM V4 server for a typed identifier the local catalog lacks (catalog-server-lookups.ts). */
  lookups: Pick<CatalogServerLookups, 'lookUp'>;
}

/** Lets other work run between chunks of a long check (a 100k-row file). */
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

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
    'reports.shift': ({ from, to }) => shiftReport(d.store, d.session.operatorName(), from, to),
    'cards.get': ({ card }) => cardView(d.store, card),
    'catalog.search': async ({ kind, text, limit }) => {
      const items = searchCatalogItems(d.store, kind, text, limit);
      if (items.some((i) => i.exact) || !(await d.lookups.lookUp(kind, text))) return { items };
      return { items: searchCatalogItems(d.store, kind, text, limit) };
    },
    'bulk.queueBatch': ({ batchId, rows }) => woken(d.bulk.queueBatch(batchId, rows)),
    'catalog.importCheck': ({ kind, csv }) => importCatalogCsv(d.store, kind, csv, { dryRun: true, onProgress: yieldNow }),
    // a card the catalog now knows may release requests queued under the name they gave it
    'catalog.import': async ({ kind, csv }) => woken(await importCatalogCsv(d.store, kind, csv, { dryRun: false, onProgress: yieldNow })),
    'sync.status': () => d.sync.status(),
    'sync.now': () => d.sync.syncNow(),
    'settings.get': () => d.settings.view(),
    'settings.set': async (input) => {
      const actor = d.session.operatorName();
      const targetMoves = input.connections !== undefined && headendTarget(input.connections) !== headendTarget(d.settings.connections());
      // The change and its audit event are one transaction: neither without the other.
      return changeConnection(d, targetMoves, () =>
        d.store.inTransaction(() => {
          const before = d.settings.view();
          const reconnect = d.settings.update(input);
          const after = d.settings.view();
          auditSettingsChange(d.store, actor, before, after, input.password !== undefined || before.passwordSaved !== after.passwordSaved);
          return { reconnect, result: after };
        }),
      );
    },
    'connections.test': async ({ provider }) => ({ provider, ...(await d.sync.testConnection(provider)) }),
    'connections.sendable': () => d.settings.sendable(),
    ...connectionHandlers(d),
    'security.status': () => d.deskLock.status(),
    // Unlocking opens the saved password too: reconnect so the sync engine logs in with it.
    'security.unlock': async ({ passphrase }) => {
      const status = d.deskLock.unlock(passphrase);
      await d.sync.reconnect();
      return status;
    },
    // Locked: the sync engine must drop a password it can no longer open (and wait, not log in without it).
    'security.lock': async () => {
      const status = d.deskLock.lock();
      await d.sync.reconnect();
      return status;
    },
    'operators.session': () => d.session.view(),
    'operators.create': (input) => d.session.create(input),
    'operators.signIn': ({ name, password }) => d.session.signIn(name, password),
    'operators.signOut': () => d.session.signOut(),
    'operators.touch': () => d.session.touch(),
    'operators.setHeadendLogin': ({ headend }) => d.session.setHeadendLogin(headend),
  };
}
