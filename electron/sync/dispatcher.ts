import { DEFAULT_CARD_ORDER, type CardOrder } from '../../shared/domain/life-cycle';
import type { LocalRequest } from '../../shared/domain/local-request';
import type { Provider } from '../../shared/domain/request-types';
import { reservedUdfProblem } from '../../shared/domain/client-uuid';
import { holdsSecret } from '../../shared/domain/request-fields';
import { crashPoint } from './crash-points';
import type { SubmitOutcome } from './headend-client';
import type { HeadendLink } from './headend-link';
import { headendFieldsOf, nextAttemptAt, type RetryOptions } from './retry-policy';
import { requestChanged, type SyncEvents } from './sync-events';
import { batchedStore, type BatchResult, type SyncOutcome, type SyncStore } from './sync-store';
import { canUnsealParams, unsealParams } from '../store/sealed-secrets';
import { aboutRequest, type Logger } from '../logging/logger';

// Sends due requests from the outbox. The store hands out only the head of
// each card's queue, so at most one request per smartcard is ever in flight
// and a card's requests reach the head-end in the order they were queued;
// different cards go out in parallel, up to a window per head-end.
//
// Group commit: with synchronous=FULL each commit is an fsync, so the heads
// launched together are marked SENDING in ONE transaction (markSendingMany)
// before any of their bytes is written, and the answers are recorded in
// batches (applyOutcomes), one transaction per event-loop turn (or every
// `outcomeBatch` answers). A request's task ends only once its outcome is
// committed, so nothing else of its card is claimed before that. An answer
// received but not yet committed when the process dies leaves the request
// SENDING, which the next start turns UNKNOWN and reconciles: never resent
// blindly.

/**
 * Politeness towards one head-end: how many sends it has in flight at most,
 * and the least time between two sends starting (0: no rate limit). A real
 * server gets conservative values (REAL_HEADEND_POLITENESS), the sandbox
 * generous ones. A stalled head-end holds only its own sends.
 */
export interface HeadendPoliteness {
  maxInFlight: number;
  minSendIntervalMs: number;
}

/** For a production head-end whose capacity we do not know. */
export const REAL_HEADEND_POLITENESS: HeadendPoliteness = { maxInFlight: 8, minSendIntervalMs: 50 };

export interface DispatcherOptions {
  /** Most sends in flight per head-end (the TCP window should be at least this), unless `politeness` says otherwise. */
  maxInFlightPerHeadend: number;
  /** Per head-end limits; a head-end not named gets maxInFlightPerHeadend and no rate limit. */
  politeness?: Partial<Record<Provider, HeadendPoliteness>>;
  /**
   * When a card's next request may go: once the head-end 'finished' the
   * previous one (COMPLETED/REJECTED; DEFAULT_CARD_ORDER): one open request
   * per card, effects in queue order whatever the head-end's priorities, at
   * the cost of a processing round-trip per request of a card; or once it
   * 'acknowledged' (created) it.
   */
  cardOrder?: CardOrder;
  /** How many heads to read from the store at a time. */
  claimBatch: number;
  retry: RetryOptions;
  now: () => number;
  /** Most answers recorded in one transaction (default 512); fewer when a turn of the event loop brings fewer. */
  outcomeBatch?: number;
  /** Least time between two WAL checkpoints after PIN wipes during one drain (default 250 ms). */
  checkpointEveryMs?: number;
  logger?: Logger;
}

export interface DispatchStats {
  sent: number;
  acknowledged: number;
  rejected: number;
  retried: number;
  unknown: number;
}

interface Launch {
  head: LocalRequest;
  link: HeadendLink;
}

/** An answer waiting for the next group commit. */
interface PendingAnswer {
  request: LocalRequest;
  outcome: SubmitOutcome;
  stats: DispatchStats;
  done: () => void;
}

export class Dispatcher {
  private stopping = false;
  private checkpointDue = false;
  private lastCheckpoint = 0;
  private readonly batch: ReturnType<typeof batchedStore>;
  private answers: PendingAnswer[] = [];
  private flushScheduled = false;
  private poked = false;
  private wakeDrain: (() => void) | null = null;
  /** Per head-end: when its next send may start (rate limit). */
  private readonly nextSendAt = new Map<Provider, number>();

  constructor(
    private readonly store: SyncStore,
    private readonly links: ReadonlyMap<Provider, HeadendLink>,
    private readonly events: SyncEvents,
    private readonly options: DispatcherOptions,
  ) {
    this.batch = batchedStore(store);
  }

  /** Ends the drain under way (its sends finish) and makes later drains return at once, until resume(). */
  stop(): void {
    this.stopping = true;
    this.poke();
  }

  /**
   * Lets drains send again. Called by whoever starts work (SyncEngine.start,
   * syncNow), never by drain itself: a stop() that lands before a drain
   * begins (while the engine checks links or reconciles) must not be lost.
   */
  resume(): void {
    this.stopping = false;
  }

  /** Something was queued or settled: a drain under way reads the store again now, whatever else it waits for. */
  poke(): void {
    this.poked = true;
    const wake = this.wakeDrain;
    this.wakeDrain = null;
    wake?.();
  }

  private limitOf(provider: Provider): HeadendPoliteness {
    return this.options.politeness?.[provider] ?? { maxInFlight: this.options.maxInFlightPerHeadend, minSendIntervalMs: 0 };
  }

  /**
   * Sends until nothing is due for any reachable head-end. Each head-end has
   * its own window (and rate): one that stalls fills only its own window,
   * and the loop goes on claiming and sending for the others (new work is
   * picked up when a send ends, on poke(), or when a rate pause ends).
   */
  async drain(): Promise<DispatchStats> {
    const stats: DispatchStats = { sent: 0, acknowledged: 0, rejected: 0, retried: 0, unknown: 0 };
    const inFlight = new Map<Provider, number>();
    const running = new Set<Promise<void>>();
    // Tried once in this pass: a request is never attempted twice in one pass.
    const started = new Set<number>();
    const hasRoom = (p: Provider) => (inFlight.get(p) ?? 0) < this.limitOf(p).maxInFlight;
    // Claim again only once a head-end has room for a batch, so the store is read in batches.
    const roomForBatch = () => [...this.links.keys()].some((p) => (inFlight.get(p) ?? 0) <= this.limitOf(p).maxInFlight / 2);
    let queue: LocalRequest[] = [];
    this.poked = true;

    while (!this.stopping) {
      if (this.poked || (!queue.some((h) => hasRoom(h.provider)) && roomForBatch())) {
        this.poked = false;
        const queued = new Set(queue.map((h) => h.id));
        queue = [...queue, ...this.claim((r) => !started.has(r.id) && !queued.has(r.id) && hasRoom(r.provider))];
      }
      const blocked = new Set<Provider>();
      const waiting: LocalRequest[] = [];
      const launch: Launch[] = [];
      const now = this.options.now();
      let wakeAt: number | null = null;
      for (const head of queue) {
        const link = this.links.get(head.provider);
        if (!link || blocked.has(head.provider)) continue;
        const { minSendIntervalMs } = this.limitOf(head.provider);
        const notBefore = this.nextSendAt.get(head.provider) ?? 0;
        if (!hasRoom(head.provider) || now < notBefore) {
          if (now < notBefore) wakeAt = Math.min(wakeAt ?? notBefore, notBefore);
          waiting.push(head);
          continue;
        }
        if (!link.allowSend()) {
          blocked.add(head.provider); // paused head-end: its heads wait for a later pass
          continue;
        }
        if (minSendIntervalMs > 0) this.nextSendAt.set(head.provider, Math.max(now, notBefore) + minSendIntervalMs);
        started.add(head.id);
        inFlight.set(head.provider, (inFlight.get(head.provider) ?? 0) + 1);
        launch.push({ head, link });
      }
      queue = waiting.filter((h) => !blocked.has(h.provider));
      const tasks = this.sendMany(launch, stats);
      tasks.forEach((sent, i) => {
        const provider = launch[i]!.head.provider;
        const task = sent.finally(() => {
          inFlight.set(provider, (inFlight.get(provider) ?? 1) - 1);
          running.delete(task);
        });
        running.add(task);
      });
      if (running.size === 0 && launch.length === 0 && wakeAt === null && !this.poked) break;
      // A finished send may have made the next request of its card the head:
      // the next claim picks it up.
      await this.nextEvent(running, wakeAt === null ? null : wakeAt - now);
      this.checkpointIfDue(false);
    }
    await Promise.allSettled(running);
    this.checkpointIfDue(true);
    return stats;
  }

  /** Waits for a send to end, a poke, or the end of a rate pause. */
  private async nextEvent(running: ReadonlySet<Promise<void>>, pauseMs: number | null): Promise<void> {
    if (this.poked || this.stopping) return;
    let timer: NodeJS.Timeout | null = null;
    const waits: Promise<void>[] = [...running, new Promise<void>((resolve) => (this.wakeDrain = resolve))];
    if (pauseMs !== null) waits.push(new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(1, pauseMs)))));
    try {
      await Promise.race(waits);
    } finally {
      if (timer) clearTimeout(timer);
      this.wakeDrain = null;
    }
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

  /** Due heads that `wanted` accepts (not started in this pass, not queued, room at their head-end), for reachable head-ends. */
  private claim(wanted: (head: LocalRequest) => boolean): LocalRequest[] {
    let limit = this.options.claimBatch;
    for (;;) {
      const due = this.store.claimDue(this.options.now(), limit, { cardOrder: this.options.cardOrder ?? DEFAULT_CARD_ORDER });
      const usable = due.filter((r) => wanted(r) && this.links.get(r.provider)?.reachable() === true);
      // Heads of a paused or full head-end must not hide the other's: look further when they fill the batch.
      if (usable.length > 0 || due.length < limit || limit >= this.options.claimBatch * 64) return usable;
      limit *= 4;
    }
  }

  /**
   * Marks the launched heads SENDING in one commit, then writes them all.
   * One promise per head, settled once its outcome is committed (or at once
   * when it was not sent).
   */
  private sendMany(launch: readonly Launch[], stats: DispatchStats): Promise<void>[] {
    const tasks: Promise<void>[] = launch.map(() => Promise.resolve());
    const toMark: number[] = [];
    launch.forEach(({ head, link }, i) => {
      // The desk may have been locked since this head was claimed: it waits
      // (never SENDING without its PIN, which would make its outcome unknown).
      if (!canUnsealParams(head.params)) {
        link.breaker.cancelProbe();
        return;
      }
      const problem = reservedUdfProblem(head.params, head.client_uuid);
      if (problem === null) {
        toMark.push(i);
        return;
      }
      link.breaker.cancelProbe();
      try {
        this.emit(this.store.markNeedsAttention(head.id, 'RESERVED_UDF', problem));
        stats.rejected += 1;
      } catch (error) {
        this.options.logger?.warn((error as Error).message, aboutRequest(head));
      }
    });
    if (toMark.length === 0) return tasks;

    let marked: BatchResult[];
    try {
      marked = this.batch.markSendingMany(toMark.map((i) => launch[i]!.head.id));
    } catch (error) {
      // The group was rolled back: none of them is SENDING, nothing was sent.
      for (const i of toMark) launch[i]!.link.breaker.cancelProbe();
      this.options.logger?.warn(`${toMark.length} requests not sent: ${(error as Error).message}`);
      return tasks;
    }
    // Every SENDING below is durable; only now may bytes leave.
    const sends: { index: number; sending: LocalRequest }[] = [];
    marked.forEach((result, k) => {
      const index = toMark[k]!;
      if (!result.ok) {
        // Changed meanwhile (an operator discarded or edited it): nothing was sent.
        launch[index]!.link.breaker.cancelProbe();
        this.options.logger?.warn(`not sent: ${result.error.message}`, { requestId: result.id });
        return;
      }
      this.emit(result.request);
      crashPoint('after-mark-sending');
      stats.sent += 1;
      sends.push({ index, sending: result.request });
    });
    // The interval counts from the moment bytes leave, not from the pass that
    // chose them: marking SENDING costs an fsync of varying length, and the
    // head-end must see sends at least minSendIntervalMs apart.
    const leaving = this.options.now();
    for (const { index } of sends) {
      const { provider } = launch[index]!.head;
      const { minSendIntervalMs } = this.limitOf(provider);
      if (minSendIntervalMs > 0) this.nextSendAt.set(provider, Math.max(this.nextSendAt.get(provider) ?? 0, leaving + minSendIntervalMs));
    }
    // Started in one turn, so the TCP client writes the frames together (pipelined).
    for (const { index, sending } of sends) tasks[index] = this.submitAndRecord(sending, launch[index]!.link, stats);
    return tasks;
  }

  private async submitAndRecord(sending: LocalRequest, link: HeadendLink, stats: DispatchStats): Promise<void> {
    try {
      const outcome = await link.client.submit(sending.method, unsealParams(sending.params), sending.client_uuid, {
        onWritten: () => crashPoint('after-socket-write'),
      });
      crashPoint('after-answer-before-commit');
      link.noteSubmit(outcome, this.options.retry.authRetryMs);
      await new Promise<void>((done) => this.queueAnswer({ request: sending, outcome, stats, done }));
      crashPoint('after-commit');
    } catch (error) {
      this.markUnknownAfterFailure(sending.id, 'outcome not recorded', error, stats);
    }
  }

  private queueAnswer(answer: PendingAnswer): void {
    this.answers.push(answer);
    if (this.answers.length >= (this.options.outcomeBatch ?? 512)) {
      this.flushAnswers();
      return;
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // After the I/O callbacks of this turn: every answer that came in with it shares the commit.
    setImmediate(() => this.flushAnswers());
  }

  /** Records the waiting answers in one transaction, then lets their tasks end. */
  private flushAnswers(): void {
    this.flushScheduled = false;
    const answers = this.answers;
    this.answers = [];
    if (answers.length === 0) return;
    // Each answer is read on its own: one malformed answer makes only its own request UNKNOWN.
    const usable: { answer: PendingAnswer; change: SyncOutcome }[] = [];
    for (const a of answers) {
      try {
        usable.push({ answer: a, change: this.outcomeChange(a.request, a.outcome) });
      } catch (error) {
        this.markUnknownAfterFailure(a.request.id, 'answer could not be read', error, a.stats);
      }
    }
    let results: BatchResult[] | null = null;
    try {
      if (usable.length > 0) results = this.batch.applyOutcomes(usable.map((u) => u.change));
    } catch (error) {
      // The group was rolled back: the sends may have arrived, so each becomes UNKNOWN (reconciled, never resent blindly).
      for (const { answer } of usable) this.markUnknownAfterFailure(answer.request.id, 'outcome not recorded', error, answer.stats);
    }
    usable.forEach(({ answer }, i) => {
      const result = results?.[i];
      if (result?.ok) this.counted(answer, result.request);
      else if (result) this.markUnknownAfterFailure(answer.request.id, 'answer could not be recorded', result.error, answer.stats);
    });
    for (const a of answers) a.done();
  }

  private outcomeChange(request: LocalRequest, outcome: SubmitOutcome): SyncOutcome {
    const id = request.id;
    switch (outcome.kind) {
      case 'acknowledged': {
        const fields = headendFieldsOf(outcome.request);
        const state = outcome.request.life_cycle_state;
        return state === 'PENDING' ? { id, kind: 'acknowledged', fields } : { id, kind: 'final', state, fields };
      }
      case 'rejected':
        return { id, kind: 'needs_attention', code: outcome.code, description: outcome.description };
      case 'auth':
        return { id, kind: 'retry', at: this.options.now() + this.options.retry.authRetryMs, reason: `login refused: ${outcome.description}` };
      case 'transient':
        return { id, kind: 'retry', at: nextAttemptAt(this.options.now(), request.attempts, this.options.retry), reason: outcome.reason };
      case 'unknown':
        return { id, kind: 'unknown', reason: outcome.reason };
    }
  }

  /** Counts a recorded outcome and tells the UI. */
  private counted(answer: PendingAnswer, updated: LocalRequest): void {
    const { stats, outcome, request } = answer;
    switch (outcome.kind) {
      case 'acknowledged':
        stats.acknowledged += 1;
        // PIN hygiene: the transition wiped it in the same commit; the WAL still holds it until a checkpoint (see checkpointIfDue).
        if (request.secrets_wiped || holdsSecret(request)) this.checkpointDue = true;
        break;
      case 'rejected':
        stats.rejected += 1;
        break;
      case 'auth':
      case 'transient':
        stats.retried += 1;
        break;
      case 'unknown':
        stats.unknown += 1;
        break;
    }
    this.emit(updated);
  }

  /** The send may have arrived but its outcome could not be recorded: UNKNOWN, or SENDING (UNKNOWN at next start) if even that fails. */
  private markUnknownAfterFailure(id: number, what: string, error: unknown, stats: DispatchStats): void {
    const reason = `${what}: ${(error as Error).message}`;
    this.options.logger?.warn(reason, { requestId: id });
    try {
      this.emit(this.store.markUnknown(id, reason));
      stats.unknown += 1;
    } catch {
      // already logged; nothing more can be done now
    }
  }

  private emit(request: LocalRequest): void {
    this.events.emit(requestChanged(request));
  }
}
