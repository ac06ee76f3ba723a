import type { LocalRequest } from '../../shared/domain/local-request';
import type { Provider } from '../../shared/domain/request-types';
import { CLIENT_UUID_UDF, clientUuidOf } from './client-uuid-tag';
import type { HeadendClient, PartialRequest } from './headend-client';
import type { HeadendLink } from './headend-link';
import { headendFieldsOf } from './retry-policy';
import { requestChanged, type SyncEvents } from './sync-events';
import type { SyncStore } from './sync-store';

// Settles requests whose send may or may not have reached the head-end. The
// head-end does not deduplicate, so such a request is never resent blindly:
// we look for our UUID (client-uuid-tag.ts) in the head-end's list of that
// request type, newest first, and only a request proven absent after a full
// scan is queued again. The list API filters by type, life_cycle_state or
// reference_number only, so the scan reads every request of the type; a
// real head-end would need a UDF filter (or a created-date filter) to make
// this cheap (see docs in the report).

export const RECONCILE_FIELDS = [
  'id',
  'number',
  'life_cycle_state',
  'reference_number',
  'error_code',
  'error_description',
  'executed_date',
  CLIENT_UUID_UDF,
].join(',');

export interface ReconcilerOptions {
  /**
   * Only requests whose last send is at least this old are looked up, so a
   * frame still travelling on a dying connection cannot arrive after we
   * concluded it was absent. Keep it above the request timeout.
   */
  graceMs: number;
  /** Records per list page (the sandbox allows up to 1000). */
  pageSize: number;
  /** Most UNKNOWN requests settled per pass. */
  maxPerPass: number;
  now: () => number;
  log?: (message: string) => void;
}

export interface ReconcileStats {
  found: number;
  absent: number;
  /** Lookups that failed; those requests stay UNKNOWN for the next pass. */
  failed: number;
  /** Not yet old enough to be looked up. */
  waiting: number;
}

type ScanResult = { complete: true; found: Map<string, PartialRequest> } | { complete: false; reason: string };

export class Reconciler {
  constructor(
    private readonly store: SyncStore,
    private readonly links: ReadonlyMap<Provider, HeadendLink>,
    private readonly events: SyncEvents,
    private readonly options: ReconcilerOptions,
  ) {}

  /** Earliest time a waiting UNKNOWN request becomes eligible, or null. */
  nextEligibleAt(): number | null {
    const unknown = this.store.listRequests({ states: ['UNKNOWN'], limit: 1, order: 'asc' });
    const first = unknown[0];
    return first ? (first.sent_at ?? 0) + this.options.graceMs : null;
  }

  async run(): Promise<ReconcileStats> {
    const stats: ReconcileStats = { found: 0, absent: 0, failed: 0, waiting: 0 };
    const now = this.options.now();
    const unknown = this.store.listRequests({ states: ['UNKNOWN'], limit: this.options.maxPerPass, order: 'asc' });
    const groups = new Map<string, LocalRequest[]>();
    for (const request of unknown) {
      if ((request.sent_at ?? 0) + this.options.graceMs > now) {
        stats.waiting += 1;
        continue;
      }
      const key = `${request.provider}\u0000${request.type}`;
      const group = groups.get(key) ?? [];
      group.push(request);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      const link = this.links.get(first.provider);
      if (!link || !link.reachable()) {
        stats.failed += group.length;
        continue;
      }
      const wanted = new Set(group.map((r) => r.client_uuid.toLowerCase()));
      const scan = await this.scan(link.client, first.type, wanted);
      if (!scan.complete) {
        this.options.log?.(`reconcile ${first.provider} ${first.type}: lookup failed (${scan.reason}); will try again`);
        stats.failed += group.length;
        continue;
      }
      link.noteReachable();
      for (const request of group) this.settle(request, scan.found.get(request.client_uuid.toLowerCase()), stats);
    }
    return stats;
  }

  private settle(request: LocalRequest, record: PartialRequest | undefined, stats: ReconcileStats): void {
    try {
      if (record) {
        const settled = this.store.markReconciled(request.id, { found: true, fields: headendFieldsOf(record) });
        stats.found += 1;
        if (request.params.pin !== undefined) {
          this.store.wipeSecrets(request.id, 'sync');
          this.store.checkpoint();
        }
        this.events.emit(requestChanged(settled));
      } else {
        stats.absent += 1;
        this.events.emit(requestChanged(this.store.markReconciled(request.id, { found: false })));
      }
    } catch (error) {
      // e.g. an operator discarded it meanwhile: nothing to settle.
      stats.failed += 1;
      this.options.log?.(`reconcile request ${request.id}: ${(error as Error).message}`);
    }
  }

  /** Reads every request of `type`, newest page first, until all wanted UUIDs are found. */
  private async scan(client: HeadendClient, type: string, wanted: ReadonlySet<string>): Promise<ScanResult> {
    const found = new Map<string, PartialRequest>();
    const take = (items: PartialRequest[]) => {
      for (const item of items) {
        const uuid = clientUuidOf(item);
        if (uuid === null || !wanted.has(uuid)) continue;
        const seen = found.get(uuid);
        if (seen) {
          this.options.log?.(`head-end holds request ${uuid} twice (numbers ${String(seen.number)} and ${String(item.number)})`);
          continue;
        }
        if (typeof item.id !== 'string' || typeof item.number !== 'string') continue;
        found.set(uuid, item);
      }
    };
    const query = { type, fields_set: RECONCILE_FIELDS, records_per_page: this.options.pageSize };
    const first = await client.list({ ...query, page: 1 });
    if (first.kind !== 'ok') return { complete: false, reason: `${first.code}: ${first.description}` };
    take(first.data.items);
    const totalPages = first.data.paging?.total_pages ?? 1;
    // Newest first: recent sends are on the last pages. Pages are stable for
    // older records (new ones only append), so reading backwards skips none.
    for (let page = totalPages; page >= 2 && found.size < wanted.size; page--) {
      const answer = await client.list({ ...query, page });
      if (answer.kind !== 'ok') return { complete: false, reason: `${answer.code}: ${answer.description}` };
      take(answer.data.items);
    }
    return { complete: true, found };
  }
}
