import { QUERY_TYPES, queryAnswerSchema, type ParsedQueryAnswer, type QueryAnswer } from '../../shared/domain/query-answer';
import type { LocalRequest } from '../../shared/domain/local-request';
import { RequestNotFoundError, StoreInputError } from './errors';
import { REQUEST_COLUMNS, toLocalRequest, type StoreContext } from './store-context';

// Answers of completed queries (migration 005). Written by the query-answer
// reader after the head-end completed the request; read by the request and
// card views.

export interface StoredQueryAnswer {
  request_id: number;
  type: string;
  answer: QueryAnswer | null;
  problem: string | null;
  fetched_at: number;
  /** When the head-end processed the query (its executed_date), as it wrote it. */
  executed_date: string | null;
  finished_at: number | null;
}

// Spelled exactly as the partial index of migration 005, so SQLite uses it.
const COMPLETED_QUERY = `local_state = 'COMPLETED' AND type IN (${QUERY_TYPES.map((t) => `'${t}'`).join(', ')})`;

/** Completed queries whose answer has not been read yet, oldest first. */
export function queriesWithoutAnswer(ctx: StoreContext, limit: number): LocalRequest[] {
  if (!Number.isInteger(limit) || limit < 1) throw new StoreInputError('limit must be a positive integer');
  return ctx
    .sql(
      `SELECT ${REQUEST_COLUMNS} FROM requests r
       WHERE ${COMPLETED_QUERY} AND NOT EXISTS (SELECT 1 FROM query_answers q WHERE q.request_id = r.id)
       ORDER BY id LIMIT ?`,
    )
    .all(limit)
    .map(toLocalRequest);
}

export function saveQueryAnswer(ctx: StoreContext, requestId: number, parsed: ParsedQueryAnswer): void {
  const exists = ctx.sql('SELECT 1 FROM requests WHERE id = ?').get(requestId);
  if (exists === undefined) throw new RequestNotFoundError(requestId);
  const answer = parsed.ok ? JSON.stringify(queryAnswerSchema.parse(parsed.answer)) : null;
  ctx
    .sql('INSERT OR REPLACE INTO query_answers (request_id, answer, problem, fetched_at) VALUES (?, ?, ?, ?)')
    .run(requestId, answer, parsed.ok ? null : parsed.message, ctx.now());
}

interface Row {
  request_id: number;
  type: string;
  answer: string | null;
  problem: string | null;
  fetched_at: number;
  executed_date: string | null;
  finished_at: number | null;
}

function toStored(row: Row): StoredQueryAnswer {
  const parsed = row.answer === null ? null : queryAnswerSchema.safeParse(JSON.parse(row.answer));
  return {
    ...row,
    answer: parsed?.success ? parsed.data : null,
    problem: row.problem ?? (parsed && !parsed.success ? 'the stored answer no longer reads' : null),
  };
}

const SELECT = `SELECT q.request_id, r.type, q.answer, q.problem, q.fetched_at, r.executed_date, r.finished_at
  FROM query_answers q JOIN requests r ON r.id = q.request_id`;

export function queryAnswerOf(ctx: StoreContext, requestId: number): StoredQueryAnswer | undefined {
  const row = ctx.sql(`${SELECT} WHERE q.request_id = ?`).get(requestId) as Row | undefined;
  return row === undefined ? undefined : toStored(row);
}

/** A card's query answers, newest first (at most `limit`). */
export function queryAnswersOfCard(ctx: StoreContext, cardKey: string, limit: number): StoredQueryAnswer[] {
  return (ctx.sql(`${SELECT} WHERE r.card_key = ? ORDER BY q.request_id DESC LIMIT ?`).all(cardKey, limit) as Row[]).map(toStored);
}
