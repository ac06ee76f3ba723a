import { backoffCeiling, type BackoffOptions } from './backoff';

// One breaker per head-end. After `failureThreshold` consecutive failures it
// opens: nothing is sent until the open period ends, then one probe is let
// through (half-open). A success closes it; a failure re-opens it for longer,
// so a dead head-end is asked less and less often, up to the cap.

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** When an open breaker lets the next probe through (ms since epoch), else null. */
  retryAt: number | null;
}

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openBackoff: BackoffOptions;
  now?: () => number;
}

export const DEFAULT_BREAKER_OPTIONS: CircuitBreakerOptions = {
  failureThreshold: 5,
  openBackoff: { baseMs: 2_000, capMs: 60_000 },
};

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private opens = 0;
  private retryAt: number | null = null;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions = DEFAULT_BREAKER_OPTIONS) {
    this.now = options.now ?? Date.now;
  }

  /** True when a call may go out now. In half-open state only one probe at a time. */
  allow(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.retryAt !== null && this.now() >= this.retryAt) {
        this.state = 'half_open';
        this.probeInFlight = false;
      } else {
        return false;
      }
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.state = 'closed';
    this.failures = 0;
    this.opens = 0;
    this.retryAt = null;
    this.probeInFlight = false;
  }

  recordFailure(): void {
    this.failures += 1;
    this.probeInFlight = false;
    if (this.state === 'half_open' || this.failures >= this.options.failureThreshold) {
      // The open period grows with each re-open (no jitter: one breaker per office).
      this.retryAt = this.now() + backoffCeiling(this.opens, this.options.openBackoff);
      this.opens += 1;
      this.state = 'open';
    }
  }

  /** A granted probe was not used (nothing was sent): let the next caller probe. */
  cancelProbe(): void {
    this.probeInFlight = false;
  }

  /** Forget the open period (e.g. the operator pressed "sync now" or the link came back). */
  reset(): void {
    this.recordSuccess();
  }

  snapshot(): BreakerSnapshot {
    // Reading the state must not consume the half-open probe.
    const state =
      this.state === 'open' && this.retryAt !== null && this.now() >= this.retryAt ? 'half_open' : this.state;
    return { state, consecutiveFailures: this.failures, retryAt: this.state === 'open' ? this.retryAt : null };
  }
}
