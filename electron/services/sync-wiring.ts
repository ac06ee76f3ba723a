import type { CatalogKind } from '../../shared/domain/catalog';
import type { Provider } from '../../shared/domain/request-types';
import type { SyncStatus as IpcSyncStatus } from '../../shared/ipc/app-schemas';
import type { Logger } from '../logging/logger';
import type { Store } from '../store/store';
import type { CatalogStore } from '../sync/catalog-sync';
import { ConaxHttpClient } from '../sync/conax-http-client';
import { REAL_HEADEND_POLITENESS } from '../sync/dispatcher';
import type { HeadendClient } from '../sync/headend-client';
import type { HeadendCredentials } from '../sync/headend-session';
import { NagravisionTcpClient } from '../sync/nagravision-tcp-client';
import { SyncEngine } from '../sync/sync-engine';
import type { SyncEngineStatus } from '../sync/sync-events';
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
  logger?: Logger;
}

export interface WiredSync {
  engine: SyncEngine;
  /** The engine's own clients, for reads outside the engine (query answers). */
  clients: { nagravision: HeadendClient; conax: HeadendClient };
  /** Stops the engine and closes its connections. */
  close(): Promise<void>;
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
    // The Store is the SyncStore itself (it recovers interrupted sends when it opens), so
    // every batched method it has, markSendingMany and applyOutcomes among them, is used.
    store: store satisfies SyncStore & CatalogStore,
    headends,
    catalog: endpoints.catalog
      ? {
          fetch: (kind: CatalogKind, query: Record<string, unknown>) => clients.conax.getWithToken(`/sandbox/catalog/${kind}`, query),
          intervalMs: options.catalogIntervalMs ?? 60_000,
        }
      : undefined,
    idleMs: options.idleMs,
    statusPollMs: options.statusPollMs,
    // The embedded sandbox (the one with a catalog export) takes a generous window; a real head-end's capacity is unknown.
    ...(endpoints.catalog ? {} : { politeness: { nagravision: REAL_HEADEND_POLITENESS, conax: REAL_HEADEND_POLITENESS } }),
    logger: options.logger,
  });
  return {
    engine,
    clients,
    async close() {
      await engine.stop();
      await Promise.all([clients.nagravision.close(), clients.conax.close()]);
    },
  };
}

export function toIpcSyncStatus(status: SyncEngineStatus, lastError: string | null = null): Omit<IpcSyncStatus, 'lastFailureAt' | 'lastFailure'> {
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
