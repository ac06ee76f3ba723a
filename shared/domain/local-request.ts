import { z } from 'zod';
import type { Priority } from './common-fields';
import { headendIdSchema } from './provisioning-request';
import { lifeCycleStateSchema, type LifeCycleState, type Provider, type RequestType } from './request-types';
import { localDateTimeSchema } from './dates';
import { LOCAL_STATES, type LocalState } from './life-cycle';

// A request as the console keeps it locally, from the moment the operator
// queues it until the head-end has finished it. The head-end's own fields keep
// the seed's names (headend_id is the seed's `id`, renamed because `id` is our
// local row id); the local fields are ours.

// The states themselves, their words and their transitions: life-cycle.ts.
export { FINISHED_LOCAL_STATES, LOCAL_STATES, OUTBOX_LOCAL_STATES, type LocalState } from './life-cycle';

export const localStateSchema = z.enum(LOCAL_STATES, {
  message: `local_state must be one of ${LOCAL_STATES.join(', ')}`,
});

/** Kinds of the append-only request history, with what each records. */
export const REQUEST_EVENT_KIND_MEANINGS = {
  created: 'An operator queued the request.',
  sent: 'A send to the head-end started.',
  acknowledged: 'The head-end created the request (id and number known).',
  completed: 'The head-end completed the request.',
  rejected: 'The head-end rejected the request.',
  outcome_unknown: 'A send ended without a known outcome.',
  retry_scheduled: 'A transient failure; another attempt is scheduled.',
  failed: 'A permanent failure: the request needs an operator.',
  retried: 'An operator asked for another attempt.',
  cancelled: 'An operator discarded the request: it will never be sent (if an earlier send may have arrived, the detail says so).',
  /** Written by older versions for an operator's discard; now `cancelled`. */
  discarded: 'An operator discarded the request.',
  edited: 'An operator changed the request parameters.',
  reconciled: 'An unknown outcome was settled by asking the head-end.',
  secrets_wiped: 'Secrets (the PIN) were erased from the stored parameters.',
  verified: 'An operator checked the rejection and closed it: nothing more to do.',
  replaced: 'An operator queued a corrected copy in its place (the detail names it).',
} as const;

export const REQUEST_EVENT_KINDS = Object.keys(REQUEST_EVENT_KIND_MEANINGS) as [
  keyof typeof REQUEST_EVENT_KIND_MEANINGS,
  ...(keyof typeof REQUEST_EVENT_KIND_MEANINGS)[],
];
export const requestEventKindSchema = z.enum(REQUEST_EVENT_KINDS);
export type RequestEventKind = z.infer<typeof requestEventKindSchema>;

/** A queued request as stored locally. Times are epoch milliseconds. */
export interface LocalRequest {
  id: number;
  client_uuid: string;
  provider: Provider;
  method: string;
  type: RequestType;
  /** Validated parameters, never the token; secrets are redacted once acknowledged. */
  params: Record<string, unknown>;
  secrets_wiped: boolean;
  priority: Priority;
  scheduled_date: string | null;
  /** The smartcard (or STB) this request is ordered by. */
  card_key: string;
  /** Position in its card's queue (from one global counter, so queues can merge). */
  card_seq: number;
  local_state: LocalState;
  /** A send may have reached the head-end: reconcile before any resend. */
  outcome_unknown: boolean;
  headend_id: string | null;
  number: string | null;
  reference_number: string | null;
  life_cycle_state: LifeCycleState | null;
  error_code: string | null;
  error_description: string | null;
  executed_date: string | null;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  operator: string;
  batch_id: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  acknowledged_at: number | null;
  finished_at: number | null;
}

export interface RequestEvent {
  id: number;
  request_id: number;
  kind: RequestEventKind;
  actor: string;
  at: number;
  /** Redacted JSON detail, or null. */
  detail: Record<string, unknown> | null;
}

const nullableText = z.string().max(4000).nullable().optional();

/** What the head-end tells us about a request it has (its answer's data, in the seed's words). */
export const headendFieldsSchema = z.looseObject({
  headend_id: headendIdSchema,
  number: z.string().min(1, { message: 'number must not be empty' }),
  reference_number: nullableText,
  life_cycle_state: lifeCycleStateSchema.optional(),
  error_code: nullableText,
  error_description: nullableText,
  executed_date: localDateTimeSchema.nullable().optional(),
});
export type HeadendFields = z.infer<typeof headendFieldsSchema>;
