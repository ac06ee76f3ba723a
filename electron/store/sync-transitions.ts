import {
  headendFieldsSchema,
  type HeadendFields,
  type LocalRequest,
  type LocalState,
} from '../../shared/domain/local-request';
import { TRANSITIONS, VERIFY_AT_HEADEND } from '../../shared/domain/life-cycle';
import { fieldErrors } from '../../shared/domain/validation';
import { InvalidTransitionError, StoreInputError } from './errors';
import { readyTime, transition, type Change } from './transition';
import { toMillis, type StoreContext } from './store-context';

// State changes made by the sync engine (actor "sync"). Each is one
// transaction with its event; a change the current state does not allow
// throws InvalidTransitionError and changes nothing.

const SYNC = 'sync';

// Built once: zod compiles a schema on its first parse, and every status
// answer passes here (a partial() made per call was compiled per call).
const partialHeadendFieldsSchema = headendFieldsSchema.partial();

function parseHeadend(fields: unknown, partial: boolean): Partial<HeadendFields> {
  const schema = partial ? partialHeadendFieldsSchema : headendFieldsSchema;
  const result = schema.safeParse(fields);
  if (!result.success) {
    throw new StoreInputError('head-end fields are not valid', fieldErrors(result.error));
  }
  return result.data;
}

function headendColumns(fields: Partial<HeadendFields>): Record<string, string | null> {
  const columns: Record<string, string | null> = {};
  for (const name of ['headend_id', 'number', 'reference_number', 'error_code', 'error_description', 'executed_date'] as const) {
    const value = fields[name];
    if (value !== undefined) columns[name] = value;
  }
  return columns;
}

function summary(fields: Partial<HeadendFields>): Record<string, unknown> {
  return {
    headend_id: fields.headend_id ?? null,
    number: fields.number ?? null,
    life_cycle_state: fields.life_cycle_state ?? null,
    error_code: fields.error_code ?? null,
  };
}

// Once the head-end has the request, our earlier transport failures (login
// refused, connection refused, a rejection before an edit) no longer describe
// it: the row forgets them, its history (request_events) keeps them.
const STALE_ERRORS_CLEARED = { last_error: null, next_attempt_at: null } as const;

/**
 * A head-end request belongs to one of ours at most. An answer naming one that
 * another local request already holds proves nothing about this one (a server
 * without the UUID echo, answering with another request): the transition is
 * refused, and the dispatcher records the outcome as unknown.
 */
function refuseAnothersHeadendId(ctx: StoreContext, request: LocalRequest, fields: Partial<HeadendFields>): void {
  if (!fields.headend_id) return;
  // INDEXED BY: with the provider in the WHERE the planner picked the provider
  // index and read half the requests per answer (seen at 1M requests).
  const holders = ctx
    .sql('SELECT id, provider FROM requests INDEXED BY requests_by_headend_id WHERE headend_id = ? AND id != ?')
    .all(fields.headend_id, request.id) as { id: number; provider: string }[];
  const holder = holders.find((h) => h.provider === request.provider)?.id;
  if (holder !== undefined) throw new StoreInputError(`head-end request ${fields.headend_id} is already local request ${holder}: the answer does not prove anything about request ${request.id}`);
}

function acknowledged(fields: Partial<HeadendFields>, request: LocalRequest, now: number): Change['set'] {
  return {
    error_code: null,
    error_description: null,
    ...STALE_ERRORS_CLEARED,
    ...headendColumns(fields),
    life_cycle_state: 'PENDING',
    outcome_unknown: 0,
    acknowledged_at: request.acknowledged_at ?? now,
  };
}

function finished(
  state: 'COMPLETED' | 'REJECTED',
  fields: Partial<HeadendFields>,
  request: LocalRequest,
  now: number,
): Change['set'] {
  // A completion carries no error, whatever an earlier attempt said; a
  // rejection carries the head-end's own error_code and words.
  return {
    ...STALE_ERRORS_CLEARED,
    ...headendColumns(fields),
    ...(state === 'COMPLETED' ? { error_code: null, error_description: null } : {}),
    life_cycle_state: state,
    outcome_unknown: 0,
    acknowledged_at: request.acknowledged_at ?? now,
    finished_at: now,
  };
}

export function markSending(ctx: StoreContext, id: number): LocalRequest {
  return transition(ctx, id, 'markSending', (request) => {
    // claimDue's rule, checked again here: a catalog merge may have re-keyed
    // cards since the claim, putting this head behind a request in flight.
    const head = ctx
      .sql(
        `SELECT o.is_head,
                EXISTS (SELECT 1 FROM outbox b JOIN requests rb ON rb.id = b.request_id
                        WHERE b.card_key = o.card_key AND rb.id <> o.request_id AND rb.local_state IN ('SENDING', 'UNKNOWN')) AS busy
         FROM outbox o WHERE o.request_id = ?`,
      )
      .get(id) as { is_head: number; busy: number } | undefined;
    if (head?.is_head !== 1) {
      throw new InvalidTransitionError(id, request.local_state, 'markSending', TRANSITIONS.markSending.from, 'not the head of its card queue');
    }
    if (head.busy === 1) {
      throw new InvalidTransitionError(id, request.local_state, 'markSending', TRANSITIONS.markSending.from, 'another request of its card is being sent or unsettled');
    }
    const attempt = request.attempts + 1;
    return {
      to: 'SENDING',
      set: { attempts: attempt, sent_at: ctx.now(), next_attempt_at: null },
      outbox: { readyAt: null },
      event: { kind: 'sent', actor: SYNC, detail: { attempt } },
    };
  });
}

export function markAcknowledged(ctx: StoreContext, id: number, fields: HeadendFields): LocalRequest {
  const parsed = parseHeadend(fields, false);
  if (parsed.life_cycle_state !== undefined && parsed.life_cycle_state !== 'PENDING') {
    throw new StoreInputError(`life_cycle_state is ${parsed.life_cycle_state}: use markFinal`);
  }
  return transition(ctx, id, 'markAcknowledged', (request, now) => {
    refuseAnothersHeadendId(ctx, request, parsed);
    return {
      to: 'ACKNOWLEDGED',
      set: acknowledged(parsed, request, now),
      outbox: 'remove',
      wipe: true,
      event: { kind: 'acknowledged', actor: SYNC, detail: summary({ ...parsed, life_cycle_state: 'PENDING' }) },
    };
  });
}

export function markFinal(
  ctx: StoreContext,
  id: number,
  state: 'COMPLETED' | 'REJECTED',
  fields: Partial<HeadendFields> = {},
): LocalRequest {
  if (state !== 'COMPLETED' && state !== 'REJECTED') throw new StoreInputError('state must be COMPLETED or REJECTED');
  const parsed = parseHeadend(fields, true);
  return transition(ctx, id, 'markFinal', (request, now) => {
    refuseAnothersHeadendId(ctx, request, parsed);
    return {
      to: state,
      set: finished(state, parsed, request, now),
      outbox: 'remove',
      wipe: true,
      event: { kind: state === 'COMPLETED' ? 'completed' : 'rejected', actor: SYNC, detail: summary({ ...parsed, life_cycle_state: state }) },
    };
  });
}

export function markUnknown(ctx: StoreContext, id: number, reason: string): LocalRequest {
  return transition(ctx, id, 'markUnknown', () => ({
    to: 'UNKNOWN',
    set: { outcome_unknown: 1, last_error: reason },
    outbox: { readyAt: null },
    event: { kind: 'outcome_unknown', actor: SYNC, detail: { reason } },
  }));
}

export function scheduleRetry(ctx: StoreContext, id: number, at: Date | number, reason: string): LocalRequest {
  const when = toMillis(at);
  if (!Number.isFinite(when)) throw new StoreInputError('retry time must be a valid date');
  return transition(ctx, id, 'scheduleRetry', (request) => ({
    to: 'RETRY_WAIT',
    set: { next_attempt_at: when, last_error: reason },
    outbox: { readyAt: readyTime(request, when) },
    event: { kind: 'retry_scheduled', actor: SYNC, detail: { reason, at: when } },
  }));
}

export function markNeedsAttention(ctx: StoreContext, id: number, code: string, description: string): LocalRequest {
  return transition(ctx, id, 'markNeedsAttention', () => ({
    to: 'NEEDS_ATTENTION',
    set: { error_code: code, error_description: description, last_error: `${code}: ${description}` },
    outbox: { readyAt: null },
    event: { kind: 'failed', actor: SYNC, detail: { error_code: code, error_description: description } },
  }));
}

/** What asking the head-end found about a request whose outcome was unknown. */
export type ReconcileOutcome = { found: false } | { found: true; fields: HeadendFields };

/**
 * Settles UNKNOWN: found → ACKNOWLEDGED, COMPLETED or REJECTED after its
 * life_cycle_state; not found → QUEUED again (safe to resend).
 */
export function markReconciled(ctx: StoreContext, id: number, outcome: ReconcileOutcome): LocalRequest {
  const parsed = outcome.found ? parseHeadend(outcome.fields, false) : null;
  return transition(ctx, id, 'markReconciled', (request, now) => {
    if (parsed === null) {
      return {
        to: 'QUEUED',
        set: { outcome_unknown: 0, next_attempt_at: null },
        outbox: { readyAt: readyTime(request, now) },
        event: { kind: 'reconciled', actor: SYNC, detail: { found: false } },
      };
    }
    refuseAnothersHeadendId(ctx, request, parsed);
    const state = parsed.life_cycle_state ?? 'PENDING';
    const to: LocalState = state === 'PENDING' ? 'ACKNOWLEDGED' : state;
    return {
      to,
      set: state === 'PENDING' ? acknowledged(parsed, request, now) : finished(state, parsed, request, now),
      outbox: 'remove',
      wipe: true,
      event: { kind: 'reconciled', actor: SYNC, detail: { found: true, ...summary({ ...parsed, life_cycle_state: state }) } },
    };
  });
}


/**
 * After a backup is restored: every request still to send may have been sent
 * after the backup was taken, and the head-end does not recognise duplicates.
 * Each is held in Needs attention for the operator to verify at the head-end
 * (confirmArrived / confirmNotArrived), never sent on the backup's word.
 */
export function holdOutboxAfterRestore(ctx: StoreContext): number {
  const reason = 'restored from a backup: it may have been sent after the backup was taken';
  const held = TRANSITIONS.holdAfterRestore.from.map((state) => `'${state}'`).join(', ');
  const ids = ctx.sql(`SELECT request_id FROM outbox o JOIN requests r ON r.id = o.request_id WHERE r.local_state IN (${held})`).pluck().all() as number[];
  for (const id of ids) {
    transition(ctx, id, 'holdAfterRestore', () => ({
      to: 'NEEDS_ATTENTION',
      set: { outcome_unknown: 1, error_code: VERIFY_AT_HEADEND, error_description: reason, last_error: reason },
      outbox: { readyAt: null },
      event: { kind: 'outcome_unknown', actor: 'store', detail: { reason } },
    }));
  }
  return ids.length;
}

/**
 * "Sync now": requests waiting for their next attempt are due at once. Only
 * RETRY_WAIT, which certainly did not reach the head-end, so sending them
 * earlier cannot make a second copy; a scheduled date is still honoured.
 */
export function retryWaitingNow(ctx: StoreContext): number {
  const now = ctx.now();
  const waiting = ctx
    .sql("SELECT r.id, r.scheduled_date FROM requests r JOIN outbox o ON o.request_id = r.id WHERE r.local_state = 'RETRY_WAIT' AND o.ready_at > ?")
    .all(now) as { id: number; scheduled_date: string | null }[];
  const outbox = ctx.sql('UPDATE outbox SET ready_at = ? WHERE request_id = ?');
  const request = ctx.sql('UPDATE requests SET next_attempt_at = ? WHERE id = ?');
  for (const w of waiting) {
    outbox.run(readyTime(w, now), w.id);
    request.run(now, w.id);
  }
  return waiting.length;
}

/** After a crash: a send that was under way has an unknown outcome. */
export function recoverInterruptedSends(ctx: StoreContext): number {
  const ids = ctx.sql("SELECT id FROM requests WHERE local_state = 'SENDING'").pluck().all() as number[];
  for (const id of ids) {
    transition(ctx, id, 'recover', () => ({
      to: 'UNKNOWN',
      set: { outcome_unknown: 1, last_error: 'CA Desk stopped while sending' },
      outbox: { readyAt: null },
      event: { kind: 'outcome_unknown', actor: 'store', detail: { reason: 'CA Desk stopped while sending' } },
    }));
  }
  return ids.length;
}
