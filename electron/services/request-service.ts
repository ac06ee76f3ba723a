import { LOCAL_STATES, type LocalState } from '../../shared/domain/local-request';
import { PROVIDERS } from '../../shared/domain/request-types';
import { IpcFailure } from '../../shared/ipc/result';
import type { EnqueueItem, EnqueueOutput, ListOutput, RequestFilter } from '../../shared/ipc/request-schemas';
import type { AttentionResolved, BulkActionOutput, Counts, RequestDetail, Stats } from '../../shared/ipc/request-schemas';
import type { QueueSort } from '../../shared/domain/queue-sort';
import { catalogCardKey } from './card-lookup';
import { InvalidTransitionError, RequestNotFoundError, StoreInputError, type Store } from '../store/store';
import { toQueryResult } from './card-view';
import type { EventHub } from './service-registry';
import { toDetail, toSummary } from './request-view';
import { CLIENT_UUID_UDF, reservedUdfProblem } from '../../shared/domain/client-uuid';

// requests.* and cards.get over the local store. The store validates and
// keeps history; this layer maps its errors to IPC codes and announces changes.

const HOUR = 3600_000;

export function toIpcFailure(error: unknown): never {
  if (error instanceof RequestNotFoundError) throw new IpcFailure('NOT_FOUND', error.message);
  if (error instanceof InvalidTransitionError) throw new IpcFailure('CONFLICT', error.message);
  if (error instanceof StoreInputError) throw new IpcFailure('INVALID_INPUT', error.message, [...error.errors]);
  throw error;
}

export class RequestService {
  constructor(
    private readonly store: Store,
    private readonly events: EventHub,
    private readonly operator: () => string,
    /** Why the current connection cannot send this kind (settings-service.ts), or null: refused at entry, not left to fail later. */
    private readonly notSendable: (provider: EnqueueItem['provider'], method: string) => string | null = () => null,
  ) {}

  enqueue(items: readonly EnqueueItem[], batchId: string | null = null): EnqueueOutput {
    // The sync engine tags every request with our UUID in this UDF: refuse it at entry.
    const refused = items.map((i) => {
      const reserved = reservedUdfProblem(i.params);
      if (reserved !== null) return { field: CLIENT_UUID_UDF, message: reserved };
      const unsendable = this.notSendable(i.provider, i.method);
      return unsendable === null ? null : { field: 'method', message: unsendable };
    });
    if (refused.some((p) => p !== null)) {
      return {
        queued: 0,
        results: refused.map((problem) => ({
          ok: false as const,
          errors: [problem ?? { field: '', message: 'not queued: another row of this batch is invalid' }],
        })),
      };
    }
    const operator = this.operator();
    const replaces = items.find((i) => i.replaces !== undefined)?.replaces;
    if (replaces !== undefined && items.length !== 1) {
      throw new IpcFailure('INVALID_INPUT', 'a corrected copy (replaces) is queued on its own, one per call', [{ field: 'replaces', message: 'one item per call' }]);
    }
    let result: ReturnType<Store['enqueue']>;
    try {
      const inputs = items.map((i) => ({ provider: i.provider, method: i.method, params: i.params, operator, batchId }));
      result = replaces !== undefined ? this.store.enqueueReplacing(inputs[0]!, replaces) : this.store.enqueue(inputs);
    } catch (error) {
      toIpcFailure(error);
    }
    if (!result.ok) {
      const byRow = new Map<number, { field: string; message: string }[]>();
      for (const e of result.errors) byRow.set(e.index, [...(byRow.get(e.index) ?? []), { field: e.field, message: e.message }]);
      return {
        queued: 0,
        results: items.map((_, i) => {
          const errors = byRow.get(i);
          return errors ? { ok: false as const, errors } : { ok: false as const, errors: [{ field: '', message: 'not queued: another row of this batch is invalid' }] };
        }),
      };
    }
    const changed = replaces !== undefined ? [...result.ids, replaces] : result.ids;
    this.events.emit('requests.changed', { ids: changed.length <= 1000 ? changed : [], reason: 'enqueued' });
    return { queued: result.ids.length, results: result.ids.map((id) => ({ ok: true as const, id })) };
  }

  list(filter: RequestFilter, afterId: number | undefined, limit: number, sort?: QueueSort): ListOutput {
    const rows = this.store.listRequests({
      states: filter.states,
      provider: filter.provider,
      type: filter.type,
      cardKey: filter.cardKey,
      search: filter.search,
      // A serial finds the card's requests filed under its CA id (or any other name) too.
      searchCardKey: filter.search ? catalogCardKey(this.store, filter.search.trim(), ['serial_number', 'ca_id', 'alternative_code'])?.key : undefined,
      openOnly: filter.openOnly,
      from: filter.from,
      to: filter.to,
      afterId,
      sort,
      // One more than asked tells whether another page exists without a count.
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    return {
      rows: page.map(toSummary),
      nextAfterId: more ? (page[page.length - 1]?.id ?? null) : null,
      total: this.totalIfCheap(filter),
    };
  }

  /** Counts per state answer state-only filters; other filters would need a scan. */
  private totalIfCheap(filter: RequestFilter): number | null {
    const keys = Object.keys(filter).filter((k) => filter[k as keyof RequestFilter] !== undefined);
    if (keys.some((k) => k !== 'states')) return null;
    const counts = this.store.countByState();
    const states: readonly LocalState[] = filter.states ?? LOCAL_STATES;
    return states.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  }

  get(id: number): RequestDetail {
    const request = this.store.getRequest(id);
    if (!request) throw new IpcFailure('NOT_FOUND', `no local request ${id}`);
    const answer = this.store.queryAnswerOf(id);
    return toDetail(request, this.store.eventsFor(id), answer ? toQueryResult(answer) : null, this.store.replacementOf(id));
  }

  counts(): Counts {
    const byState = this.store.countByState();
    const total = Object.values(byState).reduce((a, b) => a + b, 0);
    return { byState, total, needsAttention: this.store.countOpenAttention() };
  }

  /** Requests created per hour over the last `hours`, by current state, in all and per head-end: read from the store's kept counts, no scan. */
  stats(hours: number, now = Date.now()): Promise<Stats> {
    const end = Math.ceil(now / HOUR) * HOUR;
    const start = end - hours * HOUR;
    const emptyHours = () => Array.from({ length: hours }, (_, i) => ({ hour: start + i * HOUR, total: 0, byState: {} as Record<string, number> }));
    const perHour = emptyHours();
    const perHeadend = PROVIDERS.map((provider) => ({ provider, byState: {} as Record<string, number>, perHour: emptyHours() }));
    const add = (buckets: Stats['perHour'], hour: number, byState: Record<string, number>, period?: Record<string, number>) => {
      const bucket = buckets[Math.floor((hour - start) / HOUR)];
      if (!bucket) return;
      for (const [state, n] of Object.entries(byState)) {
        if (n <= 0) continue;
        bucket.total += n;
        bucket.byState[state] = n;
        if (period) period[state] = (period[state] ?? 0) + n;
      }
    };
    for (const counted of this.store.countsPerHour(start, end)) add(perHour, counted.hour, counted.byState);
    for (const counted of this.store.countsPerHourByProvider(start, end)) {
      const headend = perHeadend.find((h) => h.provider === counted.provider);
      if (headend) add(headend.perHour, counted.hour, counted.byState, headend.byState);
    }
    return Promise.resolve({ byState: this.store.countByState(), perHour, perHeadend });
  }

  retry(id: number, reason?: string): RequestDetail {
    return this.act(id, 'retried', () => this.store.retry(id, this.operator(), reason ?? 'retried from the console'));
  }

  discard(id: number, reason?: string): RequestDetail {
    return this.act(id, 'discarded', () => this.store.discard(id, this.operator(), reason ?? 'discarded from the console'));
  }

  /** The operator verified at the head-end that it arrived (with its number, or seen done). */
  confirmArrived(id: number, number: string | null, reason?: string): RequestDetail {
    return this.act(id, 'confirmed arrived', () => this.store.confirmArrived(id, this.operator(), number, reason ?? 'verified at the head-end: it arrived'));
  }

  /** The operator verified at the head-end that it did not arrive: it is sent again. */
  confirmNotArrived(id: number, reason?: string): RequestDetail {
    return this.act(id, 'confirmed not arrived', () => this.store.confirmNotArrived(id, this.operator(), reason ?? 'verified at the head-end: it did not arrive'));
  }

  /** Closes a rejection: checked, nothing more to do. */
  close(id: number, reason?: string): RequestDetail {
    return this.act(id, 'closed', () => this.store.verifyRejection(id, this.operator(), reason ?? 'checked from the console'));
  }

  resolved(limit: number): AttentionResolved {
    return {
      items: this.store.recentResolutions(limit).map((r) => ({
        request: toSummary(r.request),
        resolution: r.kind,
        actor: r.actor,
        at: r.at,
        reason: r.reason,
        replacedBy: r.replacedBy,
      })),
    };
  }

  edit(id: number, params: Record<string, unknown>, reason?: string): RequestDetail {
    return this.act(id, 'edited', () => {
      // The same refusal as enqueue: the sync engine owns this UDF.
      const reserved = reservedUdfProblem(params);
      if (reserved !== null) throw new IpcFailure('INVALID_INPUT', 'the new parameters are not valid', [{ field: CLIENT_UUID_UDF, message: reserved }]);
      const result = this.store.edit(id, params, this.operator(), reason ?? 'edited from the console');
      if (!result.ok) throw new IpcFailure('INVALID_INPUT', 'the new parameters are not valid', result.errors);
    });
  }

  /**
   * Retries each selected request with the same operator action as one at a
   * time (its own transaction and history event); a request whose state does
   * not allow it is refused and named, the others go ahead.
   */
  retryMany(ids: readonly number[], reason?: string): BulkActionOutput {
    return this.actOnEach(ids, 'retried', (id) => this.store.retry(id, this.operator(), reason ?? 'retried from the queue (selection)'));
  }

  discardMany(ids: readonly number[], reason?: string): BulkActionOutput {
    return this.actOnEach(ids, 'discarded', (id) => this.store.discard(id, this.operator(), reason ?? 'discarded from the queue (selection)'));
  }

  private actOnEach(ids: readonly number[], reason: string, action: (id: number) => unknown): BulkActionOutput {
    const out: BulkActionOutput = { done: [], refused: [] };
    for (const id of new Set(ids)) {
      try {
        action(id);
        out.done.push(id);
      } catch (error) {
        if (!(error instanceof RequestNotFoundError || error instanceof InvalidTransitionError || error instanceof StoreInputError)) throw error;
        out.refused.push({ id, message: error.message });
      }
    }
    if (out.done.length > 0) this.events.emit('requests.changed', { ids: out.done, reason });
    return out;
  }

  private act(id: number, reason: string, action: () => unknown): RequestDetail {
    try {
      action();
    } catch (error) {
      toIpcFailure(error);
    }
    this.events.emit('requests.changed', { ids: [id], reason });
    return this.get(id);
  }
}
