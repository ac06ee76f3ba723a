import { DEFAULT_PRIORITY, type Priority } from '../../shared/domain/common-fields';
import { parseLocalDateTime } from '../../shared/domain/dates';
import { findRequestDefinition, type RequestDefinition } from '../../shared/domain/request-catalog';
import { providerSchema } from '../../shared/domain/request-types';
import { secretFieldsOf } from '../../shared/domain/request-fields';
import { redactSecrets, SECRET_FIELD_NAMES } from '../../shared/domain/secrets';
import { fieldErrors, type FieldError } from '../../shared/domain/validation';
import { cardIdentityOf, type CardIdentity } from '../../shared/domain/card-identity';
import { sealFields, type SecretSealer } from './sealed-secrets';

/** A request's parameters, validated against its definition, with what the store derives from them. */
export interface ValidatedParams {
  definition: RequestDefinition;
  params: Record<string, unknown>;
  json: string;
  priority: Priority;
  scheduledDate: string | null;
  /** Epoch ms of scheduled_date, or null when it is "now". */
  scheduledAt: number | null;
  card: CardIdentity | null;
  searchText: string;
}

/** The params with every secret (the PIN) replaced; what is kept once the head-end has the request. */
export function redactParams(definition: RequestDefinition, params: Record<string, unknown>): Record<string, unknown> {
  return redactSecrets(params, secretFieldsOf(definition));
}

const secretKeysByDefinition = new Map<RequestDefinition, readonly string[]>();

// Identifier values (serials, numbers, codes) searchable by listRequests;
// secrets are left out so a search can never reveal a PIN. This runs for every
// row of a 100k import: the few secret names are compared in a list (property
// names are interned, so each test is a pointer compare), not hashed into a Set.
function appendText(value: unknown, skip: readonly string[], text: string): string {
  if (typeof value === 'string') return value === '' ? text : text === '' ? value : `${text} ${value}`;
  if (Array.isArray(value)) {
    for (const item of value) text = appendText(item, skip, text);
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) if (!skip.includes(key)) text = appendText((value as Record<string, unknown>)[key], skip, text);
  }
  return text;
}

function searchTextOf(definition: RequestDefinition, params: Record<string, unknown>): string {
  let skip = secretKeysByDefinition.get(definition);
  if (!skip) {
    skip = [...new Set([...SECRET_FIELD_NAMES, ...secretFieldsOf(definition)])];
    secretKeysByDefinition.set(definition, skip);
  }
  return appendText(params, skip, '');
}

export function definitionFor(provider: unknown, method: unknown): RequestDefinition | FieldError {
  if (!providerSchema.safeParse(provider).success) {
    return { field: 'provider', message: `provider must be one of ${providerSchema.options.join(', ')}` };
  }
  const definition = typeof method === 'string' ? findRequestDefinition(provider as string, method) : undefined;
  if (!definition) {
    return { field: 'method', message: `method ${JSON.stringify(method)} is not a known ${String(provider)} method` };
  }
  return definition;
}

export function validateParams(definition: RequestDefinition, params: unknown): ValidatedParams | FieldError[] {
  const result = definition.params.safeParse(params);
  if (!result.success) return fieldErrors(result.error);
  const data = result.data;
  const scheduledDate = typeof data.scheduled_date === 'string' ? data.scheduled_date : null;
  return {
    definition,
    params: data,
    json: JSON.stringify(data),
    priority: (data.priority as Priority | undefined) ?? DEFAULT_PRIORITY,
    scheduledDate,
    scheduledAt: scheduledDate === null ? null : parseLocalDateTime(scheduledDate).getTime(),
    card: cardIdentityOf(definition, data),
    searchText: searchTextOf(definition, data),
  };
}

/**
 * Where the store's sealer comes from: null keeps secrets as validated (a bare
 * store in unit tests); a function gives the desk's sealer, or null when the
 * desk has no key yet (browser mode before a passphrase is chosen).
 */
export type SealerSource = (() => SecretSealer | null) | null;

/** The params JSON the store writes: every secret sealed (sealed-secrets.ts), or the error that refuses it. */
export function storedParamsJson(v: ValidatedParams, source: SealerSource): string | FieldError {
  if (source === null) return v.json;
  const fields = secretFieldsOf(v.definition).filter((f) => typeof v.params[f] === 'string');
  if (fields.length === 0) return v.json;
  const sealer = source();
  if (sealer === null) {
    return { field: fields[0]!, message: 'a PIN can only be queued sealed: choose the desk passphrase in Settings first' };
  }
  return JSON.stringify(sealFields(sealer, v.params, fields));
}
