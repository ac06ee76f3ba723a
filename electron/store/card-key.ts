import type Database from 'better-sqlite3';
import type { CardIdentity, CardKind } from '../../shared/domain/card-identity';
import type { StoreContext } from './store-context';

// Commands for one smartcard must reach the head-end in the order the operator
// gave them, so every request is ordered by the card it acts on: its card key.
// The same card may be named by id, serial_number, alternative_code or ca_id;
// when the local catalog knows the card, every name becomes "id:<catalog id>",
// so all of them share one queue. A card the catalog does not know yet keeps
// the name it was given ("serial_number:X") and is re-keyed when the catalog
// learns it (see rekeyLearnedCards).

const PREFIX: Record<CardKind, string> = { smartcard: '', stb: 'stb:' };

const TABLE: Record<CardKind, string> = { smartcard: 'smartcards', stb: 'stbs' };
const LOOKUP_FIELDS = new Set(['id', 'serial_number', 'alternative_code', 'ca_id']);

export function cardKeyText(kind: CardKind, field: string, value: string): string {
  return `${PREFIX[kind]}${field}:${value}`;
}

export interface ResolvedCardKey {
  key: string;
  /** True when the key is final: the catalog knows the card (or there is no card). */
  known: boolean;
}

/** A resolved card key, and whether the outbox already holds a request of that card. */
export interface QueuedCardKey extends ResolvedCardKey {
  queued: boolean;
}

// `field = (SELECT ?)`, not `field = ?`: SQLite 3.54 (better-sqlite3 13) makes
// a statement with a bound equality and ORDER BY … LIMIT cost ~15 µs more on
// every run (as if re-planned for each bound value), ~5× the lookup itself;
// a value behind a scalar subquery is not planned on, and the index is still
// used (query-plans.test.ts). Enqueue asks this once per new card of a batch.

/** Resolves card identities through the local catalog. */
export class CardKeyResolver {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly ctx: StoreContext) {}

  private statement(name: string, sql: () => string): Database.Statement {
    let statement = this.statements.get(name);
    if (!statement) {
      statement = this.ctx.sql(sql());
      this.statements.set(name, statement);
    }
    return statement;
  }

  resolve(identity: CardIdentity | null, clientUuid: string): ResolvedCardKey {
    // A request about no card (none exists today) is a queue of its own.
    if (identity === null) return { key: `request:${clientUuid}`, known: true };
    if (!LOOKUP_FIELDS.has(identity.field)) throw new Error(`unexpected card field ${identity.field}`);
    const { kind, field } = identity;
    const row = this.statement(`${kind}.${field}`, () => `SELECT id FROM ${TABLE[kind]} WHERE ${field} = (SELECT ?) ORDER BY rid LIMIT 1`).get(
      identity.value,
    ) as { id: string } | undefined;
    if (row) return { key: cardKeyText(kind, 'id', row.id), known: true };
    return { key: cardKeyText(kind, field, identity.value), known: false };
  }

  /** resolve(), and whether that card already has a queue in the outbox, in one statement (enqueue asks for every new card). */
  resolveQueued(identity: CardIdentity | null, clientUuid: string): QueuedCardKey {
    if (identity === null) {
      const key = `request:${clientUuid}`;
      return { key, known: true, queued: this.ctx.sql('SELECT 1 FROM outbox WHERE card_key = ? LIMIT 1').get(key) !== undefined };
    }
    if (!LOOKUP_FIELDS.has(identity.field)) throw new Error(`unexpected card field ${identity.field}`);
    const { kind, field, value } = identity;
    const row = this.statement(
      `${kind}.${field}.queued`,
      () => `SELECT coalesce(@known_prefix || c.id, @unresolved) AS key, c.id IS NOT NULL AS known,
               EXISTS (SELECT 1 FROM outbox WHERE card_key = coalesce(@known_prefix || c.id, @unresolved)) AS queued
             FROM (SELECT (SELECT id FROM ${TABLE[kind]} WHERE ${field} = (SELECT @value) ORDER BY rid LIMIT 1) AS id) AS c`,
    ).get({ value, known_prefix: cardKeyText(kind, 'id', ''), unresolved: cardKeyText(kind, field, value) }) as {
      key: string;
      known: number;
      queued: number;
    };
    return { key: row.key, known: row.known === 1, queued: row.queued === 1 };
  }

  /** Remembers a key the catalog did not know, so the catalog can re-key it once it learns the card. */
  rememberUnresolved(card: ResolvedCardKey): void {
    if (!card.known) this.ctx.sql('INSERT OR IGNORE INTO unresolved_cards (card_key) VALUES (?)').run(card.key);
  }
}

/** Every key under which requests may name this catalog card. */
export function cardAliases(kind: CardKind, row: Record<string, unknown>): string[] {
  const aliases: string[] = [];
  for (const field of LOOKUP_FIELDS) {
    const v = row[field];
    if (typeof v === 'string') aliases.push(cardKeyText(kind, field, v));
  }
  return aliases;
}
