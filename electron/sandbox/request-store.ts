// Provisioning requests as the head-end holds them, and the log of what it
// received per smartcard (in arrival order) that tests read to check ordering
// and duplicates.
import { formatLocalDateTime } from '../../shared/domain/dates';
import { prepared, type Db } from './headend-db';
import type { CardRef } from './request-factory';

export interface StoredRequest {
  number: number;
  id: string;
  provider: string;
  method: string;
  type: string;
  life_cycle_state: string;
  priority: string;
  due_ms: number;
  params: Record<string, unknown>;
  object: Record<string, unknown>;
}

/** A row of the requests table: the stored request with params and object as JSON text. */
type RequestRow = Omit<StoredRequest, 'params' | 'object'> & { params_json: string; object_json: string };

export interface ReceivedEntry {
  seq: number;
  received_date: string;
  transport: string;
  provider: string;
  method: string;
  type: string;
  request_id: string;
  request_number: string;
  smartcard: { id: string | null; serial_number: string | null; ca_id: string | null; named_as: string | null };
}

const toStored = (r: RequestRow): StoredRequest => ({
  number: r.number,
  id: r.id,
  provider: r.provider,
  method: r.method,
  type: r.type,
  life_cycle_state: r.life_cycle_state,
  priority: r.priority,
  due_ms: r.due_ms,
  params: JSON.parse(r.params_json) as Record<string, unknown>,
  object: JSON.parse(r.object_json) as Record<string, unknown>,
});

/** Numbers continue from the seed example's 18570 so sandbox numbers look like real ones. */
export const FIRST_REQUEST_NUMBER = 18571;

export type ListFilter =
  | { type: string }
  | { life_cycle_state: string }
  | { reference_number: string };

export class RequestStore {
  constructor(private readonly db: Db) {}

  private sql(text: string) {
    return prepared(this.db, text);
  }

  nextNumber(): number {
    const row = this.sql('SELECT max(number) AS n FROM requests').get() as { n: number | null };
    return row.n === null ? FIRST_REQUEST_NUMBER : row.n + 1;
  }

  insert(
    r: Omit<StoredRequest, 'life_cycle_state'>,
    transport: string,
    cards: readonly CardRef[],
  ): void {
    this.sql(
      `INSERT INTO requests (number, id, provider, method, type, life_cycle_state, priority, due_ms,
         reference_number, params_json, object_json) VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?, NULL, ?, ?)`,
    ).run(r.number, r.id, r.provider, r.method, r.type, r.priority, r.due_ms, JSON.stringify(r.params), JSON.stringify(r.object));
    const log = this.sql(
      `INSERT INTO received (received_date, transport, provider, method, type, request_id, request_number,
         card_id, card_serial, card_ca_id, card_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const date = formatLocalDateTime(new Date());
    const entries = cards.length > 0 ? cards : [{ card: undefined, ref: null }];
    for (const c of entries) {
      log.run(date, transport, r.provider, r.method, r.type, r.id, r.number,
        c.card?.id ?? null, c.card?.serial_number ?? null, c.card?.ca_id ?? null, c.ref);
    }
  }

  update(number: number, object: Record<string, unknown>): void {
    this.sql('UPDATE requests SET life_cycle_state = ?, reference_number = ?, object_json = ? WHERE number = ?')
      .run(object.life_cycle_state, object.reference_number ?? null, JSON.stringify(object), number);
  }

  byNumber(number: number): StoredRequest | undefined {
    const row = this.sql('SELECT * FROM requests WHERE number = ?').get(number) as RequestRow | undefined;
    return row && toStored(row);
  }

  find(provider: string, identifier: { id?: string; number?: string }): StoredRequest | undefined {
    const row = (
      identifier.id !== undefined
        ? this.sql('SELECT * FROM requests WHERE provider = ? AND id = ?').get(provider, identifier.id)
        : /^\d{1,15}$/.test(identifier.number ?? '')
          ? this.sql('SELECT * FROM requests WHERE provider = ? AND number = ?').get(provider, Number(identifier.number))
          : undefined
    ) as RequestRow | undefined;
    return row && toStored(row);
  }

  list(provider: string, filter: ListFilter, page: number, perPage: number): { items: StoredRequest[]; total: number } {
    const [column, value] = Object.entries(filter)[0] as [string, string];
    // column is one of the three list filters, checked by the query schema
    const where = `provider = ? AND ${column} = ?`;
    const total = (this.sql(`SELECT count(*) AS n FROM requests WHERE ${where}`).get(provider, value) as { n: number }).n;
    const rows = this.sql(`SELECT * FROM requests WHERE ${where} ORDER BY number LIMIT ? OFFSET ?`)
      .all(provider, value, perPage, (page - 1) * perPage) as RequestRow[];
    return { items: rows.map(toStored), total };
  }

  /** CRM.COM V4 offset paging: `limit` rows after `offset` (null limit: every row, as before R13). */
  listRange(provider: string, filter: ListFilter, offset: number, limit: number | null): StoredRequest[] {
    const [column, value] = Object.entries(filter)[0] as [string, string];
    // column is one of the three list filters, checked by the query schema
    const rows = this.sql(`SELECT * FROM requests WHERE provider = ? AND ${column} = ? ORDER BY number LIMIT ? OFFSET ?`)
      .all(provider, value, limit ?? -1, offset) as RequestRow[];
    return rows.map(toStored);
  }

  /** A request of any provider (CRM.COM's generic provisioning/provisioning_requests/show, R11+). */
  findAny(identifier: { id?: string; number?: string }): StoredRequest | undefined {
    const row = (
      identifier.id !== undefined
        ? this.sql('SELECT * FROM requests WHERE id = ?').get(identifier.id)
        : /^\d{1,15}$/.test(identifier.number ?? '')
          ? this.sql('SELECT * FROM requests WHERE number = ?').get(Number(identifier.number))
          : undefined
    ) as RequestRow | undefined;
    return row && toStored(row);
  }

  /** Due PENDING requests in processing order: EXPRESS before REGULAR, then by number. */
  due(nowMs: number): StoredRequest[] {
    const rows = this.sql(
      `SELECT * FROM requests WHERE life_cycle_state = 'PENDING' AND due_ms <= ?
       ORDER BY CASE priority WHEN 'EXPRESS' THEN 0 ELSE 1 END, number`,
    ).all(nowMs) as RequestRow[];
    return rows.map(toStored);
  }

  counts(): Record<string, number> {
    const rows = this.sql('SELECT life_cycle_state AS s, count(*) AS n FROM requests GROUP BY life_cycle_state')
      .all() as { s: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.s, r.n]));
  }

  /** What was received, in arrival order; for one card when `card` names it by any key. */
  received(card?: string): ReceivedEntry[] {
    const rows = (
      card === undefined
        ? this.sql('SELECT * FROM received ORDER BY seq').all()
        : this.sql(
            `SELECT * FROM received WHERE card_ca_id = @c OR card_serial = @c OR card_id = @c OR card_ref = @c
               OR card_id IN (SELECT id FROM smartcards WHERE alternative_code = @c) ORDER BY seq`,
          ).all({ c: card })
    ) as Record<string, string | number | null>[];
    return rows.map((r) => ({
      seq: r.seq as number,
      received_date: r.received_date as string,
      transport: r.transport as string,
      provider: r.provider as string,
      method: r.method as string,
      type: r.type as string,
      request_id: r.request_id as string,
      request_number: String(r.request_number),
      smartcard: {
        id: r.card_id as string | null,
        serial_number: r.card_serial as string | null,
        ca_id: r.card_ca_id as string | null,
        named_as: r.card_ref as string | null,
      },
    }));
  }
}
