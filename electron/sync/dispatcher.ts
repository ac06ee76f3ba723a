import type { LocalRequest } from '../../shared/domain/local-request';
import type { Provider } from '../../shared/domain/request-types';
import { reservedUdfProblem } from './client-uuid-tag';
import { crashPoint } from './crash-points';
import type { SubmitOutcome } from './headend-client';
import type { HeadendLink } from './headend-link';
import { headendFieldsOf, nextAttemptAt, type RetryOptions } from './retry-policy';
import { requestChanged, type SyncEvents } from './sync-events';
import type { SyncStore } from './sync-store';

// Sends due requests from the outbox. The store hands out only the head of
// each card's queue, so at most one request per smartcard is ever in flight
// and a card's requests reach the head-end in the order they were queued;
// different cards go out in parallel, up to a window per head-end. Every step
// is written to the store before the next one happens: markSending commits
// before the first byte leaves, and the outcome commits before anything else
// of that card is sent.

export interface DispatcherOptions {
  /** Most sends in flight per head-end (the TCP window should be at least this). */
  maxInFlightPerHeadend: number;
  /** How many heads to read from the store at a time. */
  claimBatch: number;
  retry: RetryOptions;
  now: () => number;
  /** Least time between two WAL checkpoints after PIN wipes during one drain (default 250 ms). */
  checkpointEveryMs?: number;
  log?: (message: string) => void;
}

export interface DispatchStats {
  sent: number;
  acknowledged: number;
  rejected: number;
  retried: number;
  unknown: number;
}

export class Dispatcher {
  private stopping = false;
  private checkpointDue = false;
  private lastCheckpoint = 0;

  constructor(
    private readonly store: SyncStore,
    private readonly links: ReadonlyMap<Provider, HeadendLink>,
    private readonly events: SyncEvents,
    private readonly options: DispatcherOptions,
  ) {}

  stop(): void {
    this.stopping = true;
  }

  /** Sends until nothing is due for any reachable head-end. */
  async drain(): Promise<DispatchStats> {
    this.stopping = false;
    const stats: DispatchStats = { sent: 0, acknowledged: 0, rejected: 0, retried: 0, unknown: 0 };
    const inFlight = new Map<Provider, number>();
    const running = new Set<Promise<void>>();
    // Tried once in this pass: a request is never attempted twice in one pass.
    const started = new Set<number>();
    let queue: LocalRequest[] = [];

    while (!this.stopping) {
      // Claim again only once enough sends finished, so the store is read in batches.
      if (queue.length === 0 && running.size <= this.options.maxInFlightPerHeadend / 2) queue = this.claim(started);
      let launched = false;
      const blocked = new Set<Provider>();
      const waiting: LocalRequest[] = [];
      for (const head of queue) {
        const link = this.links.get(head.provider);
        if (!link || blocked.has(head.provider)) continue;
        if ((inFlight.get(head.provider) ?? 0) >= this.options.maxInFlightPerHeadend) {
          waiting.push(head);
          continue;
        }
        if (!link.allowSend()) {
          blocked.add(head.provider); // paused head-end: its heads wait for a later pass
          continue;
        }
        started.add(head.id);
        inFlight.set(head.provider, (inFlight.get(head.provider) ?? 0) + 1);
        const task = this.sendOne(head, link, stats).finally(() => {
          inFlight.set(head.provider, (inFlight.get(head.provider) ?? 1) - 1);
          running.delete(task);
        });
        running.add(task);
        launched = true;
      }
      queue = waiting.filter((h) => !blocked.has(h.provider));
      if (running.size === 0 && !launched) break;
      // A finished send may have made the next request of its card the head:
      // the next claim (when the queue empties) picks it up.
      await Promise.race(running);
      this.checkpointIfDue(false);
    }
    await Promise.allSettled(running);
    this.checkpointIfDue(true);
    return stats;
  }

  /**
   * A checkpoint moves the WAL (where the PIN was written) into the database
   * and truncates it. It costs a full sync of the file, so during a long
   * drain it runs at most every `checkpointEveryMs`, and always when the
   * drain ends.
   */
  private checkpointIfDue(final: boolean): void {
    if (!this.checkpointDue) return;
    const now = this.options.now();
    if (!final && now - this.lastCheckpoint < (this.options.checkpointEveryMs ?? 250)) return;
    this.checkpointDue = false;
    this.lastCheckpoint = now;
    this.store.checkpoint();
  }

  /** Due heads not already started in this pass, for head-ends we know. */
  private claim(started: ReadonlySet<number>): LocalRequest[] {
    let limit = this.options.claimBatch;
    for (;;) {
      const due = this.store.claimDue(this.options.now(), limit);
      const usable = due.filter((r) => !started.has(r.id) && this.links.get(r.provider)?.reachable() === true);
      // Heads of a paused head-end must not hide the other's: look further when they fill the batch.
      if (usable.length > 0 || due.length < limit || limit >= this.options.claimBatch * 64) return usable;
      limit *= 4;
    }
  }

  private async sendOne(head: LocalRequest, link: HeadendLink, stats: DispatchStats): Promise<void> {
    try {
      const problem = reservedUdfProblem(head.params, head.client_uuid);
      if (problem) {
        link.breaker.cancelProbe();
        this.emit(this.store.markNeedsAttention(head.id, 'RESERVED_UDF', problem));
        stats.rejected += 1;
        return;
      }
      let sending: LocalRequest;
      try {
        sending = this.store.markSending(head.id);
      } catch (error) {
        // Changed meanwhile (an operator discarded or edited it): nothing was sent.
        link.breaker.cancelProbe();
        this.options.log?.(`request ${head.id} not sent: ${(error as Error).message}`);
        return;
      }
      this.emit(sending);
      crashPoint('after-mark-sending');
      stats.sent += 1;
      const outcome = await link.client.submit(head.method, head.params, head.client_uuid, {
        onWritten: () => crashPoint('after-socket-write'),
      });
      crashPoint('after-answer-before-commit');
      link.noteSubmit(outcome, this.options.retry.authRetryMs);
      this.apply(sending, outcome, stats);
      crashPoint('after-commit');
    } catch (error) {
      // Recording the outcome failed: the send may have arrived, so the
      // request becomes UNKNOWN (reconciled, never resent blindly). If even
      // that fails it stays SENDING, which the next start turns UNKNOWN.
      this.options.log?.(`request ${head.id}: ${(error as Error).message}`);
      try {
        this.emit(this.store.markUnknown(head.id, `outcome not recorded: ${(error as Error).message}`));
      } catch {
        // already logged; nothing more can be done now
      }
    }
  }

  private apply(request: LocalRequest, outcome: SubmitOutcome, stats: DispatchStats): void {
    const id = request.id;
    switch (outcome.kind) {
      case 'acknowledged': {
        const fields = headendFieldsOf(outcome.request);
        const state = outcome.request.life_cycle_state;
        let updated: LocalRequest;
        try {
          updated = state === 'PENDING' ? this.store.markAcknowledged(id, fields) : this.store.markFinal(id, state, fields);
        } catch (error) {
          // The head-end has it but we could not record what it said: reconcile it.
          updated = this.store.markUnknown(id, `answer could not be recorded: ${(error as Error).message}`);
          stats.unknown += 1;
          this.emit(updated);
          return;
        }
        this.wipeIfSecret(updated);
        stats.acknowledged += 1;
        this.emit(updated);
        return;
      }
      case 'rejected':
        stats.rejected += 1;
        this.emit(this.store.markNeedsAttention(id, outcome.code, outcome.description));
        return;
      case 'auth':
        stats.retried += 1;
        this.emit(
          this.store.scheduleRetry(id, this.options.now() + this.options.retry.authRetryMs, `login refused: ${outcome.description}`),
        );
        return;
      case 'transient':
        stats.retried += 1;
        this.emit(this.store.scheduleRetry(id, nextAttemptAt(this.options.now(), request.attempts, this.options.retry), outcome.reason));
        return;
      case 'unknown':
        stats.unknown += 1;
        this.emit(this.store.markUnknown(id, outcome.reason));
        return;
    }
  }

  /** PIN hygiene: once the head-end has it, the PIN leaves our disk, WAL included (see checkpointIfDue). */
  private wipeIfSecret(request: LocalRequest): void {
    const hadSecret = request.secrets_wiped || request.params.pin !== undefined;
    if (!hadSecret) return;
    this.store.wipeSecrets(request.id, 'sync');
    this.checkpointDue = true;
  }

  private emit(request: LocalRequest): void {
    this.events.emit(requestChanged(request));
  }
}
