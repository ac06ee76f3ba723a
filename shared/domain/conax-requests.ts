import { z } from 'zod';
import { commonOptionalFields } from './common-fields';
import {
  caIdSchema,
  provisioningRequestIdentifierSchema,
  serviceIdentifierSchema,
  smartcardIdentifierSchema,
  smartcardSetElementSchema,
  stbIdentifierSchema,
  stbSetElementSchema,
  subscriptionIdentifierSchema,
} from './identifiers';
import { conaxTypeSchema, lifeCycleStateSchema } from './request-types';
import { pinSchema } from './secrets';

// Conax Web Services: POST conax_web_services/provisioning_request/<method>.

export const addSubscriptionsParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema,
  service_identifier: serviceIdentifierSchema,
  smartcard_identifier: smartcardIdentifierSchema,
  ...commonOptionalFields,
});

export const cancelSubscriptionsParams = addSubscriptionsParams;

const smartcardSet = z
  .array(smartcardSetElementSchema)
  .min(1, { message: 'smartcard_set must name at least one smartcard' })
  .max(100);
const stbSet = z
  .array(stbSetElementSchema)
  .min(1, { message: 'stb_set must name at least one STB' })
  .max(100);

export const createPairingParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema.optional(),
  smartcard_set: smartcardSet,
  stb_set: stbSet,
  ...commonOptionalFields,
});

export const addToExistingPairingParams = z
  .strictObject({
    subscription_identifier: subscriptionIdentifierSchema.optional(),
    smartcard_ca_id: caIdSchema,
    smartcard_set: smartcardSet.optional(),
    stb_set: stbSet.optional(),
    ...commonOptionalFields,
  })
  .superRefine((v, ctx) => {
    if (v.smartcard_set === undefined && v.stb_set === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['smartcard_set'],
        message: 'specify smartcard_set or stb_set (at least one of them)',
      });
    }
  });

export const updateCaPinToDefaultValueParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema,
  smartcard_ca_id: caIdSchema,
  ...commonOptionalFields,
});

export const updateCaPinToGivenValueParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema,
  smartcard_ca_id: caIdSchema,
  pin: pinSchema,
  ...commonOptionalFields,
});

// The seven types of the list filter with no documented method. Decision (spec):
// methods named after the type in lower case; the parameters below are ours and
// documented in docs/protocol.md. Limits are Conax's as CRM.COM documents them.

export const MAIL_MESSAGE_MAX_LENGTH = 141;
export const BARK_MESSAGE_MAX_LENGTH = 129;
export const REPEAT_INTERVAL_MIN_SECONDS = 10;
export const REPEAT_INTERVAL_MAX_SECONDS = 2550;
export const REPEAT_INTERVAL_STEP_SECONDS = 10;
export const DEFAULT_DISPLAY_DURATION_SECONDS = 20;
export const MAX_DISPLAY_DURATION_SECONDS = 255;
export const MAX_REPETITIONS = 255;

const cardQuery = {
  subscription_identifier: subscriptionIdentifierSchema.optional(),
  smartcard_identifier: smartcardIdentifierSchema,
  ...commonOptionalFields,
};

const displayDuration = z
  .number({ message: 'display_duration must be a number of seconds' })
  .int({ message: 'display_duration must be whole seconds' })
  .min(1, { message: 'display_duration must be at least 1 second' })
  .max(MAX_DISPLAY_DURATION_SECONDS, {
    message: `display_duration must be at most ${MAX_DISPLAY_DURATION_SECONDS} seconds`,
  })
  .optional();

function messageText(max: number) {
  return z
    .string({ message: 'message_text is required' })
    .min(1, { message: 'message_text must not be empty' })
    .max(max, { message: `message_text must be at most ${max} characters` });
}

export const getActiveSubscriptionsParams = z.strictObject(cardQuery);
export const getPairingStatusForCardParams = z.strictObject(cardQuery);
export const getPairingStatusForPairingModuleParams = z.strictObject({
  subscription_identifier: subscriptionIdentifierSchema.optional(),
  stb_identifier: stbIdentifierSchema,
  ...commonOptionalFields,
});
export const displayFingerprintParams = z.strictObject({
  ...cardQuery,
  display_duration: displayDuration,
});
export const sendMailMessageToClientParams = z.strictObject({
  ...cardQuery,
  message_text: messageText(MAIL_MESSAGE_MAX_LENGTH),
});
export const sendBarkMessageToClientParams = z.strictObject({
  ...cardQuery,
  message_text: messageText(BARK_MESSAGE_MAX_LENGTH),
  display_duration: displayDuration,
});
export const sendRepeatingBarkMessageToClientParams = z.strictObject({
  ...cardQuery,
  message_text: messageText(BARK_MESSAGE_MAX_LENGTH),
  display_duration: displayDuration,
  repetition_interval: z
    .number({ message: 'repetition_interval must be a number of seconds' })
    .int({ message: 'repetition_interval must be whole seconds' })
    .min(REPEAT_INTERVAL_MIN_SECONDS, {
      message: `repetition_interval must be at least ${REPEAT_INTERVAL_MIN_SECONDS} seconds`,
    })
    .max(REPEAT_INTERVAL_MAX_SECONDS, {
      message: `repetition_interval must be at most ${REPEAT_INTERVAL_MAX_SECONDS} seconds`,
    })
    .multipleOf(REPEAT_INTERVAL_STEP_SECONDS, {
      message: `repetition_interval must be a multiple of ${REPEAT_INTERVAL_STEP_SECONDS} seconds`,
    }),
  number_of_repetitions: z
    .number({ message: 'number_of_repetitions must be a number' })
    .int({ message: 'number_of_repetitions must be a whole number' })
    .min(1, { message: 'number_of_repetitions must be at least 1' })
    .max(MAX_REPETITIONS, { message: `number_of_repetitions must be at most ${MAX_REPETITIONS}` }),
});

// GET conax_web_services/provisioning_requests/show and /list.

/** fields_set: comma-separated field names; we keep it as the seed spells it. */
export const fieldsSetSchema = z
  .string()
  .regex(/^[a-z_0-9]+(,[a-z_0-9]+)*$/, {
    message: 'fields_set must be comma-separated field names (e.g. id,number,life_cycle_state)',
  });

export const showQuery = z.strictObject({
  provisioning_request_identifier: provisioningRequestIdentifierSchema,
  fields_set: fieldsSetSchema.optional(),
});

export const LIST_FILTERS = ['type', 'life_cycle_state', 'reference_number'] as const;

/**
 * The list query for one provider's request types: exactly one of the
 * LIST_FILTERS, plus fields_set. Conax uses it with its types; the sandbox's
 * Nagravision list over TCP with the Nagravision ones.
 */
export function listQueryFor<T extends z.ZodType<string>>(typeSchema: T) {
  return z
    .strictObject({
      type: typeSchema.optional(),
      life_cycle_state: lifeCycleStateSchema.optional(),
      reference_number: z.string().min(1).max(128).optional(),
      fields_set: fieldsSetSchema.optional(),
    })
    .superRefine((v, ctx) => {
      const given = LIST_FILTERS.filter((k) => v[k] !== undefined);
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message:
            given.length === 0
              ? `list: specify exactly one of ${LIST_FILTERS.join(', ')}`
              : `list: only one of ${LIST_FILTERS.join(', ')} is allowed, got ${given.join(' and ')}`,
        });
      }
    });
}

export const listQuery = listQueryFor(conaxTypeSchema);

export type ShowQuery = z.infer<typeof showQuery>;
export type ListQuery = z.infer<typeof listQuery>;
