import { z } from 'zod';
import {
  classifyErrorCode,
  partialProvisioningRequestSchema,
  provisioningRequestEnvelope,
  statusSchema,
  STATUS_OK,
  envelopeSchema,
  provisioningRequestListEnvelope,
} from '../../shared/domain/provisioning-request';
import { loginResponseEnvelope } from '../../shared/domain/login';
import { describeFieldErrors, fieldErrors } from '../../shared/domain/validation';
import type { ListPage, PartialRequest, QueryOutcome, SubmitOutcome } from './headend-client';
import { classOfErrorCode, classOfOkAnswer, outcomeOf, type OwnRequest } from './outcome-classes';

// Every head-end answer goes through the domain schemas here. A malformed
// answer is an error with a message naming what is wrong; it is never a crash
// and never a success.

const statusOnly = z.looseObject({ status: statusSchema });

function explain(error: z.ZodError): string {
  return describeFieldErrors(fieldErrors(error));
}

type StatusRead =
  | { kind: 'ok' }
  | { kind: 'error'; errorClass: 'permanent' | 'transient' | 'auth'; code: string; description: string }
  | { kind: 'malformed'; message: string };

function readStatus(raw: unknown): StatusRead {
  const parsed = statusOnly.safeParse(raw);
  if (!parsed.success) return { kind: 'malformed', message: `malformed answer: ${explain(parsed.error)}` };
  const { code, description, message } = parsed.data.status;
  if (code === STATUS_OK) return { kind: 'ok' };
  return { kind: 'error', errorClass: classifyErrorCode(code), code, description: description || message || code };
}

/**
 * The answer to a POST that creates a provisioning request, classified by
 * what it proves (outcome-classes.ts). Without `own` (seed fixtures) an OK
 * answer is taken as it is; the clients always pass it. `refusalCodes` are
 * the envelope codes that prove "not created" on this connection.
 */
export function interpretSubmitAnswer(raw: unknown, own?: OwnRequest, refusalCodes?: readonly string[]): SubmitOutcome {
  const status = readStatus(raw);
  // A malformed answer may still mean the head-end created the request.
  if (status.kind === 'malformed') return outcomeOf('unparseable', { description: status.message });
  if (status.kind === 'error') return outcomeOf(classOfErrorCode(status.code, refusalCodes), { code: status.code, description: status.description });
  const parsed = provisioningRequestEnvelope.safeParse(raw);
  if (!parsed.success || parsed.data.data === null) {
    const why = parsed.success ? 'data is null' : explain(parsed.error);
    return outcomeOf('ok_malformed', { description: `answer says OK but is malformed: ${why}` });
  }
  const request = parsed.data.data;
  if (own === undefined) return outcomeOf('ok_ours', { request });
  const cls = classOfOkAnswer(request, own);
  const acknowledged = cls === 'ok_ours' || cls === 'ok_numbered';
  return outcomeOf(cls, { request, description: acknowledged ? '' : `head-end request ${request.number} (${request.type}) does not show our UUID` });
}

function interpretQuery<T>(raw: unknown, schema: z.ZodType<{ data: T | null }>): QueryOutcome<T> {
  const status = readStatus(raw);
  if (status.kind === 'malformed') {
    return { kind: 'error', errorClass: 'transient', code: 'MALFORMED_ANSWER', description: status.message };
  }
  if (status.kind === 'error') return status;
  const parsed = schema.safeParse(raw);
  if (!parsed.success || parsed.data.data === null) {
    const why = parsed.success ? 'data is null' : explain(parsed.error);
    return { kind: 'error', errorClass: 'transient', code: 'MALFORMED_ANSWER', description: `malformed answer: ${why}` };
  }
  return { kind: 'ok', data: parsed.data.data };
}

const showEnvelope = envelopeSchema(partialProvisioningRequestSchema);

export function interpretShowAnswer(raw: unknown): QueryOutcome<PartialRequest> {
  return interpretQuery(raw, showEnvelope as z.ZodType<{ data: PartialRequest | null }>);
}

const pagingSchema = z.looseObject({
  page: z.number().int().min(1),
  records_per_page: z.number().int().min(1),
  total_records: z.number().int().min(0),
  total_pages: z.number().int().min(0),
});
const pagingHolder = z.looseObject({ paging: pagingSchema.optional() });

export function interpretListAnswer(raw: unknown): QueryOutcome<ListPage> {
  const outcome = interpretQuery(raw, provisioningRequestListEnvelope as z.ZodType<{ data: PartialRequest[] | null }>);
  if (outcome.kind !== 'ok') return outcome;
  const paging = pagingHolder.safeParse(raw);
  if (!paging.success) {
    return { kind: 'error', errorClass: 'transient', code: 'MALFORMED_ANSWER', description: `malformed answer: ${explain(paging.error)}` };
  }
  return { kind: 'ok', data: { items: outcome.data, paging: paging.data.paging ?? null } };
}

export function interpretLoginAnswer(raw: unknown): QueryOutcome<{ token: string }> {
  return interpretQuery(raw, loginResponseEnvelope as z.ZodType<{ data: { token: string } | null }>);
}

/** Any answer with a well-formed envelope (ping, catalog pages): status first, data as given. */
export function interpretGenericAnswer(raw: unknown): QueryOutcome<unknown> {
  const status = readStatus(raw);
  if (status.kind === 'malformed') {
    return { kind: 'error', errorClass: 'transient', code: 'MALFORMED_ANSWER', description: status.message };
  }
  if (status.kind === 'error') return status;
  return { kind: 'ok', data: (raw as { data?: unknown }).data ?? null };
}
