import type { HeadendFields, LocalRequest } from '../../shared/domain/local-request';
import { InvalidTransitionError, RequestNotFoundError, StoreInputError } from './errors';
import type { StoreContext } from './store-context';
import { markAcknowledged, markFinal, markNeedsAttention, markSending, markUnknown, scheduleRetry } from './sync-transitions';

// Group commit for the sync engine. With synchronous=FULL every commit is an
// fsync, so sending a request one transaction at a time costs two fsyncs per
// request. These run many of the same transitions (same checks, same events)
// in ONE transaction: each item is its own savepoint, so an item the current
// state refuses changes nothing and does not stop the others, while a failure
// of the database itself rolls the whole group back (nothing of it happened).

/** One item's result: the request as now stored, or why this item changed nothing. */
export type BatchResult = { id: number; ok: true; request: LocalRequest } | { id: number; ok: false; error: Error };

/** What the head-end's answer (or its absence) means for one SENDING request; the single-request method it stands for is named. */
export type SyncOutcome =
  /** markAcknowledged */
  | { id: number; kind: 'acknowledged'; fields: HeadendFields }
  /** markFinal */
  | { id: number; kind: 'final'; state: 'COMPLETED' | 'REJECTED'; fields?: Partial<HeadendFields> }
  /** markNeedsAttention */
  | { id: number; kind: 'needs_attention'; code: string; description: string }
  /** scheduleRetry */
  | { id: number; kind: 'retry'; at: number; reason: string }
  /** markUnknown */
  | { id: number; kind: 'unknown'; reason: string };

/** Errors that concern one item only; anything else (I/O, a full disk) aborts the group. */
function isItemError(error: unknown): error is Error {
  return error instanceof InvalidTransitionError || error instanceof RequestNotFoundError || error instanceof StoreInputError;
}

function each<T extends { id: number } | number>(
  ctx: StoreContext,
  items: readonly T[],
  apply: (item: T) => LocalRequest,
): BatchResult[] {
  return ctx.db.transaction(() =>
    items.map((item): BatchResult => {
      const id = typeof item === 'number' ? item : item.id;
      try {
        return { id, ok: true, request: apply(item) };
      } catch (error) {
        if (isItemError(error)) return { id, ok: false, error };
        throw error;
      }
    }),
  )();
}

/**
 * markSending for many heads in one commit: once it returns, every `ok` item
 * is durably SENDING (so its bytes may be written); the others changed nothing.
 */
export function markSendingMany(ctx: StoreContext, ids: readonly number[]): BatchResult[] {
  return each(ctx, ids, (id) => markSending(ctx, id));
}

/** Records many answers in one commit (PIN wipes included, as the single methods do). */
export function applyOutcomes(ctx: StoreContext, outcomes: readonly SyncOutcome[]): BatchResult[] {
  return each(ctx, outcomes, (o) => {
    switch (o.kind) {
      case 'acknowledged':
        return markAcknowledged(ctx, o.id, o.fields);
      case 'final':
        return markFinal(ctx, o.id, o.state, o.fields);
      case 'needs_attention':
        return markNeedsAttention(ctx, o.id, o.code, o.description);
      case 'retry':
        return scheduleRetry(ctx, o.id, o.at, o.reason);
      case 'unknown':
        return markUnknown(ctx, o.id, o.reason);
    }
  });
}
