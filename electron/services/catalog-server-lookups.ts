import type { CatalogKind } from '../../shared/domain/catalog';
import { decodeGetIdentifier, type CrmcomRelease } from '../../shared/domain/crmcom-v4';
import type { Store } from '../store/store';
import { CrmcomCatalogLookup, type CrmcomGet, type LookupResult } from '../sync/crmcom-catalog-lookup';
import type { CrmcomConnection, GetParam } from '../sync/crmcom-connection';

// Pickers on a real CRM.COM V4 server: the server has no catalog export, so
// when the operator has typed what looks like a whole identifier and the local
// catalog has no exact match, the picker's search asks the server for that one
// item (crmcom-catalog-lookup.ts caches it, so it is found offline later).
// Bounded so typing never waits on the server: one server call per search, a
// short timeout, one lookup at a time, and a pause after the server was not
// reachable; whatever is not answered in time answers from the local catalog.

/** A serial, code, number or CA id the operator finished typing: no spaces, at least 5 characters. */
const PLAUSIBLE_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:/-]{4,63}$/;
/** CA ids are long decimal numbers (e.g. 10020000054); a serial has letters. */
const CA_ID = /^\d{8,20}$/;

type DeviceField = 'serial_number' | 'alternative_code';
/** The fields tried in turn for one typed text, one per search call. */
const DEVICE_FIELDS: readonly DeviceField[] = ['serial_number', 'alternative_code'];

export interface CatalogServerLookupOptions {
  /** The wait for one answer before the picker answers from the local catalog. */
  timeoutMs?: number;
  /** After the server could not be reached, no lookups for this long. */
  pauseAfterFailureMs?: number;
  /** A typed text looked up (found or not) is not asked again for this long. */
  rememberMs?: number;
  now?: () => number;
}

/** The connection to ask, with its release, or null when the settings name no CRM.COM V4 server. */
export type CrmcomServer = () => { connection: CrmcomConnection; release: CrmcomRelease } | null;

/** Lookup answers give identifiers as `<field>=<value>`; the connection writes them as the wiki does, `=` kept. */
export function crmcomGet(connection: CrmcomConnection, timeoutMs: number): CrmcomGet {
  return async (path, query) => {
    const params: Record<string, GetParam> = {};
    for (const [name, value] of Object.entries(query)) params[name] = (name.endsWith('_identifier') ? decodeGetIdentifier(value) : null) ?? value;
    const answer = await connection.getWithToken(path, params, timeoutMs);
    if (answer.envelope === undefined) throw new Error(`${path}: HTTP ${answer.httpStatus}, ${answer.bodyProblem ?? 'no envelope'}`);
    return answer.envelope;
  };
}

export class CatalogServerLookups {
  private readonly timeoutMs: number;
  private readonly pauseMs: number;
  private readonly rememberMs: number;
  private readonly now: () => number;
  /** The lookup under way: a search for the same text waits for it, another search does not. */
  private inFlight: { key: string; done: Promise<void> } | null = null;
  private pausedUntil = 0;
  /** kind + typed text → how many fields were tried, and until when that is remembered. */
  private readonly tried = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly server: CrmcomServer,
    options: CatalogServerLookupOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1_500;
    this.pauseMs = options.pauseAfterFailureMs ?? 10_000;
    this.rememberMs = options.rememberMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Asks the server for `text` as one `kind` identifier when it is worth it;
   * resolves (never rejects) once the answer is cached or the wait is over.
   * Returns whether the server was asked.
   */
  async lookUp(kind: CatalogKind, text: string): Promise<boolean> {
    const typed = text.trim();
    const now = this.now();
    if (!PLAUSIBLE_IDENTIFIER.test(typed) || now < this.pausedUntil) return false;
    const server = this.server();
    if (server === null) return false;
    const key = `${kind}\u0000${typed}`;
    // Two parts of the form often search the same text at once (picker and match note): the second waits for the first.
    if (this.inFlight?.key === key) return this.wait(this.inFlight.done);
    // Another field's lookup: wait for it (bounded), then ask, unless a third one took its place.
    if (this.inFlight !== null) await this.wait(this.inFlight.done);
    if (this.inFlight !== null || this.now() < this.pausedUntil) return false;
    const memo = this.tried.get(key);
    const count = memo && memo.until > now ? memo.count : 0;
    const call = this.callFor(new CrmcomCatalogLookup(crmcomGet(server.connection, this.timeoutMs), this.store, { release: server.release }), kind, typed, count);
    if (call === null) return false;
    this.forgetOld(now);
    this.tried.set(key, { count: count + 1, until: now + this.rememberMs });
    const done = call
      .then((result) => {
        // The lookup answers from the cache only when the server could not be reached.
        if (result.source === 'cache') this.pausedUntil = this.now() + this.pauseMs;
      })
      .catch(() => {
        // An answer that does not fit the catalog: nothing cached, the local results stand.
      })
      .finally(() => (this.inFlight = null));
    this.inFlight = { key, done };
    return this.wait(done);
  }

  /** Waits for the lookup at most timeoutMs: a login may take longer than one read, and the answer is still cached when it comes. */
  private async wait(done: Promise<void>): Promise<true> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.timeoutMs)))]);
    clearTimeout(timer);
    return true;
  }

  /** The one server call for this search, or null when every way to look `typed` up was tried recently. */
  private callFor(lookup: CrmcomCatalogLookup, kind: CatalogKind, typed: string, count: number): Promise<LookupResult<CatalogKind>> | null {
    switch (kind) {
      case 'smartcards':
      case 'stbs': {
        // provisioning/installed_items/show by CA id, else installed_items/show by serial, then alternative code.
        const ways: (() => Promise<LookupResult<CatalogKind>>)[] = [
          ...(CA_ID.test(typed) ? [() => lookup.deviceByCaId(kind, typed)] : []),
          ...DEVICE_FIELDS.map((f) => () => lookup.device(f, typed)),
        ];
        return ways[count]?.() ?? null;
      }
      case 'subscriptions':
        return count === 0 ? lookup.subscription('number', typed) : null;
      case 'services':
        return count === 0 ? lookup.product('code', typed) : null;
    }
  }

  private forgetOld(now: number): void {
    if (this.tried.size < 500) return;
    for (const [key, memo] of this.tried) if (memo.until <= now) this.tried.delete(key);
  }
}
