import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, fullJitterDelay } from './backoff';
import { CircuitBreaker } from './circuit-breaker';

describe('full-jitter backoff', () => {
  it('stays within [0, min(cap, base·2^attempt)] for any attempt and draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const options = { baseMs: 100, capMs: 10_000 };
        const delay = fullJitterDelay(attempt, options, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(10_000, 100 * 2 ** attempt));
      }),
    );
  });

  it('grows exponentially until the cap', () => {
    const options = { baseMs: 100, capMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffCeiling(a, options))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(fullJitterDelay(3, options, () => 0.5)).toBe(400);
  });
});

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one probe through when the period ends, and closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, openBackoff: { baseMs: 1_000, capMs: 8_000 }, now: () => now });
    for (let i = 0; i < 2; i++) {
      expect(breaker.allow()).toBe(true);
      breaker.recordFailure();
    }
    expect(breaker.snapshot().state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', retryAt: 1_000 });
    expect(breaker.allow()).toBe(false);
    now = 1_000;
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false); // one probe at a time
    breaker.recordFailure(); // the probe failed: open again, for longer
    expect(breaker.snapshot()).toMatchObject({ state: 'open', retryAt: 3_000 });
    now = 3_000;
    expect(breaker.allow()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, retryAt: null });
    expect(breaker.allow()).toBe(true);
  });
});
