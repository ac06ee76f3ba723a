import { z } from 'zod';
import { fieldErrorSchema } from './result';
import { providerSchema } from '../domain/request-types';
import { localStateSchema } from '../domain/local-request';
import { queryAnswerSchema } from '../domain/query-answer';
import { queueSortSchema } from '../domain/queue-sort';

// What the renderer sees of a local request. Deliberately a view, not the
// store's row: the store may add columns without changing the IPC contract.
// Bodies are always redacted (PINs never cross IPC).

const epochMs = z.number().int().nonnegative();
const localId = z.number().int().positive();
const nullableText = z.string().nullable();

export const requestSummarySchema = z.object({
  id: localId,
  provider: providerSchema,
  method: z.string(),
  type: z.string(),
  local_state: localStateSchema,
  /** The head-end's life_cycle_state once it answered; null before. */
  life_cycle_state: nullableText,
  /** identifierKey() of the smartcard (or STB) the request is ordered by. */
  card_key: z.string(),
  /** How the body names that card ("smrt20000054", "CA 10020000054", "STB dc1000015"). */
  card_label: z.string(),
  /** identifierKey() of the subscription, when the body names one. */
  subscription: nullableText,
  priority: z.string(),
  scheduled_date: nullableText,
  /** The head-end's number of the request ("18570"), once known. */
  number: nullableText,
  reference_number: nullableText,
  error_code: nullableText,
  error_description: nullableText,
  /** Our own last failure (transport, timeout), for operators. */
  last_error: nullableText,
  attempts: z.number().int().nonnegative(),
  outcome_unknown: z.boolean(),
  next_attempt_at: epochMs.nullable(),
  batch_id: nullableText,
  created_at: epochMs,
  updated_at: epochMs,
  finished_at: epochMs.nullable(),
});
export type RequestSummary = z.infer<typeof requestSummarySchema>;

export const requestEventSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  actor: z.string(),
  at: epochMs,
  /** Redacted detail. */
  detail: z.record(z.string(), z.unknown()).nullable(),
});

/** A completed query's result as stored with its request. */
export const queryResultSchema = z.object({
  request_id: z.number().int().positive(),
  type: z.string(),
  /** null when the result could not be read; `problem` says why. */
  answer: queryAnswerSchema.nullable(),
  problem: nullableText,
  /** One line an operator reads ("Bronze, Movies 1"). */
  summary: nullableText,
  /** When CA Desk stored it. */
  fetched_at: epochMs,
  /** When the head-end processed the query, as it wrote it. */
  executed_date: nullableText,
});
export type QueryResult = z.infer<typeof queryResultSchema>;

export const requestDetailSchema = z.object({
  request: requestSummarySchema,
  /** The body as queued (no token), secrets redacted. */
  params: z.record(z.string(), z.unknown()),
  /** What the head-end said about it (its id, number, state, error, executed_date). */
  answer: z
    .object({
      headend_id: nullableText,
      number: nullableText,
      reference_number: nullableText,
      life_cycle_state: nullableText,
      error_code: nullableText,
      error_description: nullableText,
      executed_date: nullableText,
    })
    .nullable(),
  /** For a query: what it found, once read from the head-end; null before (and for other types). */
  result: queryResultSchema.nullable(),
  events: z.array(requestEventSchema),
  /** The corrected copy queued in its place, if an operator made one. */
  replacedBy: localId.nullable(),
  /** Which operator actions the request's state allows. */
  actions: z.object({
    retry: z.boolean(),
    edit: z.boolean(),
    discard: z.boolean(),
    /** A send's outcome is unknown and no lookup could settle it: the operator verifies at the head-end. */
    verify: z.boolean(),
    /** A rejection the operator may close: checked, nothing more to do. */
    close: z.boolean(),
  }),
});
export type RequestDetail = z.infer<typeof requestDetailSchema>;

export const enqueueItemSchema = z.strictObject({
  provider: providerSchema,
  method: z.string().min(1).max(64),
  /** The POST body without token; validated against the method's params schema by the service. */
  params: z.record(z.string(), z.unknown()),
  /** A corrected copy of this rejected request: queuing it closes that rejection (one item per call). */
  replaces: localId.optional(),
});
export type EnqueueItem = z.infer<typeof enqueueItemSchema>;

export const enqueueInputSchema = z.strictObject({
  requests: z.array(enqueueItemSchema).min(1).max(1000),
});

export const enqueueRowResultSchema = z.union([
  z.object({ ok: z.literal(true), id: localId }),
  z.object({ ok: z.literal(false), errors: z.array(fieldErrorSchema).min(1) }),
]);

/**
 * All-or-nothing: if any row is invalid nothing is queued and `queued` is 0;
 * `results` says, row by row, what was wrong.
 */
export const enqueueOutputSchema = z.object({
  queued: z.number().int().nonnegative(),
  results: z.array(enqueueRowResultSchema),
});
export type EnqueueOutput = z.infer<typeof enqueueOutputSchema>;

export const requestFilterSchema = z.strictObject({
  states: z.array(localStateSchema).max(20).optional(),
  provider: providerSchema.optional(),
  type: z.string().min(1).max(64).optional(),
  /** Text searched in identifier values (serial numbers, ids, codes), head-end number and reference. */
  search: z.string().min(1).max(128).optional(),
  /** Exactly this card key (as in RequestSummary.card_key). */
  cardKey: z.string().min(1).max(160).optional(),
  /** Leave out rejections an operator closed (verified or replaced a corrected copy). */
  openOnly: z.boolean().optional(),
  /** Epoch ms (inclusive from, exclusive to) on created_at. */
  from: epochMs.optional(),
  to: epochMs.optional(),
});
export type RequestFilter = z.infer<typeof requestFilterSchema>;

export const listInputSchema = z.strictObject({
  filter: requestFilterSchema.default({}),
  /** Keyset paging: continue after this local id (in the list's order). */
  afterId: localId.optional(),
  limit: z.number().int().min(1).max(5000).default(200),
  /** Order by a column (then id); newest first when absent. */
  sort: queueSortSchema.optional(),
});

export const listOutputSchema = z.object({
  rows: z.array(requestSummarySchema),
  /** Pass as afterId for the next page; null when this was the last page. */
  nextAfterId: localId.nullable(),
  /** Rows matching the filter in all pages, when cheap to know (state-only filters); else null. */
  total: z.number().int().nonnegative().nullable(),
});
export type ListOutput = z.infer<typeof listOutputSchema>;

export const idInputSchema = z.strictObject({ id: localId });

/** Operator actions record why: the reason goes into the request's history. */
export const actionInputSchema = z.strictObject({
  id: localId,
  reason: z.string().max(500).optional(),
});

/**
 * "It arrived": the head-end number the operator saw there, or none when
 * they saw it done (the request is then COMPLETED without a number).
 */
export const confirmArrivedInputSchema = z.strictObject({
  id: localId,
  reason: z.string().max(500).optional(),
  number: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'number must be the head-end number: 1 to 64 letters, digits, - or _' })
    .optional(),
});

export const editInputSchema = z.strictObject({
  id: localId,
  reason: z.string().max(500).optional(),
  params: z.record(z.string(), z.unknown()),
});

/** Retry or discard of the operator's selection in the queue: one reason for all, each recorded on its request. */
export const BULK_ACTION_MAX_IDS = 1000;
export const bulkActionInputSchema = z.strictObject({
  ids: z.array(localId).min(1).max(BULK_ACTION_MAX_IDS),
  reason: z.string().max(500).optional(),
});
/** Per request: done, or why not (its state does not allow it); the others are done regardless. */
export const bulkActionOutputSchema = z.object({
  done: z.array(localId),
  refused: z.array(z.object({ id: localId, message: z.string() })),
});
export type BulkActionOutput = z.infer<typeof bulkActionOutputSchema>;

export const countsOutputSchema = z.object({
  byState: z.record(z.string(), z.number().int().nonnegative()),
  total: z.number().int().nonnegative(),
  /** Open attention items: held in the outbox (needs attention, unknown) and rejections not closed. */
  needsAttention: z.number().int().nonnegative(),
});
export type Counts = z.infer<typeof countsOutputSchema>;

export const statsInputSchema = z.strictObject({
  hours: z.number().int().min(1).max(24 * 14).default(24),
});
const countsByState = z.record(z.string(), z.number().int().nonnegative());
const hourBuckets = z.array(z.object({ hour: epochMs, total: z.number().int().nonnegative(), byState: countsByState }));
export const statsOutputSchema = z.object({
  byState: countsByState,
  /** One bucket per hour, oldest first: requests created in that hour, by state. */
  perHour: hourBuckets,
  /** Each head-end (provider), in PROVIDERS order: its requests created in the period by state, and its hours as perHour. */
  perHeadend: z.array(z.object({ provider: providerSchema, byState: countsByState, perHour: hourBuckets })),
});
export type Stats = z.infer<typeof statsOutputSchema>;

export const attentionResolvedInputSchema = z.strictObject({ limit: z.number().int().min(1).max(500).default(100) });
export const attentionResolvedOutputSchema = z.object({
  items: z.array(
    z.object({
      request: requestSummarySchema,
      /** How it was resolved: retried, edited, cancelled (discarded), verified, replaced. */
      resolution: z.string(),
      actor: z.string(),
      at: epochMs,
      reason: nullableText,
      replacedBy: localId.nullable(),
    }),
  ),
});
export type AttentionResolved = z.infer<typeof attentionResolvedOutputSchema>;
