import type { CaDeskBridge, TransportConnection } from '../../shared/ipc/contract';

// Browser mode: the same calls over the loopback bridge. The session cookie
// (HttpOnly, set by the launch URL) rides along with same-origin requests.

export interface HttpTransportOptions {
  /** Origin of the bridge; '' for same-origin (the normal case). */
  baseUrl?: string;
  fetchImpl?: typeof fetch;
  /** Headers for every call (Node tests pass the cookie here; browsers send it themselves). */
  headers?: Record<string, string>;
  /** Null where EventSource does not exist: events are then not delivered. */
  eventSourceFactory?: ((url: string) => EventSource) | null;
}

export function createHttpTransport(options: HttpTransportOptions = {}): CaDeskBridge {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const factory =
    options.eventSourceFactory === undefined
      ? typeof EventSource === 'undefined'
        ? null
        : (url: string) => new EventSource(url, { withCredentials: true })
      : options.eventSourceFactory;
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const wired = new Set<string>();
  const connectionListeners = new Set<(connection: TransportConnection) => void>();
  const report = (connection: TransportConnection) => {
    for (const listener of connectionListeners) listener(connection);
  };

  const ensureSource = (channel: string) => {
    if (factory === null) return;
    if (source === null) {
      source = factory(`${base}/events`);
      // EventSource retries by itself; until it is back, events (and so fresh state) are lost.
      source.onerror = () => report({ connected: false, reason: source?.readyState === 2 ? 'event stream closed' : 'event stream lost, reconnecting' });
      source.onopen = () => report({ connected: true });
    }
    if (!wired.has(channel)) {
      wired.add(channel);
      source.addEventListener(channel, (event) => {
        let payload: unknown;
        try {
          payload = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const listener of listeners.get(channel) ?? []) listener(payload);
      });
    }
  };

  return {
    async invoke(channel, input) {
      const response = await doFetch(`${base}/ipc/${encodeURIComponent(channel)}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', ...options.headers },
        body: JSON.stringify(input ?? {}),
      });
      if (response.status === 401) throw new Error('the session has expired: reopen CA Desk from its launch link');
      const text = await response.text();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`the bridge answered HTTP ${response.status} without JSON`);
      }
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    on(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(listener);
      ensureSource(channel);
      return () => {
        set.delete(listener);
      };
    },
  };
}
