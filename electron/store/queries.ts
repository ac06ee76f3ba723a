import { LOCAL_STATES, type LocalRequest, type LocalState, type RequestEvent } from '../../shared/domain/local-request';
import { REJECTION_CLOSED } from './attention';
import { StoreInputError } from './errors';
import { REQUEST_COLUMNS, requestColumnsOf, toLocalRequest, toMillis, toRequestEvent, type StoreContext } from './store-context';

export function getRequest(ctx: StoreContext, id: number): LocalRequest | undefined {
  const row = ctx.sql(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = ?`).get(id);
  return row === undefined ? undefined : toLocalRequest(row);
}

export function getByClientUuid(ctx: StoreContext, uuid: string): LocalRequest | undefined {
  const row = ctx.sql(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE client_uuid = ?`).get(uuid.toLowerCase());
  return row === undefined ? undefined : toLocalRequest(row);
}

export function getByHeadendId(ctx: StoreContext, headendId: string): LocalRequest | undefined {
  const row = ctx.sql(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE headend_id = ? ORDER BY id LIMIT 1`).get(headendId);
  return row === undefined ? undefined : toLocalRequest(row);
}

export interface ListRequestsQuery {
  states?: readonly LocalState[];
  provider?: string;
  type?: string;
  /** A card key as the store writes it (see Store.cardKeyFor). */
  cardKey?: string;
  /** Matches identifier values in params (serials, numbers, codes), the head-end number/id/reference, uuid, batch. */
  search?: string;
  /** created_at bounds, inclusive from, exclusive to. */
  from?: Date | number;
  to?: Date | number;
  batchId?: string;
  /** Leave out rejections an operator closed (verified or replaced): the open attention items. */
  openOnly?: boolean;
  /** Also match requests filed under this card key (the card a searched serial names). */
  searchCardKey?: string;
  /** Keyset paging: continue after this id (in the chosen order). */
  afterId?: number;
  limit: number;
  /** Newest first by default. */
  order?: 'asc' | 'desc';
}

const MAX_PAGE = 10_000;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function listRequests(ctx: StoreContext, query: ListRequestsQuery): LocalRequest[] {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
    throw new StoreInputError(`limit must be an integer from 1 to ${MAX_PAGE}`);
  }
  const desc = (query.order ?? 'desc') === 'desc';
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (query.states !== undefined) {
    const states = query.states.filter((s) => (LOCAL_STATES as readonly string[]).includes(s));
    if (states.length !== query.states.length) throw new StoreInputError('states holds an unknown local state');
    if (states.length === 0) return [];
    where.push(`local_state IN (${states.map(() => '?').join(', ')})`);
    args.push(...states);
  }
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    args.push(value);
  };
  equal('provider', query.provider);
  equal('type', query.type);
  equal('card_key', query.cardKey);
  equal('batch_id', query.batchId);
  if (query.from !== undefined) {
    where.push('created_at >= ?');
    args.push(toMillis(query.from));
  }
  if (query.to !== undefined) {
    where.push('created_at < ?');
    args.push(toMillis(query.to));
  }
  const search = query.search?.trim();
  if (search) {
    where.push(
      "(search_text LIKE ? ESCAPE '\\' OR card_key LIKE ? ESCAPE '\\' OR number = ? OR headend_id = ?" +
        ' OR reference_number = ? OR client_uuid = ? OR batch_id = ?' +
        (query.searchCardKey !== undefined ? ' OR card_key = ?)' : ')'),
    );
    const pattern = likePattern(search);
    args.push(pattern, pattern, search, search.toUpperCase(), search, search.toLowerCase(), search);
    if (query.searchCardKey !== undefined) args.push(query.searchCardKey);
  }
  if (query.openOnly) where.push(`NOT (r.local_state = 'REJECTED' AND ${REJECTION_CLOSED})`);
  if (query.afterId !== undefined) {
    where.push(desc ? 'id < ?' : 'id > ?');
    args.push(query.afterId);
  }
  const sql =
    `SELECT ${REQUEST_COLUMNS} FROM requests r` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ?`;
  return ctx
    .sql(sql)
    .all(...args, query.limit)
    .map(toLocalRequest);
}

export function countByState(ctx: StoreContext): Record<LocalState, number> {
  const counts = Object.fromEntries(LOCAL_STATES.map((s) => [s, 0])) as Record<LocalState, number>;
  const rows = ctx.sql('SELECT local_state, count(*) AS n FROM requests GROUP BY local_state').all() as {
    local_state: LocalState;
    n: number;
  }[];
  for (const row of rows) counts[row.local_state] = row.n;
  return counts;
}

export function eventsFor(ctx: StoreContext, requestId: number): RequestEvent[] {
  return ctx
    .sql('SELECT id, request_id, kind, actor, at, detail FROM request_events WHERE request_id = ? ORDER BY id')
    .all(requestId)
    .map(toRequestEvent);
}

/**
 * The requests to send next: for each card, only the head of its queue, only
 * when it is due and nothing of that card is being sent or unsettled; a card
 * whose head needs attention waits. EXPRESS heads first, then oldest first.
 * Read-only: the caller marks each one with markSending before sending it.
 */
export function claimDue(ctx: StoreContext, now: Date | number, limit: number): LocalRequest[] {
  if (!Number.isInteger(limit) || limit < 1) throw new StoreInputError('limit must be a positive integer');
  return ctx
    .sql(
      `SELECT ${requestColumnsOf('r')} FROM outbox o CROSS JOIN requests r ON r.id = o.request_id
       WHERE o.is_head = 1 AND o.ready_at IS NOT NULL AND o.ready_at <= ?
         AND r.local_state IN ('QUEUED', 'RETRY_WAIT')
         AND NOT EXISTS (SELECT 1 FROM outbox b JOIN requests rb ON rb.id = b.request_id
                         WHERE b.card_key = o.card_key AND rb.local_state IN ('SENDING', 'UNKNOWN'))
       ORDER BY o.priority_rank DESC, o.request_id
       LIMIT ?`,
    )
    .all(toMillis(now), limit)
    .map(toLocalRequest);
}

/** ACKNOWLEDGED requests (PENDING at the head-end), for status polling, oldest first. */
export function pendingHeadendRequests(ctx: StoreContext, limit: number, afterId = 0): LocalRequest[] {
  return ctx
    .sql(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE local_state = 'ACKNOWLEDGED' AND id > ? ORDER BY id LIMIT ?`)
    .all(afterId, limit)
    .map(toLocalRequest);
}

/** The newest stored history id (0 when none): a mark to count what happens after it. */
export function lastEventId(ctx: StoreContext): number {
  return (ctx.sql('SELECT coalesce(max(id), 0) FROM request_event_log').pluck().get() as number) ?? 0;
}

/** How many history events of each kind were stored after `afterId` (see lastEventId). */
export function eventCountsSince(ctx: StoreContext, afterId: number): Record<string, number> {
  const rows = ctx.sql('SELECT kind, count(*) AS n FROM request_event_log WHERE id > ? GROUP BY kind').all(afterId) as { kind: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

export interface HistoryRow {
  id: number;
  at: number;
  request_id: number;
  kind: string;
  actor: string;
  type: string;
  card: string;
  /** Redacted JSON detail as stored (never a PIN: redacted when written). */
  detail: string | null;
}

/** The request history of a period (created events included), oldest first. */
export function historyBetween(ctx: StoreContext, from: number, to: number, limit: number): HistoryRow[] {
  return ctx
    .sql(
      `SELECT e.id, e.at, e.request_id, e.kind, e.actor, r.type, r.card_key AS card, e.detail
       FROM request_events e JOIN requests r ON r.id = e.request_id
       WHERE e.at >= ? AND e.at < ? ORDER BY e.at, e.id LIMIT ?`,
    )
    .all(from, to, limit) as HistoryRow[];
}
