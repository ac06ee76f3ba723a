import Database from 'better-sqlite3';
import type { LocalRequest, LocalState } from '../../../shared/domain/local-request';
import type { RunningHeadend } from '../../sandbox/start-headend';
import type { Store } from '../../store/store';
import type { ConaxHttpClient } from '../conax-http-client';
import type { NagravisionTcpClient } from '../nagravision-tcp-client';
import { CONAX_TYPES_USED, headendUuidCounts, NAGRA_TYPES_USED } from './sync-fixtures';

// The promises of the sync engine, checked against the real store and the
// real sandbox: nothing lost, nothing twice at the head-end, each card's
// requests received in the order they were queued.

export interface InvariantReport {
  problems: string[];
  atHeadend: number;
  local: number;
}

/** PRAGMA integrity_check of a store file nobody holds (after the child died). */
export function integrityOf(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

function allLocal(store: Store): LocalRequest[] {
  const out: LocalRequest[] = [];
  let afterId = 0;
  for (;;) {
    const page = store.listRequests({ limit: 5_000, order: 'asc', afterId });
    out.push(...page);
    if (page.length < 5_000) return out;
    afterId = page[page.length - 1]!.id;
  }
}

const AT_HEADEND = new Set<LocalState>(['ACKNOWLEDGED', 'COMPLETED', 'REJECTED']);
// Waiting to be sent, or waiting again after a failure classed transient: a
// transient class is only right when the head-end did not create the request,
// so finding one there means a resend would duplicate it.
const NOT_AT_HEADEND = new Set<LocalState>(['QUEUED', 'RETRY_WAIT']);
// Stopped for an operator or discarded: absent from the head-end unless an
// earlier send's outcome was left unknown (then either is possible).
const NOT_AT_HEADEND_UNLESS_UNKNOWN = new Set<LocalState>(['NEEDS_ATTENTION', 'DISCARDED']);

function neverReachedHeadend(r: LocalRequest): boolean {
  return NOT_AT_HEADEND.has(r.local_state) || (NOT_AT_HEADEND_UNLESS_UNKNOWN.has(r.local_state) && !r.outcome_unknown);
}

export async function checkInvariants(options: {
  store: Store;
  headend: RunningHeadend;
  nagravision?: NagravisionTcpClient;
  conax?: ConaxHttpClient;
  /** UUIDs whose enqueue returned before a crash: each must exist locally. */
  enqueued?: Iterable<string>;
  /** Serial numbers of the cards to check order for. */
  cards: readonly string[];
}): Promise<InvariantReport> {
  const problems: string[] = [];
  const local = allLocal(options.store);
  const byUuid = new Map(local.map((r) => [r.client_uuid, r]));
  for (const uuid of options.enqueued ?? []) {
    if (!byUuid.has(uuid.toLowerCase())) problems.push(`lost: request ${uuid} was enqueued but is not in the store`);
  }
  const counts = new Map<string, number>();
  const byHeadendId = new Map<string, string>();
  const sources: [NagravisionTcpClient | ConaxHttpClient | undefined, readonly string[]][] = [
    [options.nagravision, NAGRA_TYPES_USED],
    [options.conax, CONAX_TYPES_USED],
  ];
  for (const [client, types] of sources) {
    if (!client) continue;
    const seen = await headendUuidCounts(client, types);
    for (const [uuid, n] of seen.counts) counts.set(uuid, (counts.get(uuid) ?? 0) + n);
    for (const [id, uuid] of seen.byHeadendId) byHeadendId.set(id, uuid);
  }
  for (const [uuid, n] of counts) {
    if (n > 1) problems.push(`duplicate: request ${uuid} is ${n} times at the head-end`);
    if (!byUuid.has(uuid)) problems.push(`foreign: the head-end holds ${uuid}, unknown locally`);
  }
  for (const r of local) {
    const there = counts.get(r.client_uuid) ?? 0;
    if (AT_HEADEND.has(r.local_state) && there !== 1) problems.push(`request ${r.id} is ${r.local_state} but ${there} times at the head-end`);
    if (neverReachedHeadend(r) && there !== 0) {
      problems.push(`request ${r.id} is ${r.local_state} (outcome_unknown ${r.outcome_unknown}: never created there) but ${there} times at the head-end`);
    }
    if (r.headend_id !== null && byHeadendId.get(r.headend_id) !== undefined && byHeadendId.get(r.headend_id) !== r.client_uuid) {
      problems.push(`request ${r.id}: head-end id ${r.headend_id} belongs to another request`);
    }
  }
  for (const serial of options.cards) {
    let last = -Infinity;
    for (const entry of options.headend.received(serial)) {
      const uuid = byHeadendId.get(entry.request_id);
      const request = uuid === undefined ? undefined : byUuid.get(uuid);
      if (!request) continue; // not one of ours (or a type not checked)
      if (request.card_seq <= last) {
        problems.push(`order: card ${serial} received request ${request.id} (seq ${request.card_seq}) after seq ${last}`);
      }
      last = request.card_seq;
    }
  }
  return { problems, atHeadend: counts.size, local: local.length };
}
