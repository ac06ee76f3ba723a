import { z } from 'zod';
import { queryResultSchema, requestSummarySchema } from './request-schemas';

// The card desk: one card found by any of its names, what the head-end last
// told us about it (each fact with its time and where it came from), what is
// still on its way, and its requests.

const epochMs = z.number().int().nonnegative();
const nullableText = z.string().nullable();

/** Where a fact about the card comes from. */
export const factSourceSchema = z.enum(['catalog', 'query', 'completed-request', 'none']);

const factBase = {
  /** When we learnt it (epoch ms); null when nothing told us. */
  at: epochMs.nullable(),
  source: factSourceSchema,
  /** The request that told us (a query, or the completed request), when one did. */
  request_id: z.number().int().positive().nullable(),
};

export const cardInputSchema = z.strictObject({
  /** Any name of the card: its card key, serial, CA id, alternative code, catalog id, a subscription number, a request's head-end or reference number. */
  card: z.string().trim().min(1, { message: 'type a serial, CA id, code or number' }).max(160),
});

export const cardOutputSchema = z.object({
  /** The card key its requests are filed under. */
  card: z.string(),
  /** Whether the text named a card we know (catalog or requests). */
  found: z.boolean(),
  /** How the text was matched, in words ("serial number", "head-end number of request #12"). */
  matchedBy: nullableText,
  identity: z.object({
    kind: z.enum(['smartcard', 'stb']),
    catalog_id: nullableText,
    serial_number: nullableText,
    alternative_code: nullableText,
    ca_id: nullableText,
    subscription: nullableText,
  }),
  /** What the head-end last told us. */
  headend: z.object({
    services: z.object({ ...factBase, items: z.array(z.object({ code: nullableText, name: nullableText })).nullable() }),
    pairing: z.object({
      ...factBase,
      paired: z.boolean().nullable(),
      pairing_id: nullableText,
      stbs: z.array(z.string()),
      smartcards: z.array(z.string()),
    }),
    pin: z.object({ ...factBase, state: nullableText }),
  }),
  /** Requests not finished yet, oldest first: what is still on its way. */
  onItsWay: z.array(requestSummarySchema),
  /** Its query results, newest first. */
  answers: z.array(queryResultSchema),
  /** The card's requests, newest first (at most 500). */
  requests: z.array(requestSummarySchema),
});
export type CardView = z.infer<typeof cardOutputSchema>;
