import { z } from 'zod';
import { localDateTimeSchema } from './dates';
import { prioritySchema } from './common-fields';
import { lifeCycleStateSchema, requestTypeSchema } from './request-types';

// What the head-end answers. Known fields are typed as tightly as the seed
// allows; unknown extra fields are kept (loose objects), because a head-end
// upgrade that adds a field must not make us lose an answer.

export const headendIdSchema = z
  .string()
  .regex(/^[0-9A-F]{32}$/, { message: 'must be 32 upper-case hexadecimal characters' });

const nullableString = z.string().nullable();

export const unitSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  alternative_code: nullableString,
  description: nullableString,
  group_name: nullableString,
  community_name: nullableString,
});

export const userSchema = z.looseObject({
  id: z.string(),
  username: z.string(),
  person_name: nullableString,
});

export const logInformationSchema = z.looseObject({
  created_date: localDateTimeSchema,
  updated_date: localDateTimeSchema,
  created_by_unit: unitSchema,
  updated_by_unit: unitSchema,
  created_by_user: userSchema,
  updated_by_user: userSchema,
});

/** One element of parameters_set: an id plus (at most) one parameter. */
export const parameterSchema = z.looseObject({
  id: headendIdSchema,
  service_ca_id: nullableString.optional(),
  sub_provisioning_distribution_id: nullableString.optional(),
  smartcard_ca_id: nullableString.optional(),
  stb_sub_provisioning_distributor_id: nullableString.optional(),
  stb_ca_id: nullableString.optional(),
  // The PIN is never echoed: anything but null here is a head-end fault we refuse.
  ca_pin: z.null({ message: 'ca_pin must be null: a head-end must never echo a PIN' }).optional(),
});

export const provisioningRequestSchema = z.looseObject({
  id: headendIdSchema,
  number: z.string().min(1),
  type: requestTypeSchema,
  life_cycle_state: lifeCycleStateSchema,
  priority: prioritySchema,
  scheduled_date: localDateTimeSchema.nullable(),
  executed_date: localDateTimeSchema.nullable(),
  process_immediately: z.union([z.literal(0), z.literal(1)]),
  process_name: nullableString,
  process_id: nullableString,
  name: nullableString,
  sequence_number: z.union([z.string(), z.number()]).nullable(),
  reference_number: nullableString,
  request: nullableString,
  response: nullableString,
  error_code: nullableString,
  error_description: nullableString,
  parameters_set: z.array(parameterSchema),
  log_information: logInformationSchema,
});
export type ProvisioningRequest = z.infer<typeof provisioningRequestSchema>;

/**
 * show/list may be asked for a fields_set: then only those fields come back.
 * Every field is optional here; callers check what they asked for.
 */
export const partialProvisioningRequestSchema = provisioningRequestSchema.partial();

export const STATUS_OK = 'OK';

export const statusSchema = z.looseObject({
  message: z.string(),
  description: z.string(),
  code: z.string().min(1),
});
export type Status = z.infer<typeof statusSchema>;

/**
 * The envelope of every answer. Decision (spec): an error keeps the envelope
 * with status.code other than OK and data null.
 */
export function envelopeSchema<T extends z.ZodType>(data: T) {
  return z.union([
    z.looseObject({ status: statusSchema.extend({ code: z.literal(STATUS_OK) }), data }),
    z.looseObject({
      status: statusSchema.refine((s) => s.code !== STATUS_OK, { message: 'status.code OK needs data' }),
      data: z.null(),
    }),
  ]);
}

export const provisioningRequestEnvelope = envelopeSchema(provisioningRequestSchema);
export const provisioningRequestListEnvelope = envelopeSchema(z.array(partialProvisioningRequestSchema));

/**
 * Error codes head-ends answer (spec, "Facts from outside the seeds"): the
 * transient and auth ones are listed; every other code is permanent.
 */
export const TRANSIENT_ERROR_CODES = ['SYSTEM_ERROR'] as const;
export const AUTH_ERROR_CODES = ['UNAUTHORIZED'] as const;

export type ErrorClass = 'permanent' | 'transient' | 'auth';

/** Unknown codes count as permanent: an operator must look, rather than we retry forever. */
export function classifyErrorCode(code: string): ErrorClass {
  if ((AUTH_ERROR_CODES as readonly string[]).includes(code)) return 'auth';
  if ((TRANSIENT_ERROR_CODES as readonly string[]).includes(code)) return 'transient';
  return 'permanent';
}
