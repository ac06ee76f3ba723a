import { LOCAL_STATES, OUTBOX_LOCAL_STATES } from '../../shared/domain/life-cycle';
import type { LocalRequest, LocalState } from '../../shared/domain/local-request';
import { findRequestDefinition } from '../../shared/domain/request-catalog';
import type { FieldError } from '../../shared/domain/validation';
import { CardKeyResolver } from './card-key';
import { InvalidTransitionError, StoreInputError } from './errors';
import { cardHasOutbox, drawCardSeq, promoteHead } from './outbox';
import { redactParams, storedParamsJson, validateParams } from './request-params';
import { readRequest, readyTime, transition, wipedParams } from './transition';
import type { StoreContext } from './store-context';

// What an operator may do to a request that is stuck or not yet sent. Each is
// one transaction with an event naming the operator and the reason.

function checkOperator(operator: unknown): string {
  if (typeof operator !== 'string' || operator.length === 0 || operator.length > 128) {
    throw new StoreInputError('operator must be a text of 1 to 128 characters', [{ field: 'operator', message: 'required' }]);
  }
  return operator;
}

/** Sends it again: NEEDS_ATTENTION or RETRY_WAIT → QUEUED, or UNKNOWN when a send may have arrived (reconcile first). */
export function retry(ctx: StoreContext, id: number, operator: string, reason: string): LocalRequest {
  const actor = checkOperator(operator);
  return transition(ctx, id, 'retry', (request, now) => {
    const to: LocalState = request.outcome_unknown ? 'UNKNOWN' : 'QUEUED';
    return {
      to,
      set: { next_attempt_at: null },
      outbox: { readyAt: to === 'QUEUED' ? readyTime(request, now) : null },
      event: { kind: 'retried', actor, detail: { reason, to } },
    };
  });
}

/**
 * The request will never be sent; it is kept, with its history, and its
 * secrets erased. Recorded as `cancelled`, the event kind of the request
 * history's seed list; `discarded` stays readable for older files.
 */
export function discard(ctx: StoreContext, id: number, operator: string, reason: string): LocalRequest {
  const actor = checkOperator(operator);
  return transition(ctx, id, 'discard', (request, now) => ({
    to: 'DISCARDED',
    set: { finished_at: now },
    outbox: 'remove',
    wipe: true,
    event: { kind: 'cancelled', actor, detail: { reason, outcome_unknown: request.outcome_unknown } },
  }));
}

export type EditResult = { ok: true; request: LocalRequest } | { ok: false; errors: FieldError[] };

/**
 * Replaces the params (validated like enqueue) and queues the request again.
 * A request whose earlier send may have arrived cannot be edited: it must be
 * reconciled or discarded. A new card moves it to the end of that card's queue.
 */
export function edit(ctx: StoreContext, id: number, newParams: unknown, operator: string, reason: string): EditResult {
  const actor = checkOperator(operator);
  const current = readRequest(ctx, id);
  const definition = findRequestDefinition(current.provider, current.method);
  if (!definition) throw new StoreInputError(`request ${id} has unknown method ${current.method}`);
  const validated = validateParams(definition, newParams);
  if (Array.isArray(validated)) return { ok: false, errors: validated };
  const json = storedParamsJson(validated, ctx.sealer);
  if (typeof json !== 'string') return { ok: false, errors: [json] };

  const request = transition(ctx, id, 'edit', (before, now) => {
    const resolver = new CardKeyResolver(ctx);
    const card = resolver.resolve(validated.card, before.client_uuid);
    resolver.rememberUnresolved(card);
    const moves = card.key !== before.card_key;
    const cardSeq = moves ? drawCardSeq(ctx, 1) : before.card_seq;
    return {
      to: 'QUEUED',
      set: {
        params: json,
        secrets_wiped: 0,
        priority: validated.priority,
        scheduled_date: validated.scheduledDate,
        search_text: validated.searchText,
        card_key: card.key,
        card_seq: cardSeq,
        next_attempt_at: null,
        error_code: null,
        error_description: null,
      },
      outbox: { readyAt: Math.max(validated.scheduledAt ?? 0, now) },
      after: () => {
        const wasHead = (ctx.sql('SELECT is_head FROM outbox WHERE request_id = ?').get(id) as { is_head: number }).is_head === 1;
        if (moves) {
          const isHead = !cardHasOutbox(ctx, card.key);
          ctx
            .sql('UPDATE outbox SET card_key = ?, card_seq = ?, is_head = ? WHERE request_id = ?')
            .run(card.key, cardSeq, isHead ? 1 : 0, id);
          if (wasHead) promoteHead(ctx, before.card_key);
        }
        ctx.sql('UPDATE outbox SET priority_rank = ? WHERE request_id = ?').run(validated.priority === 'EXPRESS' ? 1 : 0, id);
      },
      event: {
        kind: 'edited',
        actor,
        detail: { reason, before: redactParams(definition, before.params), after: redactParams(definition, validated.params) },
      },
    };
  });
  return { ok: true, request };
}

// Once out of the outbox a request is never sent again (life-cycle.ts).
const WIPEABLE = LOCAL_STATES.filter((state) => !OUTBOX_LOCAL_STATES.includes(state));

/**
 * Rewrites the stored params with redactSecrets (the PIN becomes "[redacted]")
 * and records it. Only once the request can never be sent again; the store
 * already does it when a request is acknowledged, finished or discarded.
 * Returns false when there was nothing left to erase.
 */
export function wipeSecrets(ctx: StoreContext, id: number, actor = 'store'): boolean {
  return ctx.db.transaction(() => {
    const request = readRequest(ctx, id);
    if (!WIPEABLE.includes(request.local_state)) {
      throw new InvalidTransitionError(id, request.local_state, 'wipeSecrets', WIPEABLE, 'it may still be sent');
    }
    const wiped = wipedParams(request);
    if (!wiped) return false;
    ctx.sql('UPDATE requests SET params = ?, secrets_wiped = 1, updated_at = ? WHERE id = ?').run(wiped.params, ctx.now(), id);
    ctx.event(id, 'secrets_wiped', actor, null);
    return true;
  })();
}

// After an unknown outcome that no lookup could settle (the head-end cannot
// prove absence: reconciler.ts, VERIFY_AT_HEADEND), the operator checks at
// the head-end and says what they saw. Both are recorded as `reconciled`
// with the operator as actor, so the history shows who decided. Which states
// allow each (and "send again" not while UNKNOWN): life-cycle.ts TRANSITIONS.

const HEADEND_NUMBER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * "It arrived": with the head-end's number the request is ACKNOWLEDGED (the
 * status poller follows it by number); without one the operator saw it done
 * and it is COMPLETED. Never sent again either way.
 */
export function confirmArrived(ctx: StoreContext, id: number, operator: string, number: string | null, reason: string): LocalRequest {
  const actor = checkOperator(operator);
  if (number !== null && !HEADEND_NUMBER.test(number)) {
    throw new StoreInputError('the head-end number must be 1 to 64 letters, digits, - or _', [{ field: 'number', message: 'not a head-end number' }]);
  }
  return transition(ctx, id, 'confirmArrived', (request, now) => {
    const done = number === null;
    return {
      to: done ? 'COMPLETED' : 'ACKNOWLEDGED',
      set: {
        ...(done ? { finished_at: now } : { number }),
        life_cycle_state: done ? 'COMPLETED' : 'PENDING',
        outcome_unknown: 0,
        acknowledged_at: request.acknowledged_at ?? now,
        error_code: null,
        error_description: null,
      },
      outbox: 'remove',
      wipe: true,
      event: { kind: 'reconciled', actor, detail: { found: true, by: 'operator', number, reason } },
    };
  });
}

/** "It did not arrive: send again": the operator checked at the head-end; the request is queued as never sent. */
export function confirmNotArrived(ctx: StoreContext, id: number, operator: string, reason: string): LocalRequest {
  const actor = checkOperator(operator);
  return transition(ctx, id, 'confirmNotArrived', (request, now) => {
    return {
      to: 'QUEUED',
      set: { outcome_unknown: 0, next_attempt_at: null, error_code: null, error_description: null },
      outbox: { readyAt: readyTime(request, now) },
      event: { kind: 'reconciled', actor, detail: { found: false, by: 'operator', reason } },
    };
  });
}
