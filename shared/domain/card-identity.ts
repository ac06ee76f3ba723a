import type { RequestDefinition } from './request-catalog';
import { targetOf } from './request-fields';

// Which card a request acts on, by the name it gives it. The store orders each
// card's requests by it (electron/store/card-key.ts) and the bulk import counts
// the distinct cards of a file with it before the operator confirms.

export type CardKind = 'smartcard' | 'stb';

export interface CardIdentity {
  kind: CardKind;
  /** id | serial_number | alternative_code | ca_id */
  field: string;
  value: string;
}

const IDENTIFIER_FIELDS = ['id', 'serial_number', 'alternative_code'] as const;

function identifierOf(record: Record<string, unknown>): { field: string; value: string } | null {
  for (const field of IDENTIFIER_FIELDS) {
    const v = record[field];
    if (typeof v === 'string') return { field, value: v };
  }
  return typeof record.ca_id === 'string' ? { field: 'ca_id', value: record.ca_id } : null;
}

/** Which card a request is ordered by: the card its kind's target field names (request-catalog.ts). */
export function cardIdentityOf(definition: Pick<RequestDefinition, 'target'>, params: Record<string, unknown>): CardIdentity | null {
  const target = targetOf(definition, params);
  if (target === null) return null;
  if ('caId' in target) return { kind: target.card, field: 'ca_id', value: target.caId };
  const named = identifierOf(target.identifier);
  return named ? { kind: target.card, ...named } : null;
}
