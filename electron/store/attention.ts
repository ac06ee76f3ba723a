import type { LocalRequest, LocalState } from '../../shared/domain/local-request';
import { ATTENTION_HELD_STATES, ATTENTION_UNTIL_CLOSED_STATES, REJECTION_CLOSING_KINDS, TRANSITIONS, transitionRefusal } from '../../shared/domain/life-cycle';
import { InvalidTransitionError, StoreInputError } from './errors';
import { rebuildHead } from './outbox';
import { readRequest } from './transition';
import { requestColumnsOf, toLocalRequest, type StoreContext } from './store-context';

// The attention inbox. An item is open while its request needs an operator
// (shared/domain/life-cycle.ts, `attention`): NEEDS_ATTENTION or UNKNOWN (held
// in the outbox), or REJECTED by the head-end and not yet closed; either way
// its card's later requests wait (claimDue). It is resolved by retry, edit or
// discard (the request moves on), by verification (the operator checked a
// rejection: nothing to do) or by a corrected copy queued in its place (the
// item links to it, and the copy takes its place in the card's queue).

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** SQL: the rejection in row `table` (an alias of requests) was closed — verified or replaced. */
export const rejectionClosed = (table: string) =>
  `EXISTS (SELECT 1 FROM request_event_log l WHERE l.request_id = ${table}.id AND l.kind IN (${sqlList(REJECTION_CLOSING_KINDS)}))`;
const REJECTION_CLOSED = rejectionClosed('r');

export const RESOLUTION_KINDS = ['retried', 'edited', 'cancelled', 'discarded', 'verified', 'replaced'] as const;

/** Open items: held requests and rejections not closed. */
export function countOpenAttention(ctx: StoreContext): number {
  return ctx
    .sql(
      `SELECT (SELECT count(*) FROM requests WHERE local_state IN (${sqlList(ATTENTION_HELD_STATES)}))
            + (SELECT count(*) FROM requests r WHERE r.local_state IN (${sqlList(ATTENTION_UNTIL_CLOSED_STATES)}) AND NOT ${REJECTION_CLOSED})`,
    )
    .pluck()
    .get() as number;
}

function closeRejection(ctx: StoreContext, id: number, operator: string, kind: 'verified' | 'replaced', detail: Record<string, unknown>): LocalRequest {
  if (operator.length === 0 || operator.length > 128) throw new StoreInputError('operator must be a text of 1 to 128 characters');
  const request = readRequest(ctx, id);
  const action = kind === 'verified' ? 'close' : 'replace';
  const rejectionOpen = ctx.sql(`SELECT ${REJECTION_CLOSED} FROM requests r WHERE r.id = ?`).pluck().get(id) !== 1;
  const refusal = transitionRefusal(action, { ...request, rejectionOpen });
  if (refusal !== null) {
    const from: readonly LocalState[] = TRANSITIONS[action].from;
    throw new InvalidTransitionError(id, request.local_state, action, from, from.includes(request.local_state) ? refusal : undefined);
  }
  ctx.event(id, kind, operator, detail);
  return request;
}

/** The operator checked a rejection and closes it: nothing more to do. */
export function verifyRejection(ctx: StoreContext, id: number, operator: string, reason: string): LocalRequest {
  return ctx.db.transaction(() => closeRejection(ctx, id, operator, 'verified', { reason }))();
}

/**
 * A corrected copy (`by`) was queued in place of a rejected request. Call
 * inside the enqueue's transaction. The copy of a request for the same card
 * takes the rejection's place in that card's queue, before the requests that
 * waited behind the rejection, so effects keep the operator's order.
 */
export function markReplaced(ctx: StoreContext, id: number, by: number, operator: string): void {
  const rejected = closeRejection(ctx, id, operator, 'replaced', { by });
  const copy = readRequest(ctx, by);
  if (copy.card_key !== rejected.card_key || copy.card_seq < rejected.card_seq) return;
  ctx.sql('UPDATE requests SET card_seq = ? WHERE id = ?').run(rejected.card_seq, by);
  ctx.sql('UPDATE outbox SET card_seq = ? WHERE request_id = ?').run(rejected.card_seq, by);
  rebuildHead(ctx, copy.card_key);
}

export interface Resolution {
  request: LocalRequest;
  kind: (typeof RESOLUTION_KINDS)[number];
  actor: string;
  at: number;
  reason: string | null;
  /** The request queued in its place (kind "replaced"). */
  replacedBy: number | null;
}

/** Items operators resolved, newest first (at most `limit`). */
export function recentResolutions(ctx: StoreContext, limit: number): Resolution[] {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new StoreInputError('limit must be an integer from 1 to 1000');
  const rows = ctx
    .sql(
      `SELECT l.kind AS e_kind, l.actor AS e_actor, l.at AS e_at, l.detail AS e_detail, ${requestColumnsOf('r')}
       FROM request_event_log l JOIN requests r ON r.id = l.request_id
       WHERE l.kind IN (${RESOLUTION_KINDS.map((k) => `'${k}'`).join(', ')})
       ORDER BY l.id DESC LIMIT ?`,
    )
    .all(limit) as (Record<string, unknown> & { e_kind: Resolution['kind']; e_actor: string; e_at: number; e_detail: string | null })[];
  return rows.map(({ e_kind, e_actor, e_at, e_detail, ...row }) => {
    const detail = e_detail === null ? {} : (JSON.parse(e_detail) as Record<string, unknown>);
    return {
      request: toLocalRequest(row),
      kind: e_kind,
      actor: e_actor,
      at: e_at,
      reason: typeof detail.reason === 'string' ? detail.reason : null,
      replacedBy: typeof detail.by === 'number' ? detail.by : null,
    };
  });
}

/** The request that replaced this one, if any. */
export function replacementOf(ctx: StoreContext, id: number): number | null {
  const detail = ctx.sql("SELECT detail FROM request_event_log WHERE request_id = ? AND kind = 'replaced' ORDER BY id DESC LIMIT 1").pluck().get(id) as string | undefined;
  const by = detail ? (JSON.parse(detail) as { by?: unknown }).by : undefined;
  return typeof by === 'number' ? by : null;
}
