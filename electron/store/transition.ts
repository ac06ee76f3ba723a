import type { LocalRequest, LocalState, RequestEventKind } from '../../shared/domain/local-request';
import { TRANSITIONS, transitionRefusal, type TransitionKind, type TransitionRow } from '../../shared/domain/life-cycle';
import { findRequestDefinition } from '../../shared/domain/request-catalog';
import { parseLocalDateTime } from '../../shared/domain/dates';
import { InvalidTransitionError, RequestNotFoundError } from './errors';
import { removeFromOutbox, setReadyAt } from './outbox';
import { redactParams } from './request-params';
import { REQUEST_COLUMNS, toLocalRequest, type StoreContext } from './store-context';

/** What one state change does; applied in one transaction with its event. */
export interface Change {
  to: LocalState;
  /** Columns to set besides local_state and updated_at. */
  set?: Record<string, string | number | null>;
  /** Leave the outbox (acknowledged or finished), or stay with this ready time (null: not sendable). */
  outbox: 'remove' | { readyAt: number | null } | 'unchanged';
  event: { kind: RequestEventKind; actor: string; detail: Record<string, unknown> | null };
  /** Erase secrets from params (the head-end has the request, or it will never be sent). */
  wipe?: boolean;
  /** Extra writes in the same transaction, after the row is updated. */
  after?: () => void;
}

export function readRequest(ctx: StoreContext, id: number): LocalRequest {
  const row = ctx.sql(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = ?`).get(id);
  if (row === undefined) throw new RequestNotFoundError(id);
  return toLocalRequest(row);
}

/** When a request may next be sent: not before its scheduled_date, nor before `notBefore`. */
export function readyTime(request: Pick<LocalRequest, 'scheduled_date'>, notBefore: number): number {
  const scheduled = request.scheduled_date === null ? 0 : parseLocalDateTime(request.scheduled_date).getTime();
  return Math.max(scheduled, notBefore);
}

/**
 * Applies `wipe`: rewrites params with redactSecrets. Returns the columns to
 * set, or null when there was nothing secret to erase.
 */
export function wipedParams(request: LocalRequest): Record<string, string | number> | null {
  if (request.secrets_wiped) return null;
  const definition = findRequestDefinition(request.provider, request.method);
  if (!definition) return null;
  const redacted = redactParams(definition, request.params);
  const json = JSON.stringify(redacted);
  if (json === JSON.stringify(request.params)) return null;
  return { params: json, secrets_wiped: 1 };
}

/**
 * Applies one transition of the life-cycle table (shared/domain/life-cycle.ts):
 * refused, changing nothing, when the request's state (or a condition of the
 * row) does not allow it; `build` may refuse further by throwing.
 */
export function transition(
  ctx: StoreContext,
  id: number,
  kind: TransitionKind,
  build: (request: LocalRequest, now: number) => Change,
): LocalRequest {
  const row: TransitionRow = TRANSITIONS[kind];
  return ctx.db.transaction(() => {
    const request = readRequest(ctx, id);
    const refusal = transitionRefusal(kind, request);
    if (refusal !== null) {
      throw new InvalidTransitionError(id, request.local_state, kind, row.from, row.from.includes(request.local_state) ? refusal : undefined);
    }
    const now = ctx.now();
    const change = build(request, now);
    if (!row.to.includes(change.to)) throw new Error(`${kind} may lead only to ${row.to.join(', ')}, not ${change.to}`);
    const wiped = change.wipe ? wipedParams(request) : null;
    const columns: Record<string, string | number | null> = {
      ...change.set,
      ...wiped,
      local_state: change.to,
      updated_at: now,
    };
    const names = Object.keys(columns);
    ctx
      .sql(`UPDATE requests SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = ?`)
      .run(...names.map((n) => columns[n]), id);
    if (change.outbox === 'remove') removeFromOutbox(ctx, id);
    else if (change.outbox !== 'unchanged') setReadyAt(ctx, id, change.outbox.readyAt);
    change.after?.();
    ctx.event(id, change.event.kind, change.event.actor, change.event.detail, now);
    if (wiped) ctx.event(id, 'secrets_wiped', change.event.actor, null, now);
    // The row is what was read plus the columns just written (a sync send makes
    // two transitions per request: reading it back again doubled their reads);
    // an `after` hook may write more, so then it is read back.
    return change.after ? readRequest(ctx, id) : withColumns(request, columns);
  })();
}

/** A LocalRequest with columns set as they were stored (params as JSON text, flags as 0/1). */
function withColumns(request: LocalRequest, columns: Record<string, string | number | null>): LocalRequest {
  const updated: Record<string, unknown> = { ...request };
  for (const [name, value] of Object.entries(columns)) {
    if (!(name in updated)) continue; // a column LocalRequest does not show (search_text)
    if (name === 'params') updated.params = JSON.parse(value as string) as Record<string, unknown>;
    else if (name === 'secrets_wiped' || name === 'outcome_unknown') updated[name] = value === 1;
    else updated[name] = value;
  }
  return updated as unknown as LocalRequest;
}
