import type { HeadendFields, LocalRequest } from '../../shared/domain/local-request';

// The part of the local store (electron/store) the sync engine uses. Typed
// here so the engine states its needs; the real store satisfies it.

export type ReconcileOutcome = { found: false } | { found: true; fields: HeadendFields };

export interface SyncStore {
  claimDue(now: Date | number, limit: number): LocalRequest[];
  markSending(id: number): LocalRequest;
  markAcknowledged(id: number, fields: HeadendFields): LocalRequest;
  markFinal(id: number, state: 'COMPLETED' | 'REJECTED', fields?: Partial<HeadendFields>): LocalRequest;
  markUnknown(id: number, reason: string): LocalRequest;
  scheduleRetry(id: number, at: Date | number, reason: string): LocalRequest;
  markNeedsAttention(id: number, code: string, description: string): LocalRequest;
  markReconciled(id: number, outcome: ReconcileOutcome): LocalRequest;
  /** openStore already does this at open; called again at start() when the store offers it. */
  recoverInterruptedSends?(): number;
  pendingHeadendRequests(limit: number, afterId?: number): LocalRequest[];
  /** UNKNOWN requests (listRequests with states ['UNKNOWN']). */
  listRequests(query: { states?: readonly LocalRequest['local_state'][]; provider?: string; limit: number; afterId?: number; order?: 'asc' | 'desc' }): LocalRequest[];
  countByState(): Record<LocalRequest['local_state'], number>;
  wipeSecrets(id: number, actor?: string): boolean;
  checkpoint(): unknown;
}
