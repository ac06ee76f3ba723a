import type { Provider } from '../../shared/domain/request-types';
import { CircuitBreaker, DEFAULT_BREAKER_OPTIONS, type CircuitBreakerOptions } from './circuit-breaker';
import type { HeadendClient, SubmitOutcome } from './headend-client';
import type { HeadendStatus } from './sync-events';

// One head-end as the engine sees it: its client, its breaker, and what the
// status bar shows (online since / offline since, last sync, next retry).

export class HeadendLink {
  readonly breaker: CircuitBreaker;
  private online = false;
  private offlineSince: number | null;
  private lastSync: number | null = null;
  private lastError: string | null = null;
  private authProblem: string | null = null;
  private authPausedUntil = 0;
  private nextRetryAt: number | null = null;

  constructor(
    readonly provider: Provider,
    readonly client: HeadendClient,
    private readonly now: () => number,
    breakerOptions: CircuitBreakerOptions = DEFAULT_BREAKER_OPTIONS,
  ) {
    this.breaker = new CircuitBreaker({ ...breakerOptions, now });
    this.offlineSince = now();
  }

  /** May a request be sent now? Consumes the half-open probe when it says yes. */
  allowSend(): boolean {
    if (this.now() < this.authPausedUntil) return false;
    return this.breaker.allow();
  }

  /** Whether to bother with reads (reconcile, status poll, catalog) this pass. */
  reachable(): boolean {
    return this.now() >= this.authPausedUntil && this.breaker.snapshot().state !== 'open';
  }

  /** Records what one send taught us about the head-end. Returns true if its health changed. */
  noteSubmit(outcome: SubmitOutcome, authPauseMs: number): void {
    switch (outcome.kind) {
      case 'acknowledged':
      case 'rejected':
        // The head-end answered: it is alive, whatever it thought of the request.
        this.noteReachable();
        return;
      case 'auth':
        this.authProblem = `${outcome.code}: ${outcome.description}`;
        this.authPausedUntil = this.now() + authPauseMs;
        this.nextRetryAt = this.authPausedUntil;
        return;
      case 'transient':
      case 'unknown':
        this.noteFailure(outcome.kind === 'transient' ? outcome.reason : outcome.reason);
        return;
    }
  }

  noteReachable(): void {
    this.breaker.recordSuccess();
    this.authProblem = null;
    this.authPausedUntil = 0;
    if (!this.online) {
      this.online = true;
      this.offlineSince = null;
    }
    this.nextRetryAt = null;
  }

  noteFailure(reason: string): void {
    this.breaker.recordFailure();
    this.lastError = reason;
    if (this.online || this.offlineSince === null) {
      this.online = false;
      this.offlineSince = this.now();
    }
    this.nextRetryAt = this.breaker.snapshot().retryAt;
  }

  noteSynced(): void {
    this.lastSync = this.now();
  }

  /** The operator asked to sync now: forget pauses and open periods. */
  resetPauses(): void {
    this.breaker.reset();
    this.authPausedUntil = 0;
    this.nextRetryAt = null;
  }

  status(): HeadendStatus {
    return {
      connected: this.online && this.client.connected,
      offlineSince: this.online ? null : this.offlineSince,
      lastSync: this.lastSync,
      nextRetryAt: this.nextRetryAt,
      breaker: this.breaker.snapshot(),
      lastError: this.lastError,
      authProblem: this.authProblem,
    };
  }
}
