import { identifierKey } from '../../shared/domain/identifiers';
import { REJECTION_CLOSING_KINDS, transitionAllowed } from '../../shared/domain/life-cycle';
import type { LocalRequest, RequestEvent } from '../../shared/domain/local-request';
import { findRequestDefinition } from '../../shared/domain/request-catalog';
import { redactAnyBody, secretFieldsOf, targetOf } from '../../shared/domain/request-fields';
import { redactSecrets } from '../../shared/domain/secrets';
import type { QueryResult, RequestDetail, RequestSummary } from '../../shared/ipc/request-schemas';

// Store rows → what crosses IPC. Bodies are redacted here whatever the store
// already did, so a PIN can never reach a window.

function subscriptionKey(params: Record<string, unknown>): string | null {
  const sub = params.subscription_identifier;
  if (sub === null || typeof sub !== 'object') return null;
  try {
    return identifierKey(sub as Record<string, unknown>);
  } catch {
    return null;
  }
}

function firstValue(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  for (const key of ['serial_number', 'number', 'code', 'alternative_code', 'id', 'ca_id']) {
    if (typeof record[key] === 'string') return record[key] as string;
  }
  return null;
}

/** The card as the operator named it (its kind's target field), for lists: the card_key may be a catalog id. */
export function cardLabelOf(r: Pick<LocalRequest, 'provider' | 'method' | 'params' | 'card_key'>): string {
  const definition = findRequestDefinition(r.provider, r.method);
  const target = definition ? targetOf(definition, r.params) : null;
  if (target === null) return r.card_key;
  const named = 'caId' in target ? `CA ${target.caId}` : firstValue(target.identifier);
  if (named === null) return r.card_key;
  return target.card === 'stb' ? `STB ${named}` : named;
}

export function redactBody(provider: string, method: string, params: Record<string, unknown>): Record<string, unknown> {
  const definition = findRequestDefinition(provider, method);
  return redactSecrets(params, definition ? secretFieldsOf(definition) : []);
}

export function toSummary(r: LocalRequest): RequestSummary {
  return {
    id: r.id,
    provider: r.provider,
    method: r.method,
    type: r.type,
    local_state: r.local_state,
    life_cycle_state: r.life_cycle_state,
    card_key: r.card_key,
    card_label: cardLabelOf(r),
    subscription: subscriptionKey(r.params),
    priority: r.priority,
    scheduled_date: r.scheduled_date,
    number: r.number,
    reference_number: r.reference_number,
    error_code: r.error_code,
    error_description: r.error_description,
    last_error: r.last_error,
    attempts: r.attempts,
    outcome_unknown: r.outcome_unknown,
    next_attempt_at: r.next_attempt_at,
    batch_id: r.batch_id,
    created_at: r.created_at,
    updated_at: r.updated_at,
    finished_at: r.finished_at,
  };
}

export function toDetail(r: LocalRequest, events: readonly RequestEvent[], result: QueryResult | null = null, replacedBy: number | null = null): RequestDetail {
  const answered = r.headend_id !== null || r.number !== null || r.error_code !== null;
  return {
    request: toSummary(r),
    params: redactBody(r.provider, r.method, r.params),
    answer: answered
      ? {
          headend_id: r.headend_id,
          number: r.number,
          reference_number: r.reference_number,
          life_cycle_state: r.life_cycle_state,
          error_code: r.error_code,
          error_description: r.error_description,
          executed_date: r.executed_date,
        }
      : null,
    result,
    replacedBy,
    events: events.map((e) => ({ id: e.id, kind: e.kind, actor: e.actor, at: e.at, detail: e.detail === null ? null : redactAnyBody(e.detail) })),
    actions: actionsFor(r, events),
  };
}

/** What the operator may do now, as the store's transitions allow it (shared/domain/life-cycle.ts). */
function actionsFor(r: LocalRequest, events: readonly RequestEvent[]): RequestDetail['actions'] {
  const facts = { ...r, rejectionOpen: !events.some((e) => (REJECTION_CLOSING_KINDS as readonly string[]).includes(e.kind)) };
  return {
    retry: transitionAllowed('retry', facts),
    discard: transitionAllowed('discard', facts),
    edit: transitionAllowed('edit', facts),
    // Both answers are offered together, once the lookups have given up:
    // "it did not arrive" is the narrower of the two (not while UNKNOWN).
    verify: transitionAllowed('confirmNotArrived', facts),
    close: transitionAllowed('close', facts),
  };
}
