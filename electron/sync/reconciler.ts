import type { LocalRequest } from '../../shared/domain/local-request';
import type { Provider } from '../../shared/domain/request-types';
import { CLIENT_UUID_UDF, clientUuidOf } from '../../shared/domain/client-uuid';
import type { HeadendClient, PartialRequest } from './headend-client';
import type { HeadendLink } from './headend-link';
import { headendFieldsOf } from './retry-policy';
import { requestChanged, type SyncEvents } from './sync-events';
import type { SyncStore } from './sync-store';

// Settles requests whose send may or may not have reached the head-end. The
// head-end does not deduplicate, so such a request is never resent blindly:
// we look for our UUID (shared/domain/client-uuid.ts) in the head-end's list of that
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
   * Only requests UNKNOWN for at least this long are looked up, so a frame
   * the head-end still has queued (its connection was closed on the timeout)
   * is not acted on after we concluded it was absent. Counted from the
   * UNKNOWN transition, never shorter than the request timeout (SyncEngine
   * refuses that).
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
    const unknown = this.store.listRequests({ states: ['UNKNOWN'], limit: this.options.maxPerPass, order: 'asc' });
    if (unknown.length === 0) return null;
    return Math.min(...unknown.map((r) => this.eligibleAt(r)));
  }

  /**
   * When the grace of an UNKNOWN request ends. updated_at is the UNKNOWN
   * transition (nothing else touches an UNKNOWN request but its settling);
   * sent_at is kept as a floor for stores that would not stamp it.
   */
  private eligibleAt(request: LocalRequest): number {
    return Math.max(request.updated_at, request.sent_at ?? 0) + this.options.graceMs;
  }

  async run(): Promise<ReconcileStats> {
    const stats: ReconcileStats = { found: 0, absent: 0, failed: 0, waiting: 0 };
    let wipedPin = false;
    const now = this.options.now();
    const unknown = this.store.listRequests({ states: ['UNKNOWN'], limit: this.options.maxPerPass, order: 'asc' });
    const groups = new Map<string, LocalRequest[]>();
    for (const request of unknown) {
      if (this.eligibleAt(request) > now) {
        stats.waiting += 1;
        continue;
      }
      const key = `${request.provider}\u0000${request.type}`;
      const group = groups.get(key) ?? [];
      group.push(request);
      groups.set(key, group);
    }
    try {
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
        for (const request of group) {
          if (this.settle(request, scan.found.get(request.client_uuid.toLowerCase()), stats)) wipedPin = true;
        }
      }
    } finally {
      // One checkpoint per run (it costs a full sync): the wiped PINs leave the WAL together.
      if (wipedPin) this.store.checkpoint();
    }
    return stats;
  }

  /** Settles one request; true when a PIN was wiped (the WAL still holds it until a checkpoint). */
  private settle(request: LocalRequest, record: PartialRequest | undefined, stats: ReconcileStats): boolean {
    try {
      if (record) {
        const settled = this.store.markReconciled(request.id, { found: true, fields: headendFieldsOf(record) });
        stats.found += 1;
        const wiped = request.params.pin !== undefined;
        if (wiped) this.store.wipeSecrets(request.id, 'sync');
        this.events.emit(requestChanged(settled));
        return wiped;
      }
      stats.absent += 1;
      this.events.emit(requestChanged(this.store.markReconciled(request.id, { found: false })));
    } catch (error) {
      // e.g. an operator discarded it meanwhile: nothing to settle.
      stats.failed += 1;
      this.options.log?.(`reconcile request ${request.id}: ${(error as Error).message}`);
    }
    return false;
  }

  /** Reads every request of `type`, newest page first, until all wanted UUIDs are found. */
  private async scan(client: HeadendClient, type: string, wanted: ReadonlySet<string>): Promise<ScanResult> {
    const found = new Map<string, PartialRequest>();
    // Absence is proven only by records that do show the UUID field: a record
    // without the key (a head-end ignoring fields_set or not storing the UDF)
    // or one of ours without a usable id/number proves nothing either way.
    const problem: { reason: string | null } = { reason: null };
    const take = (items: PartialRequest[]) => {
      for (const item of items) {
        if (!(CLIENT_UUID_UDF in item)) {
          problem.reason ??= `a list item has no ${CLIENT_UUID_UDF} field, so our requests cannot be recognised`;
          continue;
        }
        const uuid = clientUuidOf(item);
        if (uuid === null || !wanted.has(uuid)) continue;
        const seen = found.get(uuid);
        if (seen) {
          this.options.log?.(`head-end holds request ${uuid} twice (numbers ${String(seen.number)} and ${String(item.number)})`);
          continue;
        }
        if (typeof item.id !== 'string' || typeof item.number !== 'string') {
          problem.reason ??= `the head-end record carrying ${uuid} has no usable id/number`;
          continue;
        }
        found.set(uuid, item);
      }
    };
    const query = { type, fields_set: RECONCILE_FIELDS, records_per_page: this.options.pageSize };
    const first = await client.list({ ...query, page: 1 });
    if (first.kind !== 'ok') return { complete: false, reason: `${first.code}: ${first.description}` };
    take(first.data.items);
    if (problem.reason !== null) return { complete: false, reason: problem.reason };
    const totalPages = first.data.paging?.total_pages ?? 1;
    // Newest first: recent sends are on the last pages. Pages are stable for
    // older records (new ones only append), so reading backwards skips none.
    for (let page = totalPages; page >= 2 && found.size < wanted.size; page--) {
      const answer = await client.list({ ...query, page });
      if (answer.kind !== 'ok') return { complete: false, reason: `${answer.code}: ${answer.description}` };
      take(answer.data.items);
      if (problem.reason !== null) return { complete: false, reason: problem.reason };
    }
    return { complete: true, found };
  }
}
