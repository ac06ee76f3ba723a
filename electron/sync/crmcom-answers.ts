import { crmcomAnswerExtrasSchema } from '../../shared/domain/crmcom-v4';
import { CLIENT_UUID_UDF, isClientUuid } from '../../shared/domain/client-uuid';

// A real CRM.COM V4 answer, brought to the shape the domain schemas read
// (answer-parsing.ts) without losing what it says: message/description may be
// null, sequence_number a number, error_code free text (AxisFault), and the
// provider's own words come as provider_error_code/provider_error_description,
// which the operator must see as the request's error [page].

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The provider's own words of a request object ("provider error 42: ..."), or null. */
function providerWords(item: Record<string, unknown>): string | null {
  const extras = crmcomAnswerExtrasSchema.safeParse(item);
  if (!extras.success) return null;
  const code = extras.data.provider_error_code;
  const words = extras.data.provider_error_description;
  if (code === null || code === undefined) return words ? `provider: ${words}` : null;
  return `provider error ${String(code)}${words ? `: ${words}` : ''}`;
}

/** The provider's words folded into error_code / error_description; the raw fields stay. */
function withProviderError(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...item };
  if (item.process_immediately === true || item.process_immediately === false) out.process_immediately = item.process_immediately ? 1 : 0;
  const words = providerWords(item);
  if (words === null) return out;
  const code = item.provider_error_code;
  if ((item.error_code === null || item.error_code === undefined || item.error_code === '') && code !== null && code !== undefined) out.error_code = String(code);
  out.error_description = join(item.error_description, words);
  return out;
}

function join(first: unknown, second: string): string {
  const head = typeof first === 'string' ? first.trim() : '';
  return head && !head.includes(second) ? `${head} (${second})` : head || second;
}

/**
 * Normalises one answer. `keepUuid` false drops the client UUID UDF from
 * request objects unless it holds a UUID: a server that does not echo it may
 * answer it null (or use the field for its own text), which must not read as
 * "another request's UUID"; a UUID it does carry still names its request.
 */
export function normalizeCrmcomAnswer(raw: unknown, keepUuid: boolean): unknown {
  if (!isRecord(raw) || !isRecord(raw.status)) return raw;
  const status = raw.status;
  const normalizedStatus = {
    ...status,
    message: typeof status.message === 'string' ? status.message : '',
    description: typeof status.description === 'string' ? status.description : '',
  };
  const item = (value: unknown) => {
    if (!isRecord(value)) return value;
    const out = withProviderError(value);
    if (!keepUuid && !isClientUuid(out[CLIENT_UUID_UDF])) delete out[CLIENT_UUID_UDF];
    return out;
  };
  if (status.code !== 'OK') {
    // An error answer may still carry the request with the provider's words: show them, keep data null as the domain reads errors.
    const words = isRecord(raw.data) ? providerWords(raw.data) : null;
    if (words) normalizedStatus.description = join(normalizedStatus.description || normalizedStatus.message, words);
    return { ...raw, status: normalizedStatus, data: null };
  }
  const data = Array.isArray(raw.data) ? raw.data.map(item) : item(raw.data);
  return { ...raw, status: normalizedStatus, data };
}

/**
 * Whether an answer refused our token. CRM.COM publishes no error codes
 * [absent]: only an HTTP 401/403 (whatever the body: JSON, HTML or none) or
 * the code UNAUTHORIZED counts; words in a message never do. Reads are
 * retried once after a fresh login. A POST is sent again only when the
 * refusal proves it was not applied (crmcom-client.ts).
 */
export function isCrmcomAuthFailure(httpStatus: number, raw: unknown): boolean {
  if (httpStatus === 401 || httpStatus === 403) return true;
  return isRecord(raw) && isRecord(raw.status) && raw.status.code === 'UNAUTHORIZED';
}
