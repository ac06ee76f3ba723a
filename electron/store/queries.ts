import { ATTENTION_UNTIL_CLOSED_STATES, DEFAULT_CARD_ORDER, TRANSITIONS, type CardOrder } from '../../shared/domain/life-cycle';
import { LOCAL_STATES, type LocalRequest, type LocalState, type RequestEvent } from '../../shared/domain/local-request';
import { rejectionClosed } from './attention';
import { StoreInputError } from './errors';
import { canUnsealParams } from './sealed-secrets';
import type { QueueSort, QueueSortColumn } from '../../shared/domain/queue-sort';
import type { Provider } from '../../shared/domain/request-types';
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
  /** Keyset paging: continue after this request (in the chosen order). */
  afterId?: number;
  limit: number;
  /** Newest first by default (id order). */
  order?: 'asc' | 'desc';
  /** Order by a column of the queue (then id); overrides `order`. */
  sort?: QueueSort;
}

const MAX_PAGE = 10_000;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The conditions of a query's filters (no state, no paging). With
 * `unindexed`, provider and type (and, when `all`, every other column) are
 * written +column so the planner keeps to the index that gives the order.
 */
export function filterConditions(query: ListRequestsQuery, unindexed: { some: boolean; all: boolean }): { where: string[]; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const equal = (column: string, value: string | undefined, plus: boolean) => {
    if (value === undefined) return;
    where.push(`${plus ? '+' : ''}${column} = ?`);
    args.push(value);
  };
  equal('provider', query.provider, unindexed.some);
  equal('type', query.type, unindexed.some);
  // A card has few requests: its index is always the better walk.
  equal('card_key', query.cardKey, false);
  equal('batch_id', query.batchId, unindexed.all);
  // Dates filter rows met in id order (+created_at keeps the planner off
  // requests_by_created): a range holding most rows would otherwise read and
  // sort all of them. The newest rows are met first, so "from a day on" stops
  // early; a narrow window far back reads the rows after it first.
  if (query.from !== undefined) {
    where.push('+created_at >= ?');
    args.push(toMillis(query.from));
  }
  if (query.to !== undefined) {
    where.push('+created_at < ?');
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
  if (query.openOnly) where.push(`NOT (local_state IN (${ATTENTION_UNTIL_CLOSED_STATES.map((st) => `'${st}'`).join(', ')}) AND ${rejectionClosed('requests')})`);
  return { where, args };
}

/** The query's states, checked; null when the filter is an empty list (no row can match). */
function checkedStates(query: ListRequestsQuery): LocalState[] | null {
  const states = [...new Set(query.states ?? [])];
  if (query.states === undefined) return states;
  if (!states.every((s) => (LOCAL_STATES as readonly string[]).includes(s))) throw new StoreInputError('states holds an unknown local state');
  return states.length === 0 ? null : states;
}

const selectRequests = (conditions: string[]) =>
  `SELECT ${REQUEST_COLUMNS} FROM requests` + (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '');

/**
 * The SQL listRequests runs for `query` and its arguments (null: no row can
 * match). Exported so query-plans.test.ts can show its plan: every filter walks
 * an index in id order (or in the chosen column's order) and stops at the limit.
 */
export function listRequestsStatement(query: ListRequestsQuery): { sql: string; args: (string | number)[] } | null {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
    throw new StoreInputError(`limit must be an integer from 1 to ${MAX_PAGE}`);
  }
  const states = checkedStates(query);
  if (states === null) return null;
  const sort = query.sort ?? { column: 'id', direction: query.order ?? 'desc' };
  // Sorting by state within one state is id order.
  const byColumn = sort.column !== 'id' && !(sort.column === 'state' && states.length === 1);
  if (byColumn) return sortedStatement(query, states, sort);
  const desc = sort.direction === 'desc';
  // With a state filter, provider and type only filter the rows the state
  // index yields (+column): without statistics SQLite may walk half the table
  // by provider to find a hundred requests that need attention.
  const { where, args } = filterConditions(query, { some: states.length > 0, all: false });
  if (query.afterId !== undefined) {
    where.push(desc ? 'id < ?' : 'id > ?');
    args.push(query.afterId);
  }
  const order = ` ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ?`;
  if (states.length > 1) {
    // One branch per state, merged in id order: each walks requests_by_state
    // newest (or oldest) first and stops at the limit, where one IN (...)
    // would read every row of those states and sort them.
    const sql = states.map(() => selectRequests(['local_state = ?', ...where])).join(' UNION ALL ') + order;
    return { sql, args: [...states.flatMap((s) => [s, ...args]), query.limit] };
  }
  if (states.length === 1) {
    where.unshift('local_state = ?');
    args.unshift(states[0]!);
  }
  return { sql: selectRequests(where) + order, args: [...args, query.limit] };
}

/**
 * What each queue column sorts by (then id), and so the index that walks it
 * (a plain index ends in the rowid): requests_by_created, _by_provider,
 * _by_type, _by_state, _by_card (migrations 001, 006: a card's requests in
 * its queue order), requests_sorted_by_number, _by_detail (migration 010).
 * Nullable columns are coalesced exactly as their index is, so keyset paging
 * never compares a NULL.
 */
const SORT_ORDERS = {
  id: ['id'],
  created: ['created_at'],
  provider: ['provider'],
  type: ['type'],
  card: ['card_key', 'card_seq'],
  state: ['local_state'],
  number: ["coalesce(number, '')"],
  detail: ["coalesce(error_description, last_error, '')"],
} as const satisfies Record<QueueSortColumn, readonly string[]>;

/**
 * A page in a column's order, then id's. The walk follows the column's index
 * and stops at the limit; every filter only filters the rows it meets (+column,
 * state too), except a card's (a card has few requests: its index, then a sort).
 * A filter far rarer than the column's values makes that walk long (a state of
 * 50 requests among 200,000 sorted by type: ~150 ms): the price of having no
 * index per (filter, column) pair. Keyset paging continues after the row
 * `afterId` as it is now (its values read by key).
 */
function sortedStatement(query: ListRequestsQuery, states: LocalState[], sort: QueueSort): { sql: string; args: (string | number)[] } {
  const { where, args } = filterConditions(query, { some: true, all: true });
  if (states.length > 0) {
    where.unshift(`+local_state IN (${states.map(() => '?').join(', ')})`);
    args.unshift(...states);
  }
  const keys = [...SORT_ORDERS[sort.column], 'id'];
  const [cmp, strict] = sort.direction === 'desc' ? ['<=', '<'] : ['>=', '>'];
  if (query.afterId !== undefined) {
    // (k1, k2, ..., id) after the row's own values, written so the range on
    // k1 lets SQLite seek its index (a row value comparison walks it from the
    // start when k1 is an expression).
    const valueOf = (key: string) => {
      args.push(query.afterId!);
      return `(SELECT ${key} FROM requests WHERE id = ?)`;
    };
    where.push(`${keys[0]} ${cmp} ${valueOf(keys[0]!)}`);
    const after = (i: number): string => {
      const key = keys[i]!;
      if (i === keys.length - 1) return `${key} ${strict} ${valueOf(key)}`;
      const greater = `${key} ${strict} ${valueOf(key)}`;
      const equal = `${key} = ${valueOf(key)}`;
      return `(${greater} OR (${equal} AND ${after(i + 1)}))`;
    };
    where.push(after(0));
  }
  const direction = sort.direction === 'desc' ? 'DESC' : 'ASC';
  return { sql: `${selectRequests(where)} ORDER BY ${keys.map((k) => `${k} ${direction}`).join(', ')} LIMIT ?`, args: [...args, query.limit] };
}

export function listRequests(ctx: StoreContext, query: ListRequestsQuery): LocalRequest[] {
  const statement = listRequestsStatement(query);
  if (statement === null) return [];
  return ctx
    .sql(statement.sql)
    .all(...statement.args)
    .map(toLocalRequest);
}

function noCounts(): Record<LocalState, number> {
  return Object.fromEntries(LOCAL_STATES.map((s) => [s, 0])) as Record<LocalState, number>;
}

/** Requests per current state, from the counts the triggers keep (migration 005): no scan of requests. */
export function countByState(ctx: StoreContext): Record<LocalState, number> {
  const counts = noCounts();
  const rows = ctx.sql('SELECT local_state, sum(n) AS n FROM request_counts GROUP BY local_state').all() as {
    local_state: LocalState;
    n: number;
  }[];
  for (const row of rows) counts[row.local_state] = row.n;
  return counts;
}

/** Requests in Needs attention whose outcome at the head-end is unknown: only that head-end can say whether they arrived. */
export function countAwaitingVerification(ctx: StoreContext): number {
  return (ctx.sql("SELECT count(*) AS n FROM requests WHERE local_state = 'NEEDS_ATTENTION' AND outcome_unknown = 1").get() as { n: number }).n;
}

const HOUR_MS = 3_600_000;

/**
 * Requests created in each hour of [from, to) by current state, from the kept
 * counts; `from` and `to` are rounded down to whole hours. Hours with no
 * request are absent.
 */
export function countsPerHour(ctx: StoreContext, from: Date | number, to: Date | number): { hour: number; byState: Record<LocalState, number> }[] {
  const rows = ctx
    .sql('SELECT hour, local_state, n FROM request_counts WHERE hour >= ? AND hour < ? AND n > 0 ORDER BY hour')
    .all(Math.floor(toMillis(from) / HOUR_MS), Math.floor(toMillis(to) / HOUR_MS)) as { hour: number; local_state: LocalState; n: number }[];
  const out: { hour: number; byState: Record<LocalState, number> }[] = [];
  for (const row of rows) {
    let last = out[out.length - 1];
    if (last?.hour !== row.hour * HOUR_MS) out.push((last = { hour: row.hour * HOUR_MS, byState: noCounts() }));
    last.byState[row.local_state] = row.n;
  }
  return out;
}

/** countsPerHour, per head-end (provider): the dashboard's queue health of each. */
export function countsPerHourByProvider(
  ctx: StoreContext,
  from: Date | number,
  to: Date | number,
): { hour: number; provider: Provider; byState: Record<LocalState, number> }[] {
  const rows = ctx
    .sql('SELECT hour, provider, local_state, n FROM request_counts_by_provider WHERE hour >= ? AND hour < ? AND n > 0 ORDER BY hour, provider')
    .all(Math.floor(toMillis(from) / HOUR_MS), Math.floor(toMillis(to) / HOUR_MS)) as { hour: number; provider: Provider; local_state: LocalState; n: number }[];
  const out: { hour: number; provider: Provider; byState: Record<LocalState, number> }[] = [];
  for (const row of rows) {
    let last = out[out.length - 1];
    if (last?.hour !== row.hour * HOUR_MS || last.provider !== row.provider) out.push((last = { hour: row.hour * HOUR_MS, provider: row.provider, byState: noCounts() }));
    last.byState[row.local_state] = row.n;
  }
  return out;
}

export function eventsFor(ctx: StoreContext, requestId: number): RequestEvent[] {
  return ctx
    .sql('SELECT id, request_id, kind, actor, at, detail FROM request_events WHERE request_id = ? ORDER BY id')
    .all(requestId)
    .map(toRequestEvent);
}

/** Which of a card's earlier requests hold its next one (shared/domain/life-cycle.ts CardOrder). */
export interface ClaimOptions {
  /** Default DEFAULT_CARD_ORDER ('finished'): no request of the card may be ACKNOWLEDGED (open at the head-end). */
  cardOrder?: CardOrder;
}

/**
 * The requests to send next: for each card, only the head of its queue, only
 * when it is due and nothing earlier of that card holds it — a request being
 * sent or unsettled, one that needs attention (the head itself, or a rejection
 * not yet closed: the card waits behind its failed request) and, with
 * cardOrder 'finished', one still open at the head-end. EXPRESS heads first,
 * then oldest first. Read-only: the caller marks each one with markSending
 * before sending it.
 */
export function claimDue(ctx: StoreContext, now: Date | number, limit: number, options: ClaimOptions = {}): LocalRequest[] {
  if (!Number.isInteger(limit) || limit < 1) throw new StoreInputError('limit must be a positive integer');
  const openAtHeadend = (options.cardOrder ?? DEFAULT_CARD_ORDER) === 'finished' ? "rh.local_state = 'ACKNOWLEDGED' OR " : '';
  const openRejection = `(rh.local_state IN (${ATTENTION_UNTIL_CLOSED_STATES.map((st) => `'${st}'`).join(', ')}) AND NOT ${rejectionClosed('rh')})`;
  const statement = ctx.sql(
    `SELECT ${requestColumnsOf('r')} FROM outbox o CROSS JOIN requests r ON r.id = o.request_id
     WHERE o.is_head = 1 AND o.ready_at IS NOT NULL AND o.ready_at <= ?
       AND r.local_state IN (${TRANSITIONS.markSending.from.map((st) => `'${st}'`).join(', ')})
       AND NOT EXISTS (SELECT 1 FROM outbox b JOIN requests rb ON rb.id = b.request_id
                       WHERE b.card_key = o.card_key AND rb.local_state IN ('SENDING', 'UNKNOWN'))
       AND NOT EXISTS (SELECT 1 FROM requests rh
                       WHERE rh.card_key = o.card_key AND rh.card_seq < o.card_seq AND (${openAtHeadend}${openRejection}))
     ORDER BY o.priority_rank DESC, o.request_id
     LIMIT ?`,
  );
  // A head whose PIN is sealed to a locked key waits (and holds its card):
  // never sent without its PIN. Look further when such heads fill the page.
  for (let scan = limit; ; scan *= 4) {
    const rows = statement.all(toMillis(now), scan).map(toLocalRequest);
    const sendable = rows.filter((r) => canUnsealParams(r.params));
    if (sendable.length >= limit || rows.length < scan || scan >= limit * 64) return sendable.slice(0, limit);
  }
}

/** Requests still to send whose PIN is sealed to a key that is not open (the desk is locked). */
export function countLockedSecrets(ctx: StoreContext): number {
  const rows = ctx
    .sql(`SELECT r.params FROM outbox o JOIN requests r ON r.id = o.request_id WHERE instr(r.params, '"sealed:v1:') > 0`)
    .all() as { params: string }[];
  return rows.filter((r) => !canUnsealParams(JSON.parse(r.params) as Record<string, unknown>)).length;
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
