import type { ProvisioningRequest } from '../../shared/domain/provisioning-request';
import type { ListingProof } from '../../shared/domain/headend-profiles';
import type { Provider } from '../../shared/domain/request-types';
import type { OutcomeClass } from './outcome-classes';

// The one small interface the dispatcher sees, whatever the protocol.

/**
 * What became of one POST. The distinction that matters is whether the
 * head-end may have created the request: only `unknown` leaves that open, and
 * a request with an unknown outcome is reconciled before it is ever resent
 * (the head-end does not deduplicate).
 */
export type SubmitOutcome =
  /** The head-end created the request and answered it. */
  | { kind: 'acknowledged'; request: ProvisioningRequest }
  /** The head-end refused it for good (validation, CLIENT_NOT_FOUND, ...): an operator must look. */
  | { kind: 'rejected'; code: string; description: string }
  /** Still UNAUTHORIZED after one fresh login: the credentials are wrong or the account is locked. */
  | { kind: 'auth'; code: string; description: string }
  /** Proven not created (not sent, login failed first, HTTP 429): safe to send again later. */
  | { kind: 'transient'; reason: string; code?: string }
  /**
   * Creation not disproven: SYSTEM_ERROR, HTTP 5xx, timeout or connection lost
   * after writing, an answer that is not ours or cannot be read
   * (outcome-classes.ts). Looked up, never resent blindly.
   */
  | { kind: 'unknown'; reason: string; outcomeClass?: OutcomeClass };

/** A show/list answer, or why there is none. Reads are idempotent: a failure is simply retried. */
export type QueryOutcome<T> =
  | { kind: 'ok'; data: T }
  | { kind: 'error'; errorClass: 'permanent' | 'transient' | 'auth'; code: string; description: string };

export interface ListFilter {
  type?: string;
  life_cycle_state?: string;
  reference_number?: string;
  fields_set?: string;
  /** Paging (sandbox extension, see docs/protocol.md): 1-based page and its size. */
  page?: number;
  records_per_page?: number;
  /** CRM.COM paging (R13+): rows to skip and page size; the answer is a bare array, short on the last page. */
  offset?: number;
  number_of_results?: number;
}

/** Paging information a paged list answer carries (sandbox extension). */
export interface Paging {
  page: number;
  records_per_page: number;
  total_records: number;
  total_pages: number;
}

export interface ListPage {
  items: PartialRequest[];
  /** null when the head-end does not page (then items is everything). */
  paging: Paging | null;
}

export interface SubmitHooks {
  /** Called once the request's bytes were handed to the OS (crash-test hook point). */
  onWritten?: () => void;
}

export type PartialRequest = Partial<ProvisioningRequest> & Record<string, unknown>;

export interface HeadendClient {
  readonly provider: Provider;
  /**
   * Sends one POST. `params` is the stored request body (no token); the client
   * adds the session token and tags the body with `clientUuid` (see
   * shared/domain/client-uuid.ts). Never throws: every failure is an outcome.
   */
  submit(
    method: string,
    params: Record<string, unknown>,
    clientUuid: string,
    hooks?: SubmitHooks,
  ): Promise<SubmitOutcome>;
  show(identifier: { id: string } | { number: string }, fieldsSet?: string): Promise<QueryOutcome<PartialRequest>>;
  list(filter: ListFilter): Promise<QueryOutcome<ListPage>>;
  /** Cheap liveness check; resolves true when the head-end answered. */
  ping(): Promise<boolean>;
  /** True while a connection is believed usable (HTTP: the last exchange succeeded). */
  readonly connected: boolean;
  /** Whether a created request's answer echoes our UUID (udf_string_8); when false no answer can prove it is ours. */
  readonly echoesClientUuid?: boolean;
  /**
   * How a list can prove itself complete, so absence can be concluded
   * (reconciler.ts). Default 'paging-block'; 'none' hands every unknown
   * outcome to the operator.
   */
  readonly listing?: ListingProof;
  /** How long a submit waits for its answer; the reconcile grace must not be shorter (SyncEngine checks). */
  readonly requestTimeoutMs?: number;
  close(): Promise<void>;
}

/** Whether bytes of a request may have reached the head-end before the failure. */
export type Delivery = 'not_sent' | 'maybe_sent';

export type TransportErrorKind =
  | 'not_connected'
  | 'connect_failed'
  | 'timeout'
  | 'connection_lost'
  | 'malformed_answer'
  | 'http_status'
  | 'closed';

/** A failure below the API: the socket, the framing, the HTTP layer. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    readonly delivery: Delivery,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
