import type { CatalogKind } from '../../shared/domain/catalog';
import type { Provider } from '../../shared/domain/request-types';
import type { SyncStatus as IpcSyncStatus } from '../../shared/ipc/app-schemas';
import type { Store } from '../store/store';
import type { CatalogStore } from '../sync/catalog-sync';
import { ConaxHttpClient } from '../sync/conax-http-client';
import type { HeadendClient } from '../sync/headend-client';
import type { HeadendCredentials } from '../sync/headend-session';
import { NagravisionTcpClient } from '../sync/nagravision-tcp-client';
import { SyncEngine } from '../sync/sync-engine';
import type { SyncStatus as EngineSyncStatus } from '../sync/sync-events';
import type { SyncStore } from '../sync/sync-store';

// Builds the sync engine (electron/sync) over the store with clients for the
// configured head-ends, and maps its status to the IPC contract.

export interface Endpoints {
  nagravision: { host: string; port: number; destinationId: string; timeoutMs: number };
  conax: { baseUrl: string; timeoutMs: number };
  credentials: HeadendCredentials;
  /** The sandbox exports its catalog; a real head-end does not. */
  catalog: boolean;
}

export interface SyncWiringOptions {
  idleMs?: number;
  statusPollMs?: number;
  catalogIntervalMs?: number;
  log?: (message: string) => void;
}

export interface WiredSync {
  engine: SyncEngine;
  /** Stops the engine and closes its connections. */
  close(): Promise<void>;
}

/** The store, as the engine's SyncStore: it recovers interrupted sends itself, at open. */
function asSyncStore(store: Store): SyncStore & CatalogStore {
  const adapter: SyncStore & CatalogStore = {
    claimDue: (now, limit) => store.claimDue(now, limit),
    markSending: (id) => store.markSending(id),
    markAcknowledged: (id, fields) => store.markAcknowledged(id, fields),
    markFinal: (id, state, fields) => store.markFinal(id, state, fields),
    markUnknown: (id, reason) => store.markUnknown(id, reason),
    scheduleRetry: (id, at, reason) => store.scheduleRetry(id, at, reason),
    markNeedsAttention: (id, code, description) => store.markNeedsAttention(id, code, description),
    markReconciled: (id, outcome) => store.markReconciled(id, outcome),
    recoverInterruptedSends: () => 0,
    pendingHeadendRequests: (limit, afterId) => store.pendingHeadendRequests(limit, afterId),
    listRequests: (query) => store.listRequests(query),
    countByState: () => store.countByState(),
    wipeSecrets: (id) => store.wipeSecrets(id),
    checkpoint: () => store.checkpoint(),
    upsertCatalog: (kind, rows) => store.upsertCatalog(kind, rows),
    catalogCursor: (kind) => store.catalogCursor(kind),
    setCatalogCursor: (kind, cursor) => store.setCatalogCursor(kind, cursor),
  };
  return adapter;
}

export function createClients(endpoints: Endpoints): { nagravision: NagravisionTcpClient; conax: ConaxHttpClient } {
  const nagravision = new NagravisionTcpClient({
    host: endpoints.nagravision.host,
    port: endpoints.nagravision.port,
    destinationId: endpoints.nagravision.destinationId,
    requestTimeoutMs: endpoints.nagravision.timeoutMs,
    connectTimeoutMs: Math.min(endpoints.nagravision.timeoutMs, 5_000),
    credentials: endpoints.credentials,
  });
  const conax = new ConaxHttpClient({
    baseUrl: endpoints.conax.baseUrl,
    timeoutMs: endpoints.conax.timeoutMs,
    credentials: endpoints.credentials,
  });
  return { nagravision, conax };
}

export function wireSync(store: Store, endpoints: Endpoints, options: SyncWiringOptions = {}): WiredSync {
  const clients = createClients(endpoints);
  const headends: Partial<Record<Provider, HeadendClient>> = clients;
  const engine = new SyncEngine({
    store: asSyncStore(store),
    headends,
    catalog: endpoints.catalog
      ? {
          fetch: (kind: CatalogKind, query: Record<string, unknown>) => clients.conax.getWithToken(`/sandbox/catalog/${kind}`, query),
          intervalMs: options.catalogIntervalMs ?? 60_000,
        }
      : undefined,
    idleMs: options.idleMs,
    statusPollMs: options.statusPollMs,
    log: options.log,
  });
  return {
    engine,
    async close() {
      await engine.stop();
      await Promise.all([clients.nagravision.close(), clients.conax.close()]);
    },
  };
}

export function toIpcSyncStatus(status: EngineSyncStatus, lastError: string | null = null): IpcSyncStatus {
  const providers: IpcSyncStatus['providers'] = {};
  let lastSyncAt: number | null = null;
  let firstError: string | null = lastError;
  const entries = Object.entries(status.perHeadend);
  for (const [provider, h] of entries) {
    if (!h) continue;
    const detail = h.authProblem ?? (h.connected ? 'connected' : (h.lastError ?? 'not connected'));
    providers[provider] = { online: h.connected && h.authProblem === null, detail };
    if (h.lastSync !== null) lastSyncAt = Math.max(lastSyncAt ?? 0, h.lastSync);
    if (!providers[provider].online) firstError ??= `${provider}: ${detail}`;
  }
  return {
    online: entries.length > 0 && Object.values(providers).every((p) => p.online),
    providers,
    running: status.running,
    pending: status.pendingCount,
    lastSyncAt,
    lastError: firstError,
  };
}
