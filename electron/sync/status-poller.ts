import type { LocalRequest } from '../../shared/domain/local-request';
import type { Provider } from '../../shared/domain/request-types';
import { CLIENT_UUID_UDF, clientUuidOf } from '../../shared/domain/client-uuid';
import type { PartialRequest } from './headend-client';
import type { HeadendLink } from './headend-link';
import { headendFieldsOf } from './retry-policy';
import { requestChanged, type SyncEvents } from './sync-events';
import { batchedStore, type BatchResult, type SyncOutcome, type SyncStore } from './sync-store';
import { aboutRequest, type Logger } from '../logging/logger';

// Follows acknowledged requests (PENDING at the head-end) until the head-end
// completes or rejects them. Each is read with show by id, many at a time
// (pipelined over TCP, the keep-alive pool over HTTP), in batches from the
// store so memory stays flat whatever the backlog. The ends found in a batch
// are recorded in ONE transaction (group commit: with synchronous=FULL a
// commit per request was most of a drain's time); a crash before that commit
// loses nothing the head-end does not still say, and the next pass asks again.

export const STATUS_FIELDS = `id,number,life_cycle_state,reference_number,error_code,error_description,executed_date,${CLIENT_UUID_UDF}`;

export interface StatusPollerOptions {
  /** Requests read from the store per batch. */
  batchSize: number;
  /** show calls in flight per head-end. */
  concurrency: number;
  logger?: Logger;
}

export interface PollStats {
  polled: number;
  completed: number;
  rejected: number;
  failed: number;
}

/** A request the head-end says is finished, waiting for the batch's commit. */
interface FoundEnd {
  request: LocalRequest;
  outcome: Extract<SyncOutcome, { kind: 'final' }>;
}

export class StatusPoller {
  private readonly batch: ReturnType<typeof batchedStore>;

  constructor(
    private readonly store: SyncStore,
    private readonly links: ReadonlyMap<Provider, HeadendLink>,
    private readonly events: SyncEvents,
    private readonly options: StatusPollerOptions,
  ) {
    this.batch = batchedStore(store);
  }

  async run(): Promise<PollStats> {
    const stats: PollStats = { polled: 0, completed: 0, rejected: 0, failed: 0 };
    let afterId = 0;
    for (;;) {
      const batch = this.store.pendingHeadendRequests(this.options.batchSize, afterId);
      if (batch.length === 0) break;
      afterId = batch[batch.length - 1]!.id;
      const byProvider = new Map<Provider, LocalRequest[]>();
      for (const request of batch) {
        // An operator may have confirmed arrival with the head-end number only.
        if (request.headend_id === null && request.number === null) continue;
        const list = byProvider.get(request.provider) ?? [];
        list.push(request);
        byProvider.set(request.provider, list);
      }
      const ends: FoundEnd[] = [];
      await Promise.all(
        [...byProvider].map(([provider, requests]) => {
          const link = this.links.get(provider);
          if (!link || !link.reachable()) return Promise.resolve();
          return this.pollAll(link, requests, stats, ends);
        }),
      );
      this.record(ends, stats);
      if (batch.length < this.options.batchSize) break;
    }
    return stats;
  }

  private async pollAll(link: HeadendLink, requests: LocalRequest[], stats: PollStats, ends: FoundEnd[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        await this.pollOne(link, request, stats, ends);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, requests.length) }, worker));
  }

  private async pollOne(link: HeadendLink, request: LocalRequest, stats: PollStats, ends: FoundEnd[]): Promise<void> {
    stats.polled += 1;
    const answer = await link.client.show(request.headend_id !== null ? { id: request.headend_id } : { number: request.number! }, STATUS_FIELDS);
    if (answer.kind !== 'ok') {
      stats.failed += 1;
      if (answer.errorClass === 'transient') link.noteFailure(answer.description);
      else this.options.logger?.warn(`status: ${answer.code}: ${answer.description}`, aboutRequest(request));
      return;
    }
    link.noteReachable();
    const foreign = notOurs(request, answer.data);
    if (foreign !== null) {
      // An answer about a request we never sent changes nothing.
      stats.failed += 1;
      this.options.logger?.warn(`status: ignored an answer naming another request (${foreign})`, aboutRequest(request));
      return;
    }
    const state = answer.data.life_cycle_state;
    if (state !== 'COMPLETED' && state !== 'REJECTED') return;
    const { headend_id, ...rest } = headendFieldsOf({ ...answer.data, id: answer.data.id ?? request.headend_id ?? '', number: answer.data.number ?? request.number! });
    ends.push({ request, outcome: { id: request.id, kind: 'final', state, fields: headend_id === '' ? rest : { headend_id, ...rest } } });
  }

  /** markFinal for every end found in a batch, in one commit; an item the store refuses changes nothing and is counted failed. */
  private record(ends: readonly FoundEnd[], stats: PollStats): void {
    if (ends.length === 0) return;
    let results: BatchResult[];
    try {
      results = this.batch.applyOutcomes(ends.map((e) => e.outcome));
    } catch (error) {
      // Rolled back: none of them is recorded; the next pass asks again.
      stats.failed += ends.length;
      this.options.logger?.warn(`status: ${ends.length} ends not recorded: ${(error as Error).message}`);
      return;
    }
    results.forEach((result, i) => {
      const { request, outcome } = ends[i]!;
      if (!result.ok) {
        stats.failed += 1;
        this.options.logger?.warn(`status: ${result.error.message}`, aboutRequest(request));
        return;
      }
      stats[outcome.state === 'COMPLETED' ? 'completed' : 'rejected'] += 1;
      this.events.emit(requestChanged(result.request));
    });
  }
}

/** Why a show answer is not about `request` (another id, number or UUID), or null when nothing contradicts it. */
function notOurs(request: LocalRequest, data: PartialRequest): string | null {
  if (data.id !== undefined && request.headend_id !== null && data.id !== request.headend_id) return `id ${String(data.id)}`;
  if (data.number !== undefined && request.number !== null && data.number !== request.number) return `number ${String(data.number)}`;
  if (CLIENT_UUID_UDF in data && clientUuidOf(data) !== request.client_uuid.toLowerCase()) return `${CLIENT_UUID_UDF} ${String(data[CLIENT_UUID_UDF])}`;
  return null;
}
