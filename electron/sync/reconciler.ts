import type { LocalRequest } from '../../shared/domain/local-request';
import type { Provider } from '../../shared/domain/request-types';
import { CLIENT_UUID_UDF, clientUuidOf } from '../../shared/domain/client-uuid';
import { holdsSecret } from '../../shared/domain/request-fields';
import type { HeadendClient, PartialRequest } from './headend-client';
import type { HeadendLink } from './headend-link';
import { headendFieldsOf } from './retry-policy';
import { requestChanged, type SyncEvents } from './sync-events';
import type { SyncStore } from './sync-store';
import { VERIFY_AT_HEADEND } from '../../shared/domain/life-cycle';
import { aboutRequest, type Logger } from '../logging/logger';

// Settles requests whose send may or may not have reached the head-end. The
// head-end does not deduplicate, so such a request is never resent on a
// guess: we look for our UUID (shared/domain/client-uuid.ts) in the head-end's list of
// that request type. Found proves presence. Absence is concluded only from a
// listing that proves itself complete (see scan, scanByOffset); a head-end
// whose listing cannot (no list, as CRM.COM's Nagravision; a list before
// R13 or without paging; no UUID echo) hands the request to the operator, who verifies at the head-end and says
// whether it arrived (store operator actions confirmArrived /
// confirmNotArrived). The list API filters by type, life_cycle_state or
// reference_number only, so the scan reads every request of the type; a
// UDF filter (or a created-date filter) would make it cheap.

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
  /** Most list pages one lookup reads (default 10,000); past it the listing proves nothing. */
  maxPages?: number;
  now: () => number;
  logger?: Logger;
}

export interface ReconcileStats {
  found: number;
  absent: number;
  /** No lookup can prove them absent: handed to the operator (NEEDS_ATTENTION, VERIFY_AT_HEADEND). */
  toOperator: number;
  /** Lookups that failed; those requests stay UNKNOWN for the next pass. */
  failed: number;
  /** Not yet old enough to be looked up. */
  waiting: number;
}

/**
 * What one lookup proved. `found` is proof of presence whatever else
 * happened (our UUID on a record with its id and number). Absence is proven
 * only by a `complete` listing; an `unverifiable` one (no paging, paging not
 * honoured, items without the UUID field, too many pages) cannot prove it,
 * ever, so those requests go to the operator; a `failed` one (transport,
 * SYSTEM_ERROR) is simply tried again next pass.
 */
interface ScanResult {
  found: Map<string, PartialRequest>;
  proof: 'complete' | 'unverifiable' | 'failed';
  reason: string;
}

/** Code of a request whose arrival no lookup can settle: an operator verifies at the head-end. */
export { VERIFY_AT_HEADEND };

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
    const stats: ReconcileStats = { found: 0, absent: 0, toOperator: 0, failed: 0, waiting: 0 };
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
        const unprovable = absenceUnprovable(link.client);
        if (unprovable !== null) {
          for (const request of group) this.toOperator(request, unprovable, stats);
          continue;
        }
        const wanted = new Set(group.map((r) => r.client_uuid.toLowerCase()));
        const scan = link.client.listing === 'offset' ? await this.scanByOffset(link.client, first.type, wanted) : await this.scan(link.client, first.type, wanted);
        if (scan.proof !== 'failed') link.noteReachable();
        if (scan.proof !== 'complete') this.options.logger?.warn(`reconcile ${first.type}: ${scan.proof} listing (${scan.reason})`, { provider: first.provider });
        for (const request of group) {
          const record = scan.found.get(request.client_uuid.toLowerCase());
          if (record || scan.proof === 'complete') {
            if (this.settle(request, record, stats)) wipedPin = true;
          } else if (scan.proof === 'unverifiable') {
            this.toOperator(request, scan.reason, stats);
          } else {
            stats.failed += 1;
          }
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
        const wiped = holdsSecret(request);
        if (wiped) this.store.wipeSecrets(request.id, 'sync');
        this.events.emit(requestChanged(settled));
        return wiped;
      }
      stats.absent += 1;
      this.events.emit(requestChanged(this.store.markReconciled(request.id, { found: false })));
    } catch (error) {
      // e.g. an operator discarded it meanwhile: nothing to settle.
      stats.failed += 1;
      this.options.logger?.warn(`reconcile: ${(error as Error).message}`, aboutRequest(request));
    }
    return false;
  }

  /** The head-end cannot prove whether it holds the request: an operator checks there and says. */
  private toOperator(request: LocalRequest, why: string, stats: ReconcileStats): void {
    try {
      const description = `the head-end cannot prove whether it received this request (${why}): verify at the head-end, then say "it arrived" or "it did not arrive: send again"`;
      this.events.emit(requestChanged(this.store.markNeedsAttention(request.id, VERIFY_AT_HEADEND, description)));
      stats.toOperator += 1;
    } catch (error) {
      stats.failed += 1;
      this.options.logger?.warn(`reconcile: ${(error as Error).message}`, aboutRequest(request));
    }
  }

  /**
   * Looks for the wanted UUIDs in the list of `type`. Presence: our UUID on a
   * record with a usable id and number. Absence needs a complete listing:
   * every page from 1 read until an empty page (whatever total the head-end
   * claims), each page as asked (paging block present, page and size
   * honoured) and every item showing the UUID field. Pages are read newest
   * first up to the claimed total (recent sends are there), then onwards past
   * it until an empty page, so a lying total cannot hide a page.
   */
  private async scan(client: HeadendClient, type: string, wanted: ReadonlySet<string>): Promise<ScanResult> {
    const found = new Map<string, PartialRequest>();
    const size = this.options.pageSize;
    const maxPages = this.options.maxPages ?? 10_000;
    const lengths = new Map<number, number>();
    let claimed = 1;
    const read = async (page: number): Promise<ScanResult | null> => {
      const answer = await client.list({ type, fields_set: RECONCILE_FIELDS, records_per_page: size, page });
      if (answer.kind !== 'ok') return { found, proof: 'failed', reason: `${answer.code}: ${answer.description}` };
      const { items, paging } = answer.data;
      if (paging === null) return { found, proof: 'unverifiable', reason: 'the list answer has no paging block, so it cannot be shown complete' };
      if (paging.page !== page || paging.records_per_page !== size || items.length > size) {
        return { found, proof: 'unverifiable', reason: `asked page ${page} of ${size}, got page ${paging.page} of ${paging.records_per_page} with ${items.length} items` };
      }
      if (page === 1) claimed = Math.max(1, paging.total_pages);
      lengths.set(page, items.length);
      const problem = this.take(items, wanted, found);
      if (problem !== null) return { found, proof: 'unverifiable', reason: problem };
      return found.size === wanted.size ? { found, proof: 'complete', reason: 'all found' } : null;
    };

    const first = await read(1);
    if (first) return first;
    for (let page = Math.min(claimed, maxPages); page >= 2; page--) {
      const result = await read(page);
      if (result) return result;
    }
    // Onwards past the claimed last page until an empty page proves the end
    // (a short page proves nothing: a server may cap pages below the size asked).
    let page = Math.min(claimed, maxPages);
    while ((lengths.get(page) ?? 0) > 0) {
      if (page >= maxPages) return { found, proof: 'unverifiable', reason: `more than ${maxPages} pages` };
      page += 1;
      const result = await read(page);
      if (result) return result;
    }
    return { found, proof: 'complete', reason: `pages 1 to ${page} read, page ${page} empty` };
  }

  /**
   * The CRM.COM list (R13+): number_of_results + offset, a bare array, no
   * totals. A server may cap a page below what was asked, so a short page
   * proves nothing: the next offset is what was received, and only an empty
   * page proves the end. A page longer than asked proves the server ignores
   * paging. Requests are not deleted, so a record created meanwhile can only
   * shift others later (seen twice), never hide one.
   */
  private async scanByOffset(client: HeadendClient, type: string, wanted: ReadonlySet<string>): Promise<ScanResult> {
    const found = new Map<string, PartialRequest>();
    const size = this.options.pageSize;
    const maxPages = this.options.maxPages ?? 10_000;
    let offset = 0;
    for (let page = 0; page < maxPages; page++) {
      const answer = await client.list({ type, fields_set: RECONCILE_FIELDS, number_of_results: size, offset });
      if (answer.kind !== 'ok') return { found, proof: 'failed', reason: `${answer.code}: ${answer.description}` };
      const { items } = answer.data;
      if (items.length > size) return { found, proof: 'unverifiable', reason: `asked ${size} records from offset ${offset}, got ${items.length}` };
      if (items.length === 0) return { found, proof: 'complete', reason: `${offset} records read in ${page} pages, then an empty page` };
      const problem = this.take(items, wanted, found);
      if (problem !== null) return { found, proof: 'unverifiable', reason: problem };
      if (found.size === wanted.size) return { found, proof: 'complete', reason: 'all found' };
      offset += items.length;
    }
    return { found, proof: 'unverifiable', reason: `more than ${maxPages} pages` };
  }

  /**
   * Records the wanted UUIDs among `items`; returns why the page proves
   * nothing, or null. A record without the UUID key (a head-end ignoring
   * fields_set or not storing the UDF), or one of ours without a usable
   * id/number, makes the listing unusable for absence.
   */
  private take(items: PartialRequest[], wanted: ReadonlySet<string>, found: Map<string, PartialRequest>): string | null {
    for (const item of items) {
      if (!(CLIENT_UUID_UDF in item)) return `a list item has no ${CLIENT_UUID_UDF} field, so our requests cannot be recognised`;
      const value = item[CLIENT_UUID_UDF];
      const uuid = clientUuidOf(item);
      // A value that is not a UUID (truncated, reformatted by the head-end)
      // could be ours mangled: such a listing proves nothing about absence.
      if (uuid === null && value !== null && value !== undefined && value !== '') {
        return `a list item carries ${CLIENT_UUID_UDF} = ${JSON.stringify(String(value).slice(0, 40))}, not a UUID, so our requests cannot be recognised`;
      }
      if (uuid === null || !wanted.has(uuid)) continue;
      const seen = found.get(uuid);
      if (seen) {
        this.options.logger?.warn(`head-end holds request ${uuid} twice (numbers ${String(seen.number)} and ${String(item.number)})`);
        continue;
      }
      if (typeof item.id !== 'string' || typeof item.number !== 'string') return `the head-end record carrying ${uuid} has no usable id/number`;
      found.set(uuid, item);
    }
    return null;
  }
}

/** Why no listing of this client can prove a request absent, or null when one can. */
function absenceUnprovable(client: HeadendClient): string | null {
  if (client.echoesClientUuid === false) return `the ${client.provider} connection does not echo our UUID, so a listing cannot recognise our requests`;
  if (client.listing === 'none') return `the ${client.provider} connection has no list that can show itself complete`;
  return null;
}
