import { z } from 'zod';
import { REQUEST_DEFINITIONS, type AnswerKind } from './request-catalog';
import { describeFieldErrors, fieldErrors } from './validation';

// What a query request found out. The head-end completes query types with
// their result as JSON text in the request's `response` (docs/protocol.md §6);
// CA Desk parses it once, stores it with the request and shows it on the
// request and on the card. Which types tell what is the `answer` column of
// the request kinds table (request-catalog.ts). A fingerprint has no result:
// what the operator needs is that, and when, the card showed it.

type Row = (typeof REQUEST_DEFINITIONS)[number];
export type QueryType = Extract<Row, { answer: AnswerKind }>['type'];

const ANSWER_OF_TYPE = new Map<string, AnswerKind>(REQUEST_DEFINITIONS.flatMap((d) => ('answer' in d ? [[d.type, d.answer] as const] : [])));

/** The request types whose completion tells an answer. */
export const QUERY_TYPES = [...ANSWER_OF_TYPE.keys()] as QueryType[];

export function isQueryType(type: string): type is QueryType {
  return ANSWER_OF_TYPE.has(type);
}

/** What a completed query of this type tells. */
export function answerKindOf(type: QueryType): AnswerKind {
  return ANSWER_OF_TYPE.get(type)!;
}

const text = z.string().max(512).nullable().optional().transform((v) => v ?? null);
const deviceSchema = z.looseObject({ serial_number: text, ca_id: text });

export const activeSubscriptionsAnswerSchema = z.object({
  kind: z.literal('active_subscriptions'),
  smartcard_ca_id: text,
  services: z.array(z.looseObject({ code: text, name: text, ca_id: text })).max(10_000),
});

export const pairingStatusAnswerSchema = z.object({
  kind: z.literal('pairing_status'),
  paired: z.boolean(),
  pairing_id: text,
  smartcards: z.array(deviceSchema).max(10_000).default([]),
  stbs: z.array(deviceSchema).max(10_000).default([]),
});

export const fingerprintAnswerSchema = z.object({
  kind: z.literal('fingerprint_displayed'),
  /** When the head-end processed it (its executed_date), if it said. */
  executed_date: text,
});

export const queryAnswerSchema = z.discriminatedUnion('kind', [
  activeSubscriptionsAnswerSchema,
  pairingStatusAnswerSchema,
  fingerprintAnswerSchema,
]);
export type QueryAnswer = z.infer<typeof queryAnswerSchema>;

export type ParsedQueryAnswer = { ok: true; answer: QueryAnswer } | { ok: false; message: string };

// The table's answer kinds and the schemas here are the same set (checked by the compiler).
const sameKinds: [AnswerKind, QueryAnswer['kind']] extends [QueryAnswer['kind'], AnswerKind] ? true : false = true;
void sameKinds;

/** Reads a completed query's `response` text; a missing or malformed one is a clear message, never a guess. */
export function parseQueryResponse(type: QueryType, response: string | null | undefined, executedDate: string | null = null): ParsedQueryAnswer {
  const kind = answerKindOf(type);
  if (kind === 'fingerprint_displayed') return { ok: true, answer: { kind, executed_date: executedDate } };
  if (response === null || response === undefined || response.trim() === '') {
    return { ok: false, message: 'the head-end completed the query but sent no result' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(response);
  } catch {
    return { ok: false, message: 'the head-end result is not JSON' };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, message: 'the head-end result is not an object' };
  const parsed = queryAnswerSchema.safeParse({ ...raw, kind });
  if (!parsed.success) return { ok: false, message: `the head-end result is malformed: ${describeFieldErrors(fieldErrors(parsed.error))}` };
  return { ok: true, answer: parsed.data };
}

/** One line for lists and titles: "Bronze, Movies 1" / "paired with dc1000015, dc1000016" / "not paired". */
export function summarizeQueryAnswer(answer: QueryAnswer): string {
  switch (answer.kind) {
    case 'active_subscriptions':
      return answer.services.length === 0 ? 'no active services' : answer.services.map((s) => s.name ?? s.code ?? s.ca_id ?? '?').join(', ');
    case 'pairing_status': {
      if (!answer.paired) return 'not paired';
      const stbs = answer.stbs.map((s) => s.serial_number ?? s.ca_id ?? '?');
      const cards = answer.smartcards.map((s) => s.serial_number ?? s.ca_id ?? '?');
      return `paired: ${[...stbs.map((s) => `STB ${s}`), ...cards.map((c) => `card ${c}`)].join(', ')}`;
    }
    case 'fingerprint_displayed':
      return 'fingerprint displayed on the card';
  }
}
