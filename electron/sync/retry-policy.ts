import type { HeadendFields } from '../../shared/domain/local-request';
import type { ProvisioningRequest } from '../../shared/domain/provisioning-request';
import { fullJitterDelay, type BackoffOptions } from './backoff';
import type { PartialRequest } from './headend-client';

// When a request is tried again, and what the store keeps of a head-end answer.

export interface RetryOptions {
  /** Backoff of transient failures (network, SYSTEM_ERROR, HTTP 5xx). */
  backoff: BackoffOptions;
  /** Pause after the head-end refused our login (wrong credentials do not heal by hammering). */
  authRetryMs: number;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  backoff: { baseMs: 1_000, capMs: 5 * 60_000 },
  authRetryMs: 5 * 60_000,
};

/** When retry number `attempts` (1 = after the first failed send) may go out. */
export function nextAttemptAt(now: number, attempts: number, options: RetryOptions): number {
  return now + fullJitterDelay(Math.max(0, attempts - 1), options.backoff, options.random);
}

/** The head-end's own fields of a request, in the store's words. */
export function headendFieldsOf(request: ProvisioningRequest | PartialRequest): HeadendFields {
  return {
    headend_id: String(request.id),
    number: String(request.number),
    reference_number: request.reference_number ?? null,
    life_cycle_state: request.life_cycle_state,
    error_code: request.error_code ?? null,
    error_description: request.error_description ?? null,
    executed_date: request.executed_date ?? null,
  };
}
