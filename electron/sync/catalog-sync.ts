import { z } from 'zod';
import { CATALOG_KINDS, type CatalogKind, type CatalogRows } from '../../shared/domain/catalog';
import type { QueryOutcome } from './headend-client';

// Fills the local catalog from the head-end's catalog export (docs/protocol.md:
// GET /sandbox/catalog/<kind>?revision_after=&page=&records_per_page=), so the
// pickers work offline. Incremental: the cursor is the export's
// catalog_revision seen before reading, so a change made during the read is
// fetched again next time (an upsert twice is harmless; a change missed is not).

export type CatalogFetch = (kind: CatalogKind, query: Record<string, unknown>) => Promise<QueryOutcome<unknown> & { raw?: unknown }>;

export interface CatalogStore {
  upsertCatalog<K extends CatalogKind>(kind: K, rows: readonly CatalogRows[K][]): { ok: true; count: number } | { ok: false; errors: { index: number; field: string; message: string }[] };
  catalogCursor(kind: CatalogKind): string | null;
  setCatalogCursor(kind: CatalogKind, cursor: string): void;
}

const text = z.string().min(1).max(128);
const exportedItem = z.looseObject({ id: text, revision: z.number().int().min(0).optional() });
const pagingSchema = z.looseObject({
  total_records: z.number().int().min(0),
  catalog_revision: z.number().int().min(0).optional(),
});
const pageSchema = z.looseObject({ data: z.array(exportedItem), paging: pagingSchema });

type Item = z.infer<typeof exportedItem> & Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 128 ? v : null);

function omit(item: Item, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !keys.includes(k)));
}

/** One exported item as a local catalog row, in the seed's field names. */
export function toCatalogRow<K extends CatalogKind>(kind: K, item: Item): CatalogRows[K] {
  switch (kind) {
    case 'subscriptions':
      return { id: item.id, number: str(item.number), name: str(item.name), state: str(item.state), data: omit(item, ['id', 'number', 'name', 'state']) } as CatalogRows[K];
    case 'smartcards':
      return {
        id: item.id,
        serial_number: str(item.serial_number),
        alternative_code: str(item.alternative_code),
        ca_id: str(item.ca_id),
        subscription_id: str(item.subscription_id),
        paired_stb_id: str(item.paired_stb_id),
        pairing: item.pairing_id === undefined ? null : { pairing_id: item.pairing_id },
        entitlements: Array.isArray(item.services) ? item.services : null,
        pin_state: str(item.pin_state),
        data: omit(item, ['id', 'serial_number', 'alternative_code', 'ca_id', 'services', 'pin_state']),
      } as CatalogRows[K];
    case 'stbs':
      return {
        id: item.id,
        serial_number: str(item.serial_number),
        alternative_code: str(item.alternative_code),
        ca_id: str(item.ca_id),
        subscription_id: str(item.subscription_id),
        paired_smartcard_id: str(item.paired_smartcard_id),
        data: omit(item, ['id', 'serial_number', 'alternative_code', 'ca_id']),
      } as CatalogRows[K];
    case 'services':
      return { id: item.id, code: str(item.code), alternative_code: str(item.alternative_code), name: str(item.name), ca_id: str(item.ca_id), data: omit(item, ['id', 'code', 'alternative_code', 'name', 'ca_id']) } as CatalogRows[K];
    default:
      throw new Error(`unknown catalog kind ${String(kind)}`);
  }
}

export interface CatalogSyncStats {
  rows: number;
  kinds: CatalogKind[];
  errors: string[];
}

export async function syncCatalog(
  fetchPage: CatalogFetch,
  store: CatalogStore,
  options: { pageSize: number; kinds?: readonly CatalogKind[] } = { pageSize: 1000 },
): Promise<CatalogSyncStats> {
  const stats: CatalogSyncStats = { rows: 0, kinds: [], errors: [] };
  for (const kind of options.kinds ?? CATALOG_KINDS) {
    const problem = await syncKind(kind, fetchPage, store, options.pageSize, stats);
    if (problem) stats.errors.push(`${kind}: ${problem}`);
    else stats.kinds.push(kind);
  }
  return stats;
}

type PageRead = { ok: false; error: string } | { ok: true; page: z.infer<typeof pageSchema> };

async function readPage(fetchPage: CatalogFetch, kind: CatalogKind, query: Record<string, unknown>): Promise<PageRead> {
  const answer = await fetchPage(kind, query);
  if (answer.kind !== 'ok') return { ok: false, error: `${answer.code}: ${answer.description}` };
  const parsed = pageSchema.safeParse(answer.raw);
  if (!parsed.success) return { ok: false, error: `malformed catalog page: ${parsed.error.issues[0]?.message ?? 'bad shape'}` };
  return { ok: true, page: parsed.data };
}

async function syncKind(kind: CatalogKind, fetchPage: CatalogFetch, store: CatalogStore, pageSize: number, stats: CatalogSyncStats): Promise<string | null> {
  const cursor = store.catalogCursor(kind);
  const filter: Record<string, unknown> = cursor === null ? {} : { revision_after: cursor };
  // A one-record probe gives the revision to resume from and the size.
  const probe = await readPage(fetchPage, kind, { ...filter, page: 1, records_per_page: 1 });
  if (!probe.ok) return probe.error;
  const revision = probe.page.paging.catalog_revision;
  const totalPages = Math.ceil(probe.page.paging.total_records / pageSize);
  // Backwards: a record changed meanwhile moves to the end, which shifts only
  // pages already read, so none is skipped.
  for (let page = totalPages; page >= 1; page--) {
    const answer = await readPage(fetchPage, kind, { ...filter, page, records_per_page: pageSize });
    if (!answer.ok) return answer.error;
    const rows = answer.page.data.map((item) => toCatalogRow(kind, item as Item));
    const result = store.upsertCatalog(kind, rows);
    if (!result.ok) return `rows refused by the store: ${result.errors.slice(0, 3).map((e) => `#${e.index} ${e.field}: ${e.message}`).join('; ')}`;
    stats.rows += result.count;
  }
  if (revision !== undefined) store.setCatalogCursor(kind, String(revision));
  return null;
}
