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

/** Picks the Electron preload bridge when present, else the HTTP bridge. */
export function createClient(): { api: CaDeskApi; transport: TransportKind } {
  const preload = typeof window !== 'undefined' ? window.caDesk : undefined;
  const transport: CaDeskBridge = preload ?? createHttpTransport();
  const api = createValidatedApi(transport, (channel, message) => console.warn(`ignored event ${channel}: ${message}`));
  return { api, transport: preload ? 'electron' : 'browser' };
}
