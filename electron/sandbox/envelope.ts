// The envelope of every answer: { status: { message, description, code }, data }.
// Errors keep it, with a code other than OK and data null (spec decision).
import type { z } from 'zod';
import { describeFieldErrors, fieldErrors, type FieldError } from '../../shared/domain/validation';

/** Codes the sandbox answers in status.code (not the error_code of a processed request). */
export type EnvelopeErrorCode =
  | 'INVALID_PARAMETERS'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'SYSTEM_ERROR';

export interface Paging {
  page: number;
  records_per_page: number;
  total_records: number;
  total_pages: number;
  /** Catalog export only: the catalog's change counter now (for revision_after). */
  catalog_revision?: number;
}

export interface Envelope {
  status: { message: string; description: string; code: string; field_errors?: FieldError[] };
  data: unknown;
  /** Only on paged lists (our documented extension). */
  paging?: Paging;
}

/** An envelope plus the HTTP status it travels with (TCP ignores the latter). */
export interface Answer {
  httpStatus: number;
  envelope: Envelope;
}

export function ok(data: unknown, paging?: Paging): Answer {
  const envelope: Envelope = { status: { message: '', description: '', code: 'OK' }, data };
  if (paging) envelope.paging = paging;
  return { httpStatus: 200, envelope };
}

const HTTP_STATUS: Record<EnvelopeErrorCode, number> = {
  INVALID_PARAMETERS: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  SYSTEM_ERROR: 500,
};

const MESSAGES: Record<EnvelopeErrorCode, string> = {
  INVALID_PARAMETERS: 'Invalid parameters',
  UNAUTHORIZED: 'Unauthorized',
  NOT_FOUND: 'Not found',
  SYSTEM_ERROR: 'System error',
};

export function fail(code: EnvelopeErrorCode, description: string, httpStatus = HTTP_STATUS[code]): Answer {
  return {
    httpStatus,
    envelope: { status: { message: MESSAGES[code], description, code }, data: null },
  };
}

/** INVALID_PARAMETERS naming each faulty field (never its value). */
export function invalid(error: z.ZodError, prefix = ''): Answer {
  const errors = fieldErrors(error).map((e) => ({
    field: prefix && e.field ? `${prefix}.${e.field}` : prefix || e.field,
    message: e.message,
  }));
  const answer = fail('INVALID_PARAMETERS', describeFieldErrors(errors));
  answer.envelope.status.field_errors = errors;
  return answer;
}

export function invalidField(field: string, message: string, httpStatus?: number): Answer {
  const answer = fail('INVALID_PARAMETERS', `${field}: ${message}`, httpStatus);
  answer.envelope.status.field_errors = [{ field, message }];
  return answer;
}
