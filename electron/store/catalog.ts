import {
  catalogKindSchema,
  catalogRowSchemas,
  type CatalogKind,
  type CatalogRows,
  type StoredCatalogRow,
} from '../../shared/domain/catalog';
import { fieldErrors } from '../../shared/domain/validation';
import { cardAliases, cardKeyText } from './card-key';
import type { CardKind } from '../../shared/domain/card-identity';
import { StoreInputError } from './errors';
import type { EnqueueError } from './enqueue';
import { rebuildHead } from './outbox';
import type { StoreContext } from './store-context';

// Columns of each catalog table besides rid/updated_at; JSON columns hold "last known" values.
const COLUMNS: Record<CatalogKind, readonly string[]> = {
  subscriptions: ['id', 'number', 'name', 'state', 'data'],
  smartcards: ['id', 'serial_number', 'alternative_code', 'ca_id', 'subscription_id', 'paired_stb_id', 'pairing', 'entitlements', 'pin_state', 'data'],
  stbs: ['id', 'serial_number', 'alternative_code', 'ca_id', 'subscription_id', 'paired_smartcard_id', 'data'],
  services: ['id', 'code', 'alternative_code', 'name', 'ca_id', 'data'],
};
const JSON_COLUMNS = new Set(['pairing', 'entitlements', 'data']);
const CARD_KIND: Partial<Record<CatalogKind, CardKind>> = { smartcards: 'smartcard', stbs: 'stb' };

function checkKind(kind: unknown): CatalogKind {
  const parsed = catalogKindSchema.safeParse(kind);
  if (!parsed.success) throw new StoreInputError(parsed.error.issues[0]?.message ?? 'unknown catalog kind');
  return parsed.data;
}

export type UpsertCatalogResult = { ok: true; count: number } | { ok: false; errors: EnqueueError[] };

/**
 * Inserts or replaces catalog rows (by id) in one transaction; one bad row
 * refuses the batch. 'merge' keeps a known column the row leaves out (null or
 * absent): a CRM.COM lookup, which has no CA ids, must not erase the CA id an
 * operator's catalog import gave, nor the other way round.
 */
export function upsertCatalog<K extends CatalogKind>(
  ctx: StoreContext,
  kind: K,
  rows: readonly CatalogRows[K][],
  mode: 'replace' | 'merge' = 'replace',
): UpsertCatalogResult {
  checkKind(kind);
  const schema = catalogRowSchemas[kind];
  const errors: EnqueueError[] = [];
  const valid: Record<string, unknown>[] = [];
  rows.forEach((row, index) => {
    const parsed = schema.safeParse(row);
    if (parsed.success) valid.push(parsed.data as Record<string, unknown>);
    else errors.push(...fieldErrors(parsed.error).map((e) => ({ index, ...e })));
  });
  if (errors.length > 0) return { ok: false, errors };

  const columns = COLUMNS[kind];
  const upsert = ctx.sql(
    `INSERT INTO ${kind} (${columns.join(', ')}, updated_at) VALUES (${columns.map(() => '?').join(', ')}, ?)
     ON CONFLICT (id) DO UPDATE SET ${[
       ...columns.slice(1).map((c) => (mode === 'merge' ? `${c} = COALESCE(excluded.${c}, ${c})` : `${c} = excluded.${c}`)),
       'updated_at = excluded.updated_at',
     ].join(', ')}`,
  );
  ctx.db.transaction(() => {
    const now = ctx.now();
    for (const row of valid) {
      const values = columns.map((c) => {
        const v = row[c];
        if (v === undefined || v === null) return null;
        return JSON_COLUMNS.has(c) ? JSON.stringify(v) : (v as string);
      });
      upsert.run(...values, now);
    }
    const cardKind = CARD_KIND[kind];
    if (cardKind) rekeyLearnedCards(ctx, cardKind, valid);
  })();
  return { ok: true, count: valid.length };
}

/**
 * Requests queued while the catalog did not know their card carry the name
 * they were given ("serial_number:X"). Once the catalog knows the card, they
 * move to its "id:Y" queue; card_seq comes from one global counter, so the
 * merged queue keeps the order in which the operator gave the commands.
 */
function rekeyLearnedCards(ctx: StoreContext, kind: CardKind, rows: readonly Record<string, unknown>[]): void {
  const unresolved = new Set(ctx.sql('SELECT card_key FROM unresolved_cards').pluck().all() as string[]);
  if (unresolved.size === 0) return;
  for (const row of rows) {
    const target = cardKeyText(kind, 'id', row.id as string);
    let merged = false;
    for (const alias of cardAliases(kind, row)) {
      if (!unresolved.has(alias)) continue;
      merged = true;
      ctx.sql('UPDATE requests SET card_key = ? WHERE card_key = ?').run(target, alias);
      ctx.sql('UPDATE outbox SET card_key = ? WHERE card_key = ?').run(target, alias);
      ctx.sql('DELETE FROM unresolved_cards WHERE card_key = ?').run(alias);
      unresolved.delete(alias);
    }
    if (merged) rebuildHead(ctx, target);
  }
}

export function removeCatalog(ctx: StoreContext, kind: CatalogKind, ids: readonly string[]): number {
  checkKind(kind);
  const remove = ctx.sql(`DELETE FROM ${kind} WHERE id = ?`);
  return ctx.db.transaction(() => ids.reduce((n, id) => n + remove.run(id).changes, 0))();
}

function toStored<K extends CatalogKind>(kind: K, row: Record<string, unknown>): StoredCatalogRow<K> {
  const out: Record<string, unknown> = {};
  for (const c of COLUMNS[kind]) {
    const v = row[c];
    out[c] = JSON_COLUMNS.has(c) && typeof v === 'string' ? JSON.parse(v) : (v ?? null);
  }
  out.updated_at = row.updated_at;
  return out as StoredCatalogRow<K>;
}

export function getCatalogItem<K extends CatalogKind>(ctx: StoreContext, kind: K, id: string): StoredCatalogRow<K> | undefined {
  checkKind(kind);
  const row = ctx.sql(`SELECT * FROM ${kind} WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
  return row === undefined ? undefined : toStored(kind, row);
}

/** Turns what an operator typed into an FTS5 query: every word, as a prefix, must match. */
export function ftsPrefixQuery(text: string): string | null {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(' ');
}

/**
 * Identifier columns searched by prefix through their B-tree index, in the
 * order their matches are listed (migration 006: these kinds have no
 * full-text index of identifiers). Services have few rows and keep full text.
 */
const PREFIX_COLUMNS: Partial<Record<CatalogKind, readonly string[]>> = {
  subscriptions: ['number', 'id'],
  smartcards: ['serial_number', 'alternative_code', 'ca_id', 'id'],
  stbs: ['serial_number', 'alternative_code', 'ca_id', 'id'],
};
/** Full-text search: every word a prefix of some indexed word (services: all text columns; subscriptions: the name). */
const HAS_FTS: readonly CatalogKind[] = ['services', 'subscriptions'];
/** Sorts after every character an identifier holds: prefix p covers [p, p + MAX_CHAR). */
const MAX_CHAR = '\u{10FFFF}';

/**
 * Rows whose identifier starts with `text` (as typed, upper- or lower-case:
 * the indexes compare bytes): per column a range seek of at most `limit`
 * entries, so a prefix shared by millions of cards costs no more than an exact
 * serial.
 */
function searchByPrefix(ctx: StoreContext, kind: CatalogKind, columns: readonly string[], text: string, limit: number): Record<string, unknown>[] {
  const variants = [...new Set([text, text.toUpperCase(), text.toLowerCase()])];
  const found = new Map<number, Record<string, unknown>>();
  for (const column of columns) {
    const seek = ctx.sql(`SELECT * FROM ${kind} WHERE ${column} >= ? AND ${column} < ? ORDER BY ${column}, rid LIMIT ?`);
    const rows = variants.flatMap((v) => seek.all(v, v + MAX_CHAR, limit) as Record<string, unknown>[]);
    rows.sort((a, b) => (String(a[column]) < String(b[column]) ? -1 : String(a[column]) > String(b[column]) ? 1 : (a.rid as number) - (b.rid as number)));
    for (const row of rows) {
      if (found.size >= limit) return [...found.values()];
      found.set(row.rid as number, row);
    }
  }
  return [...found.values()];
}

export function searchCatalog<K extends CatalogKind>(ctx: StoreContext, kind: K, text: string, limit: number): StoredCatalogRow<K>[] {
  checkKind(kind);
  if (!Number.isInteger(limit) || limit < 1) throw new StoreInputError('limit must be a positive integer');
  const typed = text.trim();
  if (typed === '') return [];
  const columns = PREFIX_COLUMNS[kind];
  const rows = columns ? searchByPrefix(ctx, kind, columns, typed, limit) : [];
  const match = ftsPrefixQuery(typed);
  if (rows.length < limit && match !== null && HAS_FTS.includes(kind)) {
    const seen = new Set(rows.map((r) => r.rid));
    const byText = ctx
      .sql(`SELECT t.* FROM ${kind}_fts f JOIN ${kind} t ON t.rid = f.rowid WHERE ${kind}_fts MATCH ? ORDER BY f.rank, t.rid LIMIT ?`)
      .all(match, limit) as Record<string, unknown>[];
    for (const row of byText) if (rows.length < limit && !seen.has(row.rid)) rows.push(row);
  }
  return rows.map((row) => toStored(kind, row));
}

export function catalogCursor(ctx: StoreContext, kind: CatalogKind): string | null {
  checkKind(kind);
  const row = ctx.sql('SELECT cursor FROM catalog_cursors WHERE kind = ?').get(kind) as { cursor: string } | undefined;
  return row?.cursor ?? null;
}

export function setCatalogCursor(ctx: StoreContext, kind: CatalogKind, cursor: string): void {
  checkKind(kind);
  if (typeof cursor !== 'string') throw new StoreInputError('cursor must be a text');
  ctx
    .sql(
      `INSERT INTO catalog_cursors (kind, cursor, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (kind) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    )
    .run(kind, cursor, ctx.now());
}
