import { z } from 'zod';

/** A non-empty, trimmed-looking identifier value (ids, numbers, serials, codes). */
export const identifierValue = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(128, { message: 'must be at most 128 characters' })
  .refine((v) => v.trim() === v, { message: 'must not start or end with spaces' });

/**
 * The seed's "semi-optional" rule: "It is mandatory to specify one of the
 * semi-optional parameters. Only one of those parameters is allowed to be
 * specified." The error names both the identifier and its candidate fields.
 */
export function semiOptional<const K extends string>(
  identifierName: string,
  keys: readonly [K, ...K[]],
  extra: z.ZodRawShape = {},
) {
  const shape: Record<string, z.core.$ZodType> = { ...extra };
  for (const key of keys) shape[key] = identifierValue.optional();
  return z.strictObject(shape as { [P in K]: z.ZodOptional<typeof identifierValue> }).superRefine(
    (value, ctx) => {
      const given = keys.filter((k) => (value as Record<string, unknown>)[k] !== undefined);
      if (given.length === 1) return;
      ctx.addIssue({
        code: 'custom',
        message:
          given.length === 0
            ? `${identifierName}: specify exactly one of ${keys.join(', ')}`
            : `${identifierName}: only one of ${keys.join(', ')} is allowed, got ${given.join(' and ')}`,
      });
    },
  );
}

export const SUBSCRIPTION_IDENTIFIER_FIELDS = ['id', 'number'] as const;
export const INSTALLED_ITEM_IDENTIFIER_FIELDS = ['id', 'serial_number', 'alternative_code'] as const;
export const SERVICE_IDENTIFIER_FIELDS = ['id', 'code', 'alternative_code'] as const;
export const PROVISIONING_REQUEST_IDENTIFIER_FIELDS = ['id', 'number'] as const;

export const subscriptionIdentifierSchema = semiOptional(
  'subscription_identifier',
  SUBSCRIPTION_IDENTIFIER_FIELDS,
);
export const smartcardIdentifierSchema = semiOptional(
  'smartcard_identifier',
  INSTALLED_ITEM_IDENTIFIER_FIELDS,
);
export const stbIdentifierSchema = semiOptional('stb_identifier', INSTALLED_ITEM_IDENTIFIER_FIELDS);
export const serviceIdentifierSchema = semiOptional('service_identifier', SERVICE_IDENTIFIER_FIELDS);
export const provisioningRequestIdentifierSchema = semiOptional(
  'provisioning_request_identifier',
  PROVISIONING_REQUEST_IDENTIFIER_FIELDS,
);

/** CA ids as the head-end knows them (the seed shows "smrt200000", the sandbox uses 11 digits). */
export const caIdSchema = identifierValue;

/**
 * Elements of Conax smartcard_set / stb_set. The seed includes a page we do not
 * have; decision (spec): an installed-item identifier, optionally with ca_id.
 */
export const smartcardSetElementSchema = semiOptional(
  'smartcard_set element',
  INSTALLED_ITEM_IDENTIFIER_FIELDS,
  { ca_id: caIdSchema.optional() },
);
export const stbSetElementSchema = semiOptional('stb_set element', INSTALLED_ITEM_IDENTIFIER_FIELDS, {
  ca_id: caIdSchema.optional(),
});

export const servicesSetSchema = z
  .array(z.strictObject({ service_identifier: serviceIdentifierSchema }))
  .min(1, { message: 'services_set must name at least one service' })
  .max(200, { message: 'services_set holds at most 200 services' });

export type InstalledItemIdentifier = z.infer<typeof smartcardIdentifierSchema>;

/**
 * A stable text key for an identifier ("serial_number:smrt20000054"), used to
 * order requests per smartcard and to index them locally.
 */
export function identifierKey(identifier: Record<string, unknown>): string {
  for (const [k, v] of Object.entries(identifier)) {
    if (typeof v === 'string' && k !== 'ca_id') return `${k}:${v}`;
  }
  throw new Error('identifier has no field');
}
