import type { Provider } from '../../shared/domain/request-types';
import type { CatalogFetch } from './catalog-sync';
import { ConaxHttpClient } from './conax-http-client';
import type { HeadendClient } from './headend-client';
import type { HeadendCredentials } from './headend-session';
import { NagravisionTcpClient } from './nagravision-tcp-client';
import { SyncEngine, type SyncEngineOptions } from './sync-engine';
import type { TcpFrameConnectionOptions } from './tcp-frame-connection';

// How the shell builds the engine from its settings: one client per
// configured head-end, the catalog read from the HTTP side (the sandbox's
// catalog export), and one close() for everything.

export interface SyncConfig {
  nagravision?: Omit<TcpFrameConnectionOptions, 'log'> & { credentials: HeadendCredentials };
  conax?: { baseUrl: string; caCertificate?: string | Buffer; timeoutMs?: number; credentials: HeadendCredentials };
  /** Where the catalog export lives (HTTP base URL) and how to log in there; defaults to the Conax head-end. */
  catalog?: { baseUrl: string; caCertificate?: string | Buffer; credentials: HeadendCredentials; intervalMs?: number };
}

export interface SyncRuntime {
  engine: SyncEngine;
  clients: Partial<Record<Provider, HeadendClient>>;
  close(): Promise<void>;
}

/** The export path of each catalog kind (docs/protocol.md, section 7). */
export function catalogExportFetch(client: ConaxHttpClient): CatalogFetch {
  return (kind, query) => client.getWithToken(`/sandbox/catalog/${kind}`, query);
}

export function createSyncEngine(
  store: SyncEngineOptions['store'],
  config: SyncConfig,
  options: Omit<SyncEngineOptions, 'store' | 'headends' | 'catalog'> = {},
): SyncRuntime {
  const log = options.log;
  const clients: Partial<Record<Provider, HeadendClient>> = {};
  if (config.nagravision) {
    clients.nagravision = new NagravisionTcpClient({ ...config.nagravision, log: log ? (_level, m) => log(`nagravision: ${m}`) : undefined });
  }
  let conax: ConaxHttpClient | undefined;
  if (config.conax) {
    conax = new ConaxHttpClient(config.conax);
    clients.conax = conax;
  }
  let catalogClient: ConaxHttpClient | undefined;
  if (config.catalog) catalogClient = new ConaxHttpClient(config.catalog);
  const source = catalogClient ?? conax;
  const engine = new SyncEngine({
    ...options,
    store,
    headends: clients,
    catalog: source ? { fetch: catalogExportFetch(source), intervalMs: config.catalog?.intervalMs } : undefined,
  });
  return {
    engine,
    clients,
    async close() {
      await engine.stop();
      await Promise.all([...Object.values(clients).map((c) => c.close()), catalogClient?.close()]);
    },
  };
}
