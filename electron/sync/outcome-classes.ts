import type { ProvisioningRequest } from '../../shared/domain/provisioning-request';
import { clientUuidOf } from '../../shared/domain/client-uuid';
import type { SubmitOutcome } from './headend-client';

// What each way a submit can end PROVES about whether the head-end created
// the request, and so what becomes of it locally. The head-end does not
// deduplicate: only an outcome that proves "not created" may lead to another
// send; everything that leaves creation open is UNKNOWN and is settled by a
// lookup that proves presence or absence (reconciler.ts) or by an operator.
// This table is the one place that decides; docs/protocol.md section 8
// reproduces it (a test checks that every row is there).

export type OutcomeClass =
  | 'ok_ours'
  | 'ok_not_ours'
  | 'ok_unverifiable'
  | 'ok_malformed'
  | 'refused'
  | 'unauthorized'
  | 'login_refused'
  | 'login_failed'
  | 'not_sent'
  | 'rate_limited'
  | 'system_error'
  | 'unknown_error_code'
  | 'http_5xx'
  | 'timeout_after_write'
  | 'lost_after_write'
  | 'unparseable';

export interface OutcomeRule {
  /** What the outcome is, in the words of the docs table. */
  outcome: string;
  proves: string;
  /** The SubmitOutcome kind it becomes; the dispatcher maps kinds to local states. */
  kind: SubmitOutcome['kind'];
  next: string;
}

export const OUTCOME_TABLE: Record<OutcomeClass, OutcomeRule> = {
  ok_ours: { outcome: 'OK with a request object carrying our UUID', proves: 'created', kind: 'acknowledged', next: 'ACKNOWLEDGED (or COMPLETED/REJECTED as answered)' },
  ok_not_ours: { outcome: 'OK with a request object carrying another UUID', proves: 'nothing about ours', kind: 'unknown', next: 'UNKNOWN' },
  ok_unverifiable: { outcome: 'OK without our UUID echoed', proves: 'nothing about ours', kind: 'unknown', next: 'UNKNOWN' },
  ok_malformed: { outcome: 'OK with a malformed or missing request object', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  refused: { outcome: 'INVALID_PARAMETERS, NOT_FOUND or a documented processing refusal as envelope error', proves: 'refused before creation', kind: 'rejected', next: 'NEEDS_ATTENTION' },
  unauthorized: { outcome: 'UNAUTHORIZED (after one fresh login and one retry)', proves: 'refused before processing', kind: 'auth', next: 'RETRY_WAIT (auth pause)' },
  login_refused: { outcome: 'login refused (before the request was sent)', proves: 'not sent', kind: 'auth', next: 'RETRY_WAIT (auth pause)' },
  login_failed: { outcome: 'login failed for a transient reason (before the request was sent)', proves: 'not sent', kind: 'transient', next: 'RETRY_WAIT' },
  not_sent: { outcome: 'connection refused, not connected, TLS handshake failed, or timed out before any byte was written', proves: 'not sent', kind: 'transient', next: 'RETRY_WAIT' },
  rate_limited: { outcome: 'HTTP 429 without an envelope', proves: 'refused before processing', kind: 'transient', next: 'RETRY_WAIT' },
  system_error: { outcome: 'SYSTEM_ERROR envelope', proves: 'nothing (the head-end may have created it)', kind: 'unknown', next: 'UNKNOWN' },
  unknown_error_code: { outcome: 'an envelope error code not documented', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  http_5xx: { outcome: 'HTTP 5xx without an envelope (502 page, 503, ...)', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  timeout_after_write: { outcome: 'no complete answer by the deadline after the request was written', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  lost_after_write: { outcome: 'connection reset or closed after the request was written', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  unparseable: { outcome: 'an answer that is not an envelope (garbage frame, HTML, oversized)', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
};

/**
 * Envelope codes that prove the head-end refused the request before creating
 * it. Validation happens before creation (docs/protocol.md section 1); the
 * processing codes, answered as envelope errors, come from a head-end that
 * checks before it creates. Anything else, SYSTEM_ERROR included, proves nothing.
 */
export const REFUSAL_CODES: readonly string[] = [
  'INVALID_PARAMETERS',
  'NOT_FOUND',
  'INPUT_VALIDATION_ERROR',
  'FEATURE_NOT_AVAILABLE',
  'CLIENT_NOT_FOUND',
  'CLIENT_NOT_MANAGED_BY_SMS',
];

/** The SubmitOutcome of a class, with the facts that explain it. */
export function outcomeOf(cls: OutcomeClass, detail: { code?: string; description?: string; request?: ProvisioningRequest }): SubmitOutcome {
  const rule = OUTCOME_TABLE[cls];
  const words = detail.description ?? rule.outcome;
  switch (rule.kind) {
    case 'acknowledged':
      return { kind: 'acknowledged', request: detail.request! };
    case 'rejected':
      return { kind: 'rejected', code: detail.code ?? cls.toUpperCase(), description: words };
    case 'auth':
      return { kind: 'auth', code: detail.code ?? 'UNAUTHORIZED', description: words };
    case 'transient':
      return { kind: 'transient', reason: detail.code ? `${detail.code}: ${words}` : words, ...(detail.code ? { code: detail.code } : {}) };
    case 'unknown':
      return { kind: 'unknown', reason: `${rule.outcome}${detail.code ? ` (${detail.code})` : ''}: ${words}`, outcomeClass: cls };
  }
}

/** The class of an envelope error code (UNAUTHORIZED is handled by the session before it gets here). */
export function classOfErrorCode(code: string): OutcomeClass {
  if (code === 'UNAUTHORIZED') return 'unauthorized';
  if (code === 'SYSTEM_ERROR') return 'system_error';
  return REFUSAL_CODES.includes(code) ? 'refused' : 'unknown_error_code';
}

/**
 * Whether an OK answer's request object is ours. Where the head-end promises
 * to echo the UDFs (the sandbox, docs/protocol.md section 6) the echo must be
 * our UUID; where it does not, nothing in the answer can prove it is ours.
 */
export function classOfOkAnswer(request: ProvisioningRequest, clientUuid: string, echoesUuid: boolean): OutcomeClass {
  if (!echoesUuid) return 'ok_unverifiable';
  const echoed = clientUuidOf(request as unknown as Record<string, unknown>);
  if (echoed === null) return 'ok_unverifiable';
  return echoed === clientUuid.toLowerCase() ? 'ok_ours' : 'ok_not_ours';
}
