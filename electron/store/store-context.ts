import type Database from 'better-sqlite3';
import { redactAnyBody } from '../../shared/domain/request-fields';
import type { LocalRequest, RequestEvent, RequestEventKind } from '../../shared/domain/local-request';
import type { DeskEventKind } from '../../shared/domain/operators';
import type { SealerSource } from './request-params';
import { UuidV7Generator } from './uuid-v7';
import { eventHash, GENESIS } from './audit-chain';

/** What every part of the store shares: the one connection, its cached statements, the clock. */
export class StoreContext {
  private readonly statements = new Map<string, Database.Statement>();
  /** client_uuid for requests whose caller gave none: time-ordered, so the UNIQUE index grows at its end. */
  readonly uuids = new UuidV7Generator(() => this.now());
  /** How secrets are sealed before they are written (Store.useSealer); null: kept as given (bare unit-test stores). */
  sealer: SealerSource = null;

  constructor(
    readonly db: Database.Database,
    readonly file: string,
    readonly now: () => number,
  ) {}

  /** A prepared statement, prepared once per SQL text. */
  sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * Appends to the request history (the stored part of the request_events view;
   * "created" is the request row itself, see migration 004), chained to the
   * last event (audit-chain.ts). `detail` is redacted here so no caller can forget.
   */
  event(requestId: number, kind: RequestEventKind, actor: string, detail: Record<string, unknown> | null, at = this.now()): void {
    this.append(requestId, kind, actor, detail, at);
  }

  /** A desk-level event (sign-in, settings changed…): the same chain, with no request (migration 010). */
  deskEvent(kind: DeskEventKind, actor: string, detail: Record<string, unknown> | null, at = this.now()): void {
    this.append(null, kind, actor, detail, at);
  }

  private append(requestId: number | null, kind: string, actor: string, detail: Record<string, unknown> | null, at: number): void {
    const tail = this.sql('SELECT id, hash FROM request_event_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
    const link = { id: (tail?.id ?? 0) + 1, prev_hash: tail?.hash ?? GENESIS };
    const row = { ...link, request_id: requestId, kind, actor, at, detail: detail === null ? null : JSON.stringify(redactAnyBody(detail)) };
    this.sql('INSERT INTO request_event_log (id, request_id, kind, actor, at, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      row.id,
      row.request_id,
      row.kind,
      row.actor,
      row.at,
      row.detail,
      row.prev_hash,
      eventHash(row),
    );
  }
}

/** Columns of LocalRequest, in the order SELECTs name them. */
export const REQUEST_COLUMNS =
  'id, client_uuid, provider, method, type, params, secrets_wiped, priority, scheduled_date, card_key, card_seq, ' +
  'local_state, outcome_unknown, headend_id, number, reference_number, life_cycle_state, error_code, ' +
  'error_description, executed_date, attempts, next_attempt_at, last_error, operator, batch_id, created_at, ' +
  'updated_at, sent_at, acknowledged_at, finished_at';

/** The same columns qualified by a table alias, for joins. */
export function requestColumnsOf(alias: string): string {
  return REQUEST_COLUMNS.split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');
}

type RequestRow = Omit<LocalRequest, 'params' | 'secrets_wiped' | 'outcome_unknown'> & {
  params: string;
  secrets_wiped: number;
  outcome_unknown: number;
};

export function toLocalRequest(row: unknown): LocalRequest {
  const r = row as RequestRow;
  return {
    ...r,
    params: JSON.parse(r.params) as Record<string, unknown>,
    secrets_wiped: r.secrets_wiped === 1,
    outcome_unknown: r.outcome_unknown === 1,
  };
}

export function toRequestEvent(row: unknown): RequestEvent {
  const r = row as Omit<RequestEvent, 'detail'> & { detail: string | null };
  return { ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>) };
}

export function toMillis(value: Date | number): number {
  return typeof value === 'number' ? value : value.getTime();
}
