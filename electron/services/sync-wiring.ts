import type { CatalogKind } from '../../shared/domain/catalog';
import { HEADEND_PROFILES, type HeadendProfileId, type HeadendTransport } from '../../shared/domain/headend-profiles';
import { PROVIDERS, type Provider } from '../../shared/domain/request-types';
import type { SyncStatus as IpcSyncStatus } from '../../shared/ipc/app-schemas';
import type { Logger } from '../logging/logger';
import type { Store } from '../store/store';
import type { CatalogStore } from '../sync/catalog-sync';
import { ConaxHttpClient } from '../sync/conax-http-client';
import { CrmcomClient } from '../sync/crmcom-client';
import { CrmcomConnection, type CrmcomConnectionOptions } from '../sync/crmcom-connection';
import type { HeadendPoliteness } from '../sync/dispatcher';
import type { HeadendClient } from '../sync/headend-client';
import type { HeadendCredentials } from '../sync/headend-session';
import { NagravisionTcpClient } from '../sync/nagravision-tcp-client';
import { SyncEngine } from '../sync/sync-engine';
import type { SyncEngineStatus } from '../sync/sync-events';
import type { SyncStore } from '../sync/sync-store';

// Builds the sync engine (electron/sync) over the store with one client per
// provider, made by the transport its profile row names (headend-profiles.ts),
// and maps its status to the IPC contract.

/** Everything needed to reach the head-ends with one profile (runtime.ts fills it from the settings). */
export interface ConnectionPlan {
  profile: HeadendProfileId;
  /** tcp-gateway: Nagravision frames. */
  nagravisionTcp: { host: string; port: number; destinationId: string; timeoutMs: number };
  /** tcp-gateway: Conax at this URL's origin. */
  conaxOrigin: { baseUrl: string; timeoutMs: number };
  /** crmcom-v4: the server under its base URL. */
  crmcom: Omit<CrmcomConnectionOptions, 'now' | 'logger'>;
  credentials: HeadendCredentials;
  /** Origin of the sandbox's catalog export; null for a real head-end, which has none. */
  catalogOrigin: string | null;
  /** Per-head-end send limits; absent: the generous window the embedded sandbox takes. */
  politeness?: HeadendPoliteness;
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
  clients: Record<Provider, HeadendClient>;
  /** The CRM.COM V4 connection the clients share (catalog lookups read through it), or null for another profile. */
  crmcom: CrmcomConnection | null;
  /** Stops the engine and closes its connections. */
  close(): Promise<void>;
}

interface ClientContext {
  plan: ConnectionPlan;
  /** One CRM.COM connection (one login, one token) shared by both providers. */
  crmcom(): CrmcomConnection;
}

function only(provider: Provider, wanted: Provider, transport: HeadendTransport): void {
  if (provider !== wanted) throw new Error(`the ${transport} transport carries ${wanted} only, not ${provider}`);
}

/** One client constructor per transport: a new profile is a row in headend-profiles.ts plus, if it needs one, a transport here. */
const TRANSPORT_CLIENTS = {
  'tcp-frames': (provider, { plan }) => {
    only(provider, 'nagravision', 'tcp-frames');
    const t = plan.nagravisionTcp;
    return new NagravisionTcpClient({ host: t.host, port: t.port, destinationId: t.destinationId, requestTimeoutMs: t.timeoutMs, connectTimeoutMs: Math.min(t.timeoutMs, 5_000), credentials: plan.credentials });
  },
  'http-origin': (provider, { plan }) => {
    only(provider, 'conax', 'http-origin');
    return new ConaxHttpClient({ baseUrl: plan.conaxOrigin.baseUrl, timeoutMs: plan.conaxOrigin.timeoutMs, credentials: plan.credentials });
  },
  'crmcom-http': (provider, context) => new CrmcomClient(provider, context.crmcom()),
} satisfies Record<HeadendTransport, (provider: Provider, context: ClientContext) => HeadendClient>;

export function createClients(plan: ConnectionPlan, logger?: Logger): Record<Provider, HeadendClient> {
  return clientsWithConnection(plan, logger).clients;
}

function clientsWithConnection(plan: ConnectionPlan, logger?: Logger): { clients: Record<Provider, HeadendClient>; crmcom: CrmcomConnection | null } {
  let crmcom: CrmcomConnection | null = null;
  const context: ClientContext = { plan, crmcom: () => (crmcom ??= new CrmcomConnection({ ...plan.crmcom, logger: logger?.child({ component: 'crmcom' }) })) };
  const wires = HEADEND_PROFILES[plan.profile].providers;
  const make = (p: Provider): HeadendClient => TRANSPORT_CLIENTS[wires[p].transport](p, context);
  const clients = Object.fromEntries(PROVIDERS.map((p) => [p, make(p)])) as Record<Provider, HeadendClient>;
  return { clients, crmcom };
}

export function wireSync(store: Store, plan: ConnectionPlan, options: SyncWiringOptions = {}): WiredSync {
  const { clients, crmcom } = clientsWithConnection(plan, options.logger);
  // The sandbox's catalog export is read at its origin whatever the profile talks.
  const catalogClient =
    plan.catalogOrigin === null
      ? null
      : clients.conax instanceof ConaxHttpClient && plan.profile === 'tcp-gateway'
        ? clients.conax
        : new ConaxHttpClient({ baseUrl: plan.catalogOrigin, timeoutMs: plan.conaxOrigin.timeoutMs, credentials: plan.credentials });
  const engine = new SyncEngine({
    // The Store is the SyncStore itself (it recovers interrupted sends when it opens), so
    // every batched method it has, markSendingMany and applyOutcomes among them, is used.
    store: store satisfies SyncStore & CatalogStore,
    headends: clients,
    catalog: catalogClient
      ? {
          fetch: (kind: CatalogKind, query: Record<string, unknown>) => catalogClient.getWithToken(`/sandbox/catalog/${kind}`, query),
          intervalMs: options.catalogIntervalMs ?? 60_000,
        }
      : undefined,
    idleMs: options.idleMs,
    statusPollMs: options.statusPollMs,
    ...(plan.politeness ? { politeness: Object.fromEntries(PROVIDERS.map((p) => [p, plan.politeness!])) } : {}),
    logger: options.logger,
  });
  return {
    engine,
    clients,
    crmcom,
    async close() {
      await engine.stop();
      const all = new Set<{ close(): Promise<void> }>(Object.values(clients));
      if (catalogClient) all.add(catalogClient);
      await Promise.all([...all].map((c) => c.close()));
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
