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
  | 'ok_numbered'
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
  ok_numbered: { outcome: 'OK from a server that promises no UUID echo, echoing none, of the type sent and with a request number', proves: 'created (the number names it)', kind: 'acknowledged', next: 'ACKNOWLEDGED (followed by show by that number)' },
  ok_not_ours: { outcome: 'OK with a request object carrying another UUID', proves: 'nothing about ours', kind: 'unknown', next: 'UNKNOWN' },
  ok_unverifiable: { outcome: 'OK without our UUID echoed, where the echo is promised or the answer is not of the type sent with a number', proves: 'nothing about ours', kind: 'unknown', next: 'UNKNOWN' },
  ok_malformed: { outcome: 'OK with a malformed or missing request object', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  refused: { outcome: 'an envelope error code the connection lists as refused before creation (TCP gateway: section 1 codes; CRM.COM: only codes the operator confirmed)', proves: 'refused before creation', kind: 'rejected', next: 'NEEDS_ATTENTION' },
  unauthorized: { outcome: 'UNAUTHORIZED, on CRM.COM HTTP 401/403 (again after one fresh login and one resend)', proves: 'refused before processing', kind: 'auth', next: 'RETRY_WAIT (auth pause)' },
  login_refused: { outcome: 'login refused (before the request was sent)', proves: 'not sent', kind: 'auth', next: 'RETRY_WAIT (auth pause)' },
  login_failed: { outcome: 'login failed for a transient reason (before the request was sent)', proves: 'not sent', kind: 'transient', next: 'RETRY_WAIT' },
  not_sent: { outcome: 'connection refused, not connected, TLS handshake failed, or timed out before any byte was written', proves: 'not sent', kind: 'transient', next: 'RETRY_WAIT' },
  rate_limited: { outcome: 'HTTP 429 (too many requests, RFC 6585)', proves: 'refused before processing', kind: 'transient', next: 'RETRY_WAIT' },
  system_error: { outcome: 'SYSTEM_ERROR envelope', proves: 'nothing (the head-end may have created it)', kind: 'unknown', next: 'UNKNOWN' },
  unknown_error_code: { outcome: 'an envelope error code not listed as a refusal (on CRM.COM: any code the operator has not confirmed)', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  http_5xx: { outcome: 'HTTP 5xx without an envelope (502 page, 503, ...)', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  timeout_after_write: { outcome: 'no complete answer by the deadline after the request was written', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  lost_after_write: { outcome: 'connection reset or closed after the request was written', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
  unparseable: { outcome: 'an answer that is not an envelope (garbage frame, HTML, oversized; on CRM.COM any 4xx but 401/403 without one)', proves: 'nothing', kind: 'unknown', next: 'UNKNOWN' },
};

/**
 * Envelope codes that prove the embedded sandbox and the TCP gateway refused
 * the request before creating it: validation happens before creation
 * (docs/protocol.md section 1) and the processing codes, answered as envelope
 * errors, come from a head-end that checks before it creates. CRM.COM
 * documents no codes [absent]: there a connection lists only the codes its
 * operator confirmed (crmcom setting not_created_codes, default none).
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

/**
 * The class of an envelope error code. `refusalCodes` are the codes that prove
 * "not created" on this connection; anything else, SYSTEM_ERROR included,
 * proves nothing. UNAUTHORIZED is the TCP gateway's refused token (a CRM.COM
 * client handles auth before it gets here).
 */
export function classOfErrorCode(code: string, refusalCodes: readonly string[] = REFUSAL_CODES): OutcomeClass {
  if (refusalCodes.includes(code)) return 'refused';
  if (code === 'UNAUTHORIZED') return 'unauthorized';
  return code === 'SYSTEM_ERROR' ? 'system_error' : 'unknown_error_code';
}

/** Who sent the request an OK answer should name. */
export interface OwnRequest {
  clientUuid: string;
  /** The head-end promises to echo the UDFs of a created request, so our UUID must come back. */
  echoesUuid: boolean;
  /** The type sent: without an echo, an OK answer of another type is not ours. */
  type?: string;
}

/**
 * Whether an OK answer's request object is ours. An echoed UUID decides:
 * ours, or another's (never ours, whatever else it says). Without one, where
 * the head-end promises the echo (the sandbox, docs/protocol.md section 6)
 * the answer proves nothing; where it promises none (a CRM.COM server), an
 * answer of the type sent with a request number is taken as the creation it
 * reports, and followed by that number.
 */
export function classOfOkAnswer(request: ProvisioningRequest, own: OwnRequest): OutcomeClass {
  const echoed = clientUuidOf(request as unknown as Record<string, unknown>);
  if (echoed !== null) return echoed === own.clientUuid.toLowerCase() ? 'ok_ours' : 'ok_not_ours';
  if (own.echoesUuid || own.type === undefined) return 'ok_unverifiable';
  return request.type === own.type && request.number.trim() !== '' ? 'ok_numbered' : 'ok_unverifiable';
}
