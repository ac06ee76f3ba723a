import type { IpcResult } from '../../shared/ipc/result';
import type { ReceivedEntry } from '../sandbox/request-store';
import type { Store } from '../store/store';
import type { EventListener } from './service-registry';
import type { Runtime } from './runtime';

// What the UI-facing side (Electron IPC registration, the browser bridge, the
// e2e fixture, the benchmarks) holds of the back end. The back end normally
// runs in a worker thread (runtime-host.ts) so the store's synchronous
// transactions never stall the main loop; unit tests may run it on the
// calling thread (inProcessHandle). Both look the same from here: every call
// is asynchronous.

/**
 * Store methods the host may call directly: test fixtures and benchmarks seed
 * and inspect the store with them. Not reachable from the renderer, which only
 * ever gets the contract's channels.
 */
export const STORE_PROBES = ['enqueue', 'discard', 'countByState', 'searchCatalog', 'eventsFor', 'listRequests', 'getRequest', 'checkpoint'] as const;
export type StoreProbeName = (typeof STORE_PROBES)[number];

type Probe<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
export type StoreProbe = { readonly [K in StoreProbeName]: Probe<Store[K]> };

export interface RuntimeHandle {
  readonly dataDir: string;
  /** Where the back end runs: its own worker thread, or this thread (unit tests). */
  readonly placement: 'worker' | 'in-process';
  /** The contract's entry point: validates, runs, validates again; never throws. */
  dispatch(channel: string, input: unknown): Promise<IpcResult<unknown>>;
  /** Contract events (already validated); returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** Stops the embedded sandbox (the console goes offline); startHeadend brings it back on the same ports. */
  stopHeadend(): Promise<void>;
  startHeadend(): Promise<void>;
  /** What the embedded sandbox received (tests); null while it is stopped. */
  headendReceived(card?: string): Promise<ReceivedEntry[] | null>;
  /** Direct store access for fixtures and benchmarks (see STORE_PROBES). */
  readonly store: StoreProbe;
  /** The runtime itself when it runs on this thread, else null. */
  readonly local: Runtime | null;
  close(): Promise<void>;
}

/** Calls one probed store method; shared by both placements so they cannot differ. */
export function callStoreProbe(store: Store, name: string, args: unknown[]): unknown {
  if (!(STORE_PROBES as readonly string[]).includes(name)) throw new Error(`store.${name.slice(0, 64)} is not a store probe`);
  const method = store[name as StoreProbeName] as (...a: unknown[]) => unknown;
  return method.apply(store, args);
}

export function storeProbe(call: (name: StoreProbeName, args: unknown[]) => Promise<unknown>): StoreProbe {
  return Object.fromEntries(STORE_PROBES.map((name) => [name, (...args: unknown[]) => call(name, args)])) as unknown as StoreProbe;
}

/** The runtime on this thread, behind the same asynchronous interface as the worker. */
export function inProcessHandle(runtime: Runtime): RuntimeHandle {
  return {
    dataDir: runtime.dataDir,
    placement: 'in-process',
    dispatch: (channel, input) => runtime.registry.dispatch(channel, input),
    subscribe: (listener) => runtime.registry.events.subscribe(listener),
    stopHeadend: () => runtime.stopHeadend(),
    startHeadend: () => runtime.startHeadend(),
    headendReceived: async (card) => runtime.headend()?.received(card) ?? null,
    store: storeProbe(async (name, args) => callStoreProbe(runtime.store, name, args)),
    local: runtime,
    close: () => runtime.close(),
  };
}
