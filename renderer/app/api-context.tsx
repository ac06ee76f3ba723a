import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { CommandChannel, EventChannel } from '../../shared/ipc/channels';
import type { CaDeskApi, CommandInput, CommandOutput, EventPayload } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/result';

const ApiContext = createContext<CaDeskApi | null>(null);

export function ApiProvider({ api, children }: { api: CaDeskApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): CaDeskApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

/** Subscribes to an event stream for the component's lifetime. */
export function useEvent<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): void {
  const api = useApi();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => api.on(channel, (payload) => ref.current(payload)), [api, channel]);
}

export interface QueryState<T> {
  data: T | null;
  error: IpcError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs a read command when its input changes and whenever `refreshOn` events
 * arrive (debounced), keeping the last good answer on screen meanwhile.
 */
export function useQuery<C extends CommandChannel>(
  channel: C,
  input: CommandInput<C> | null,
  refreshOn: readonly EventChannel[] = [],
  debounceMs = 250,
): QueryState<CommandOutput<C>> {
  const api = useApi();
  const [state, setState] = useState<{ data: CommandOutput<C> | null; error: IpcError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: input !== null,
  });
  const key = input === null ? null : JSON.stringify(input);
  const generation = useRef(0);
  // A new input must never show the previous input's answer (e.g. request #1 under "Request #2").
  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    setShownKey(key);
    setState({ data: null, error: null, loading: key !== null });
  }
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (key === null) return;
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    void api.invoke(channel, JSON.parse(key) as CommandInput<C>).then((result) => {
      if (mine !== generation.current) return;
      setState(result.ok ? { data: result.value, error: null, loading: false } : (s) => ({ ...s, error: result.error, loading: false }));
    });
  }, [api, channel, key, tick]);

  const refreshKey = refreshOn.join(',');
  useEffect(() => {
    if (refreshKey === '') return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const schedule = () => {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        reload();
      }, debounceMs);
    };
    const offs = (refreshKey.split(',') as EventChannel[]).map((c) => api.on(c, schedule));
    return () => {
      offs.forEach((off) => off());
      if (timer !== null) clearTimeout(timer);
    };
  }, [api, refreshKey, debounceMs, reload]);

  return { ...state, reload };
}
