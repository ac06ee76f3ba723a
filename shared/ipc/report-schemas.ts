import { z } from 'zod';
import { queueSortSchema } from '../domain/queue-sort';
import { BULK_ACTION_MAX_IDS, requestFilterSchema, requestSummarySchema } from './request-schemas';

// Exports (CSV, RFC 4180, formula-safe, ISO times) and the shift report.

const epochMs = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

export const exportRequestsInputSchema = z.strictObject({ filter: requestFilterSchema.default({}), sort: queueSortSchema.optional() });
/** The rows an operator selected in the queue, in the order given. */
export const exportSelectedInputSchema = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(BULK_ACTION_MAX_IDS) });
export const periodInputSchema = z
  .strictObject({ from: epochMs, to: epochMs })
  .refine((p) => p.from < p.to, { message: 'the period must end after it starts', path: ['to'] });
export const csvOutputSchema = z.object({ csv: z.string(), rows: count });

export const shiftReportSchema = z.object({
  operator: z.string(),
  from: epochMs,
  to: epochMs,
  generatedAt: epochMs,
  /** Requests created in the period. */
  total: count,
  byState: z.record(z.string(), count),
  byType: z.record(z.string(), count),
  /** Requests of the period that failed (rejected, needs attention, unknown), with their reasons; at most 500. */
  failures: z.array(requestSummarySchema),
  /** Everything not finished now, whenever queued. */
  pendingCount: count,
  stillPending: z.array(requestSummarySchema),
});
export type ShiftReport = z.infer<typeof shiftReportSchema>;
