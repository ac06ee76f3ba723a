import { z } from 'zod';
import { identifierValue } from './identifiers';

// The local catalog: the last known subscriptions, smartcards, STBs and services,
// so operators can search and pick them offline. Identifier fields keep the
// seed's names (id, number, serial_number, alternative_code, code, ca_id).
// Anything else a head-end tells us about an item is kept, as last known, in
// `data` (free JSON), because losing a field a head-end added helps no one.

const optionalText = z.string().max(512).nullable().optional();
const optionalIdentifier = identifierValue.nullable().optional();
const lastKnown = z.unknown().optional();

export const subscriptionRowSchema = z.strictObject({
  id: identifierValue,
  number: optionalIdentifier,
  name: optionalText,
  state: optionalText,
  data: lastKnown,
});

export const smartcardRowSchema = z.strictObject({
  id: identifierValue,
  serial_number: optionalIdentifier,
  alternative_code: optionalIdentifier,
  ca_id: optionalIdentifier,
  subscription_id: optionalIdentifier,
  paired_stb_id: optionalIdentifier,
  /** Last known pairing, as the head-end described it. */
  pairing: lastKnown,
  /** Last known entitlements (active services). */
  entitlements: lastKnown,
  /** Last known PIN state (e.g. DEFAULT, SET, CLEARED); never the PIN. */
  pin_state: optionalText,
  data: lastKnown,
});

export const stbRowSchema = z.strictObject({
  id: identifierValue,
  serial_number: optionalIdentifier,
  alternative_code: optionalIdentifier,
  ca_id: optionalIdentifier,
  subscription_id: optionalIdentifier,
  paired_smartcard_id: optionalIdentifier,
  data: lastKnown,
});

export const serviceRowSchema = z.strictObject({
  id: identifierValue,
  code: optionalIdentifier,
  alternative_code: optionalIdentifier,
  name: optionalText,
  ca_id: optionalIdentifier,
  data: lastKnown,
});

export const CATALOG_KINDS = ['subscriptions', 'smartcards', 'stbs', 'services'] as const;
export const catalogKindSchema = z.enum(CATALOG_KINDS, {
  message: `catalog kind must be one of ${CATALOG_KINDS.join(', ')}`,
});
export type CatalogKind = z.infer<typeof catalogKindSchema>;

export const catalogRowSchemas = {
  subscriptions: subscriptionRowSchema,
  smartcards: smartcardRowSchema,
  stbs: stbRowSchema,
  services: serviceRowSchema,
} as const satisfies Record<CatalogKind, z.ZodType>;

export type SubscriptionRow = z.infer<typeof subscriptionRowSchema>;
export type SmartcardRow = z.infer<typeof smartcardRowSchema>;
export type StbRow = z.infer<typeof stbRowSchema>;
export type ServiceRow = z.infer<typeof serviceRowSchema>;

export interface CatalogRows {
  subscriptions: SubscriptionRow;
  smartcards: SmartcardRow;
  stbs: StbRow;
  services: ServiceRow;
}

/** A catalog row as the store gives it back: every column present, plus when we learnt it. */
export type StoredCatalogRow<K extends CatalogKind> = {
  [P in keyof CatalogRows[K]]-?: Exclude<CatalogRows[K][P], undefined> | null;
} & { updated_at: number };
