import type { CaDeskApi, CaDeskBridge } from '../../shared/ipc/contract';
import { createValidatedApi } from '../../shared/ipc/validated-client';
import { createHttpTransport } from './http-transport';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in browser mode. */
    caDesk?: CaDeskBridge;
  }
}

export type TransportKind = 'electron' | 'browser';

/** True where calls go over the HTTP bridge (browser mode), which a worker can call too; false under Electron's preload. */
export function usesHttpBridge(): boolean {
  return typeof window === 'undefined' || window.caDesk === undefined;
}

/** Picks the Electron preload bridge when present, else the HTTP bridge. */
export function createClient(): { api: CaDeskApi; transport: TransportKind } {
  const preload = usesHttpBridge() ? undefined : window.caDesk;
  const transport: CaDeskBridge = preload ?? createHttpTransport();
  const api = createValidatedApi(transport, (channel, message) => console.warn(`ignored event ${channel}: ${message}`));
  return { api, transport: preload ? 'electron' : 'browser' };
}
