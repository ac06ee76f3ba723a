import type { CardOrder } from '../../shared/domain/life-cycle';
import type { HeadendFields, LocalRequest } from '../../shared/domain/local-request';
import type { BatchResult, SyncOutcome } from '../store/sync-batch';
import type { ReconcileOutcome } from '../store/sync-transitions';

export type { BatchResult, SyncOutcome };

// The part of the local store (electron/store) the sync engine uses. Typed
// here so the engine states its needs; the real store satisfies it.

export interface SyncStore {
  /** options.cardOrder 'finished' (default): skip cards with a request still ACKNOWLEDGED (open at the head-end). */
  claimDue(now: Date | number, limit: number, options?: { cardOrder?: CardOrder }): LocalRequest[];
  markSending(id: number): LocalRequest;
  /**
   * Group commit (the dispatcher's fast path): markSending / the outcome marks
   * of many requests in ONE transaction, one result per item. A store without
   * them is driven one request per transaction (see batchedStore).
   */
  markSendingMany?(ids: readonly number[]): BatchResult[];
  applyOutcomes?(outcomes: readonly SyncOutcome[]): BatchResult[];
  markAcknowledged(id: number, fields: HeadendFields): LocalRequest;
  markFinal(id: number, state: 'COMPLETED' | 'REJECTED', fields?: Partial<HeadendFields>): LocalRequest;
  markUnknown(id: number, reason: string): LocalRequest;
  scheduleRetry(id: number, at: Date | number, reason: string): LocalRequest;
  markNeedsAttention(id: number, code: string, description: string): LocalRequest;
  markReconciled(id: number, outcome: ReconcileOutcome): LocalRequest;
  /** openStore already does this at open; called again at start() when the store offers it. */
  recoverInterruptedSends?(): number;
  /** "Sync now": RETRY_WAIT requests (proven not sent) become due at once. */
  retryWaitingNow(): number;
  pendingHeadendRequests(limit: number, afterId?: number): LocalRequest[];
  /** UNKNOWN requests (listRequests with states ['UNKNOWN']). */
  listRequests(query: { states?: readonly LocalRequest['local_state'][]; provider?: string; limit: number; afterId?: number; order?: 'asc' | 'desc' }): LocalRequest[];
  countByState(): Record<LocalRequest['local_state'], number>;
  wipeSecrets(id: number, actor?: string): boolean;
  checkpoint(): unknown;
}

type ItemResult = BatchResult;

function one(id: number, apply: () => LocalRequest): ItemResult {
  try {
    return { id, ok: true, request: apply() };
  } catch (error) {
    return { id, ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** The group-commit methods of a store, or the single-request ones applied in turn when it has none. */
export function batchedStore(store: SyncStore): Required<Pick<SyncStore, 'markSendingMany' | 'applyOutcomes'>> {
  return {
    markSendingMany: store.markSendingMany
      ? (ids) => store.markSendingMany!(ids)
      : (ids) => ids.map((id) => one(id, () => store.markSending(id))),
    applyOutcomes: store.applyOutcomes
      ? (outcomes) => store.applyOutcomes!(outcomes)
      : (outcomes) =>
          outcomes.map((o) =>
            one(o.id, () => {
              switch (o.kind) {
                case 'acknowledged':
                  return store.markAcknowledged(o.id, o.fields);
                case 'final':
                  return store.markFinal(o.id, o.state, o.fields);
                case 'needs_attention':
                  return store.markNeedsAttention(o.id, o.code, o.description);
                case 'retry':
                  return store.scheduleRetry(o.id, o.at, o.reason);
                case 'unknown':
                  return store.markUnknown(o.id, o.reason);
              }
            }),
          ),
  };
}
