import type { LocalRequest, LocalState } from '../../shared/domain/local-request';
import type { LifeCycleState, Provider } from '../../shared/domain/request-types';
import type { BreakerSnapshot } from './circuit-breaker';

// What the UI subscribes to. Events carry identifiers, states and the
// head-end's words, never request params: a PIN cannot travel through here.

export interface RequestChangedEvent {
  type: 'request-changed';
  requestId: number;
  clientUuid: string;
  provider: Provider;
  localState: LocalState;
  lifeCycleState: LifeCycleState | null;
  headendId: string | null;
  number: string | null;
  errorCode: string | null;
  errorDescription: string | null;
  lastError: string | null;
  nextAttemptAt: number | null;
}

export interface HeadendStatus {
  connected: boolean;
  /** When this head-end was last seen going away (ms since epoch); null while online. */
  offlineSince: number | null;
  /** End of the last sync pass that reached the head-end. */
  lastSync: number | null;
  /** When the engine will next try this head-end, if it is waiting. */
  nextRetryAt: number | null;
  breaker: BreakerSnapshot;
  /** The last failure, in words (never a secret). */
  lastError: string | null;
  /** Login refused: sending is paused until credentials change or syncNow(). */
  authProblem: string | null;
}

export interface SyncEngineStatus {
  running: boolean;
  perHeadend: Partial<Record<Provider, HeadendStatus>>;
  /** Requests still ours to send or settle (in the outbox). */
  pendingCount: number;
  /** Requests the head-end has and we are polling to completion. */
  awaitingHeadendCount: number;
}

export interface StatusChangedEvent {
  type: 'status-changed';
  status: SyncEngineStatus;
}

export type SyncEvent = RequestChangedEvent | StatusChangedEvent;
export type SyncListener = (event: SyncEvent) => void;

export function requestChanged(request: LocalRequest): RequestChangedEvent {
  return {
    type: 'request-changed',
    requestId: request.id,
    clientUuid: request.client_uuid,
    provider: request.provider,
    localState: request.local_state,
    lifeCycleState: request.life_cycle_state,
    headendId: request.headend_id,
    number: request.number,
    errorCode: request.error_code,
    errorDescription: request.error_description,
    lastError: request.last_error,
    nextAttemptAt: request.next_attempt_at,
  };
}

/** A tiny typed emitter: a listener that throws is reported, never breaks the engine. */
export class SyncEvents {
  private readonly listeners = new Set<SyncListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  onChange(listener: SyncListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: SyncEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
