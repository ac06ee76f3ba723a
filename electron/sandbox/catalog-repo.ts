// Reads and changes the catalog and card state. Every change bumps the item's
// revision and updated_date so the catalog export can serve "what changed".
import type { CatalogKind } from '../../shared/domain/catalog';
import { formatLocalDateTime } from '../../shared/domain/dates';
import { nextRevision, prepared, type Db } from './headend-db';

export interface SubscriptionRow {
  seq: number;
  id: string;
  number: string;
  state: string;
  updated_date: string;
  revision: number;
}
/** What smartcards and STBs have alike: identifiers, subscription, pairing. */
interface DeviceRow {
  seq: number;
  id: string;
  serial_number: string;
  alternative_code: string;
  ca_id: string;
  subscription_number: string;
  pairing_id: string | null;
  updated_date: string;
  revision: number;
}
export interface SmartcardRow extends DeviceRow {
  managed_by_sms: number;
  legacy: number;
  /** All the sandbox knows of a card's PIN: no PIN and nothing derived from one is kept. */
  pin_state: 'default' | 'custom' | 'cleared';
}
export type StbRow = DeviceRow;
export interface ServiceRow {
  seq: number;
  id: string;
  code: string;
  alternative_code: string;
  name: string;
  ca_id: string;
  updated_date: string;
  revision: number;
}
export interface CardMessageRow {
  seq: number;
  kind: string;
  message_text: string | null;
  display_duration: number | null;
  repetition_interval: number | null;
  number_of_repetitions: number | null;
  request_number: string;
  shown_date: string;
}

type Identifier = Record<string, unknown>;
const ITEM_KEYS = ['id', 'serial_number', 'alternative_code'] as const;
const SERVICE_KEYS = ['id', 'code', 'alternative_code'] as const;
const SUBSCRIPTION_KEYS = ['id', 'number'] as const;

function keyOf(identifier: Identifier, keys: readonly string[]): [string, string] | undefined {
  for (const k of keys) {
    const v = identifier[k];
    if (typeof v === 'string') return [k, v];
  }
  return undefined;
}

export class CatalogRepo {
  constructor(private readonly db: Db) {}

  private sql(text: string) {
    return prepared(this.db, text);
  }

  private byKey<T>(table: string, identifier: Identifier, keys: readonly string[]): T | undefined {
    const key = keyOf(identifier, keys);
    if (!key) return undefined;
    // column names come from our constant key lists, never from the request
    return this.sql(`SELECT * FROM ${table} WHERE ${key[0]} = ?`).get(key[1]) as T | undefined;
  }

  subscription(identifier: Identifier): SubscriptionRow | undefined {
    return this.byKey('subscriptions', identifier, SUBSCRIPTION_KEYS);
  }
  smartcard(identifier: Identifier): SmartcardRow | undefined {
    return this.byKey('smartcards', identifier, ITEM_KEYS);
  }
  stb(identifier: Identifier): StbRow | undefined {
    return this.byKey('stbs', identifier, ITEM_KEYS);
  }
  service(identifier: Identifier): ServiceRow | undefined {
    return this.byKey('services', identifier, SERVICE_KEYS);
  }
  smartcardByCaId(caId: string): SmartcardRow | undefined {
    return this.sql('SELECT * FROM smartcards WHERE ca_id = ?').get(caId) as SmartcardRow | undefined;
  }
  stbByCaId(caId: string): StbRow | undefined {
    return this.sql('SELECT * FROM stbs WHERE ca_id = ?').get(caId) as StbRow | undefined;
  }
  /** A card named by any of its keys (id, serial, alternative code, CA id). */
  smartcardByAnyKey(value: string): SmartcardRow | undefined {
    return this.sql('SELECT * FROM smartcards WHERE ca_id = @v OR serial_number = @v OR id = @v OR alternative_code = @v')
      .get({ v: value }) as SmartcardRow | undefined;
  }

  smartcardsOfSubscription(number: string): SmartcardRow[] {
    return this.sql('SELECT * FROM smartcards WHERE subscription_number = ? ORDER BY seq').all(number) as SmartcardRow[];
  }
  stbsOfSubscription(number: string): StbRow[] {
    return this.sql('SELECT * FROM stbs WHERE subscription_number = ? ORDER BY seq').all(number) as StbRow[];
  }
  /** Services in catalog order; null limit: all of them. */
  servicesRange(offset: number, limit: number | null): ServiceRow[] {
    return this.sql('SELECT * FROM services ORDER BY seq LIMIT ? OFFSET ?').all(limit ?? -1, offset) as ServiceRow[];
  }

  entitlements(cardId: string): ServiceRow[] {
    return this.sql(
      'SELECT s.* FROM entitlements e JOIN services s ON s.id = e.service_id WHERE e.smartcard_id = ? ORDER BY s.seq',
    ).all(cardId) as ServiceRow[];
  }
  cardsInPairing(pairingId: string): SmartcardRow[] {
    return this.sql('SELECT * FROM smartcards WHERE pairing_id = ? ORDER BY seq').all(pairingId) as SmartcardRow[];
  }
  stbsInPairing(pairingId: string): StbRow[] {
    return this.sql('SELECT * FROM stbs WHERE pairing_id = ? ORDER BY seq').all(pairingId) as StbRow[];
  }
  messages(cardId: string): CardMessageRow[] {
    return this.sql('SELECT * FROM card_messages WHERE smartcard_id = ? ORDER BY seq')
      .all(cardId) as CardMessageRow[];
  }

  private touch(table: 'smartcards' | 'stbs', id: string): void {
    this.sql(`UPDATE ${table} SET revision = ?, updated_date = ? WHERE id = ?`)
      .run(nextRevision(this.db), formatLocalDateTime(new Date()), id);
  }

  addEntitlements(cardId: string, serviceIds: readonly string[]): void {
    const insert = this.sql('INSERT OR IGNORE INTO entitlements (smartcard_id, service_id) VALUES (?, ?)');
    for (const s of serviceIds) insert.run(cardId, s);
    this.touch('smartcards', cardId);
  }
  removeEntitlements(cardId: string, serviceIds: readonly string[]): void {
    const del = this.sql('DELETE FROM entitlements WHERE smartcard_id = ? AND service_id = ?');
    for (const s of serviceIds) del.run(cardId, s);
    this.touch('smartcards', cardId);
  }
  setPinState(cardId: string, state: SmartcardRow['pin_state']): void {
    this.sql('UPDATE smartcards SET pin_state = ? WHERE id = ?').run(state, cardId);
    this.touch('smartcards', cardId);
  }
  setCardPairing(cardId: string, pairingId: string | null): void {
    this.sql('UPDATE smartcards SET pairing_id = ? WHERE id = ?').run(pairingId, cardId);
    this.touch('smartcards', cardId);
  }
  setStbPairing(stbId: string, pairingId: string | null): void {
    this.sql('UPDATE stbs SET pairing_id = ? WHERE id = ?').run(pairingId, stbId);
    this.touch('stbs', stbId);
  }
  addMessage(cardId: string, message: Omit<CardMessageRow, 'seq' | 'shown_date'>): void {
    this.sql(
      `INSERT INTO card_messages (smartcard_id, kind, message_text, display_duration, repetition_interval,
         number_of_repetitions, request_number, shown_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      cardId,
      message.kind,
      message.message_text,
      message.display_duration,
      message.repetition_interval,
      message.number_of_repetitions,
      message.request_number,
      formatLocalDateTime(new Date()),
    );
  }

  counts(): Record<CatalogKind, number> {
    const n = (t: string) => (this.sql(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { subscriptions: n('subscriptions'), smartcards: n('smartcards'), stbs: n('stbs'), services: n('services') };
  }

  /**
   * One page of a catalog kind, in (revision, seq) order so a client paging
   * through "changed after" sees each change once per revision.
   */
  exportPage(
    kind: CatalogKind,
    page: number,
    perPage: number,
    filter: { updatedAfter?: string; revisionAfter?: number },
  ): { items: Record<string, unknown>[]; total: number } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.updatedAfter !== undefined) {
      where.push('updated_date >= ?');
      args.push(filter.updatedAfter);
    }
    if (filter.revisionAfter !== undefined) {
      where.push('revision > ?');
      args.push(filter.revisionAfter);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.sql(`SELECT count(*) AS n FROM ${kind} ${clause}`).get(...args) as { n: number }).n;
    const rows = this.sql(`SELECT * FROM ${kind} ${clause} ORDER BY revision, seq LIMIT ? OFFSET ?`)
      .all(...args, perPage, (page - 1) * perPage) as Record<string, unknown>[];
    return { items: rows.map((r) => this.exportItem(kind, r)), total };
  }

  private exportItem(kind: CatalogKind, row: Record<string, unknown>): Record<string, unknown> {
    const { seq: _seq, ...item } = row;
    if (kind !== 'smartcards') return item;
    const card = row as unknown as SmartcardRow;
    return {
      ...item,
      managed_by_sms: card.managed_by_sms === 1,
      legacy: card.legacy === 1,
      services: this.entitlements(card.id).map((s) => s.code),
    };
  }
}
