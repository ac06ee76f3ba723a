import { DEFAULT_CARD_ORDER, OUTBOX_LOCAL_STATES } from '../../shared/domain/life-cycle';
import type { Provider } from '../../shared/domain/request-types';
import { type CircuitBreakerOptions, DEFAULT_BREAKER_OPTIONS } from './circuit-breaker';
import { syncCatalog, type CatalogFetch, type CatalogStore } from './catalog-sync';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import type { HeadendClient } from './headend-client';
import { HeadendLink } from './headend-link';
import { Reconciler } from './reconciler';
import { DEFAULT_RETRY, type RetryOptions } from './retry-policy';
import { StatusPoller } from './status-poller';
import { SyncEvents, type SyncListener, type SyncEngineStatus } from './sync-events';
import type { SyncStore } from './sync-store';
import type { Logger } from '../logging/logger';

// The sync engine: one loop that, pass after pass, checks each head-end,
// settles unknown outcomes, sends what is due, follows acknowledged requests
// to their end and refreshes the offline catalog. It never needs a restart:
// when a head-end comes back the next pass finds it (the breaker decides how
// often a dead one is asked) and the queue drains by itself.

export interface SyncEngineOptions {
  store: SyncStore & Partial<CatalogStore>;
  headends: Partial<Record<Provider, HeadendClient>>;
  /** Where the offline catalog comes from (the sandbox's catalog export). */
  catalog?: { fetch: CatalogFetch; intervalMs?: number; pageSize?: number };
  /** Pause between passes when nothing is left to do. */
  idleMs?: number;
  statusPollMs?: number;
  /**
   * How often an idle head-end that is believed up is pinged (default 5 s). An
   * HTTP head-end has no connection to lose: without this, one that stopped
   * while nothing was being sent would be shown online until the next send.
   */
  heartbeatMs?: number;
  maxInFlightPerHeadend?: number;
  /** When a card's next request may go (dispatcher.ts DispatcherOptions.cardOrder; default DEFAULT_CARD_ORDER, 'finished'). */
  cardOrder?: DispatcherOptions['cardOrder'];
  /** Per head-end concurrency and rate (dispatcher.ts HeadendPoliteness); unnamed head-ends get maxInFlightPerHeadend. */
  politeness?: DispatcherOptions['politeness'];
  claimBatch?: number;
  /**
   * How long a request stays UNKNOWN before it is looked up (default: 30 s,
   * or the longest client request timeout if that is longer). Must be at
   * least every client's request timeout: the constructor throws otherwise.
   */
  reconcileGraceMs?: number;
  reconcilePageSize?: number;
  retry?: RetryOptions;
  breaker?: CircuitBreakerOptions;
  now?: () => number;
  /** Diagnostics (redacted by the logger: a declared secret never reaches its sink). */
  logger?: Logger;
}

export class SyncEngine {
  private readonly links = new Map<Provider, HeadendLink>();
  private readonly events: SyncEvents;
  private readonly dispatcher: Dispatcher;
  private readonly reconciler: Reconciler;
  private readonly poller: StatusPoller;
  private readonly now: () => number;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private again = false;
  private lastStatusPoll = 0;
  private lastHeartbeat = 0;
  private lastCatalog = 0;
  private lastStatusJson = '';

  constructor(private readonly options: SyncEngineOptions) {
    this.now = options.now ?? Date.now;
    this.events = new SyncEvents((error) => options.logger?.error(`a sync listener failed: ${String(error)}`));
    for (const [provider, client] of Object.entries(options.headends) as [Provider, HeadendClient][]) {
      this.links.set(provider, new HeadendLink(provider, client, this.now, options.breaker ?? DEFAULT_BREAKER_OPTIONS));
    }
    const graceMs = reconcileGrace(options);
    const maxInFlight = options.maxInFlightPerHeadend ?? 128;
    const retry = options.retry ?? DEFAULT_RETRY;
    this.dispatcher = new Dispatcher(options.store, this.links, this.events, {
      maxInFlightPerHeadend: maxInFlight,
      politeness: options.politeness,
      cardOrder: options.cardOrder,
      claimBatch: options.claimBatch ?? Math.max(maxInFlight * 2, 64),
      retry,
      now: this.now,
      logger: options.logger,
    });
    this.reconciler = new Reconciler(options.store, this.links, this.events, {
      graceMs,
      pageSize: options.reconcilePageSize ?? 1000,
      maxPerPass: 5_000,
      now: this.now,
      logger: options.logger,
    });
    this.poller = new StatusPoller(options.store, this.links, this.events, { batchSize: 500, concurrency: maxInFlight, logger: options.logger });
  }

  onChange(listener: SyncListener): () => void {
    return this.events.onChange(listener);
  }

  /**
   * Starts the loop. Requests left SENDING (by a crash, or by a failed
   * markUnknown) become UNKNOWN at the start of each pass (see onePass), never
   * here: a syncNow() pass may be sending right now.
   */
  start(): void {
    if (this.running) return;
    this.dispatcher.resume();
    this.running = true;
    this.schedule(0);
  }

  /** Stops after the pass under way (its sends finish and are recorded). Clients stay open. */
  async stop(): Promise<void> {
    this.running = false;
    this.dispatcher.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass?.catch(() => undefined);
    this.emitStatus(true);
  }

  /** The operator asked: forget back-off pauses and run a pass now. Resolves when it ends. */
  async syncNow(): Promise<void> {
    for (const link of this.links.values()) link.resetPauses();
    this.options.store.retryWaitingNow();
    this.lastStatusPoll = 0;
    this.dispatcher.resume();
    await this.runPass();
  }

  /** Something was queued: run a pass soon, without forgetting back-off. */
  wake(): void {
    // A drain under way (perhaps waiting on a slow head-end) takes the new work at once.
    this.dispatcher.poke();
    if (this.running) this.schedule(0);
  }

  status(): SyncEngineStatus {
    const counts = this.options.store.countByState();
    const perHeadend: SyncEngineStatus['perHeadend'] = {};
    for (const [provider, link] of this.links) perHeadend[provider] = link.status();
    return {
      running: this.running,
      perHeadend,
      pendingCount: OUTBOX_LOCAL_STATES.reduce((sum, state) => sum + counts[state], 0),
      awaitingHeadendCount: counts.ACKNOWLEDGED,
    };
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runPass().then(() => this.schedule(this.again ? 0 : (this.options.idleMs ?? 1_000)));
    }, delayMs);
  }

  /** One pass at a time; a call during a pass waits for it and runs another. */
  private async runPass(): Promise<void> {
    while (this.pass) await this.pass.catch(() => undefined);
    this.pass = this.onePass()
      .catch((error: unknown) => this.options.logger?.error(`sync pass failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.pass = null;
      });
    await this.pass;
  }

  private async onePass(): Promise<void> {
    this.again = false;
    // Passes never overlap and each drain awaited every send it started, so
    // nothing is in flight now: a SENDING left behind (a crash, or markUnknown
    // failing after a lost answer) is an unknown outcome, to be reconciled.
    const recovered = this.options.store.recoverInterruptedSends?.() ?? 0;
    if (recovered > 0) this.options.logger?.warn(`${recovered} requests left SENDING are now UNKNOWN (to be looked up, never resent blindly)`);
    await this.checkLinks();
    const reconciled = await this.reconciler.run();
    const sent = await this.dispatcher.drain();
    const now = this.now();
    let finished = 0;
    if (now - this.lastStatusPoll >= (this.options.statusPollMs ?? 5_000)) {
      this.lastStatusPoll = now;
      const polled = await this.poller.run();
      // A finished request may free its card's next one (cardOrder 'finished').
      finished = polled.completed + polled.rejected;
    }
    await this.syncCatalogIfDue(now);
    for (const link of this.links.values()) if (link.status().connected) link.noteSynced();
    // More may be due already (a card's next request, a settled unknown).
    this.again = sent.sent > 0 || reconciled.absent > 0 || reconciled.found > 0 || ((this.options.cardOrder ?? DEFAULT_CARD_ORDER) === 'finished' && finished > 0);
    this.emitStatus(false);
  }

  private async checkLinks(): Promise<void> {
    const now = this.now();
    const heartbeat = now - this.lastHeartbeat >= (this.options.heartbeatMs ?? 5_000);
    if (heartbeat) this.lastHeartbeat = now;
    await Promise.all(
      [...this.links.values()].map(async (link) => {
        if (!link.reachable()) return;
        if (link.status().connected && !heartbeat) return;
        if (await link.client.ping()) link.noteReachable();
        else link.noteFailure('head-end did not answer a ping');
      }),
    );
  }

  private async syncCatalogIfDue(now: number): Promise<void> {
    const catalog = this.options.catalog;
    const store = this.options.store;
    if (!catalog || !store.upsertCatalog || !store.catalogCursor || !store.setCatalogCursor) return;
    if (now - this.lastCatalog < (catalog.intervalMs ?? 5 * 60_000)) return;
    this.lastCatalog = now;
    const stats = await syncCatalog(catalog.fetch, store as CatalogStore, { pageSize: catalog.pageSize ?? 1000 });
    for (const error of stats.errors) this.options.logger?.warn(`catalog sync: ${error}`);
  }

  private emitStatus(force: boolean): void {
    const status = this.status();
    const json = JSON.stringify(status);
    if (!force && json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    this.events.emit({ type: 'status-changed', status });
  }
}

/**
 * A request timed out on the client may still be queued at the head-end and
 * created later: looking it up before that time could prove it "absent" and
 * send it twice. So the grace is never shorter than a request timeout.
 */
function reconcileGrace(options: SyncEngineOptions): number {
  const timeouts = Object.values(options.headends).map((client) => ({ provider: client.provider, ms: client.requestTimeoutMs ?? 0 }));
  if (options.reconcileGraceMs === undefined) return Math.max(30_000, ...timeouts.map((t) => t.ms));
  for (const t of timeouts) {
    if (options.reconcileGraceMs < t.ms) {
      throw new Error(`reconcileGraceMs (${options.reconcileGraceMs} ms) is shorter than the ${t.provider} request timeout (${t.ms} ms): a late request could be sent twice`);
    }
  }
  return options.reconcileGraceMs;
}
