// Exponential backoff with "full jitter" (delay drawn uniformly in
// [0, min(cap, base * 2^attempt)]): many offices reconnecting after the same
// outage spread out instead of hitting the head-end in waves.

export interface BackoffOptions {
  /** Delay scale of the first retry, in ms. */
  baseMs: number;
  /** Largest delay ever returned, in ms. */
  capMs: number;
}

/** The upper bound of the delay before retry number `attempt` (0 = first retry). */
export function backoffCeiling(attempt: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 40);
  return Math.min(options.capMs, options.baseMs * 2 ** exponent);
}

/** A full-jitter delay; `random` is injectable so tests can pin it. */
export function fullJitterDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCeiling(attempt, options));
}
