import { z } from 'zod';

export const PROVIDERS = ['nagravision', 'conax'] as const;
export const providerSchema = z.enum(PROVIDERS, {
  message: `provider must be one of ${PROVIDERS.join(', ')}`,
});
export type Provider = z.infer<typeof providerSchema>;

export const LIFE_CYCLE_STATES = ['PENDING', 'REJECTED', 'COMPLETED'] as const;
export const lifeCycleStateSchema = z.enum(LIFE_CYCLE_STATES, {
  message: `life_cycle_state must be one of ${LIFE_CYCLE_STATES.join(', ')}`,
});
export type LifeCycleState = z.infer<typeof lifeCycleStateSchema>;

export const NAGRAVISION_TYPES = [
  'ADD_ENHANCED_LIST_OF_PRODUCTS',
  'CANCEL_LIST_OF_PRODUCTS',
  'PAIR_SMARTCARD_AND_STB',
  'UPDATE_CA_PIN_TO_DEFAULT_VALUE',
  'UPDATE_CA_PIN_TO_GIVEN_VALUE',
  'CLEAR_CA_PIN',
] as const;

/** The thirteen types of the Conax `list` filter, in the seed's order. */
export const CONAX_TYPES = [
  'ADD_SUBSCRIPTIONS',
  'CANCEL_SUBSCRIPTIONS',
  'GET_ACTIVE_SUBSCRIPTIONS',
  'CREATE_PAIRING',
  'ADD_TO_EXISTING_PAIRING',
  'GET_PAIRING_STATUS_FOR_CARD',
  'GET_PAIRING_STATUS_FOR_PAIRING_MODULE',
  'DISPLAY_FINGERPRINT',
  'UPDATE_CA_PIN_TO_DEFAULT_VALUE',
  'UPDATE_CA_PIN_TO_GIVEN_VALUE',
  'SEND_MAIL_MESSAGE_TO_CLIENT',
  'SEND_BARK_MESSAGE_TO_CLIENT',
  'SEND_REPEATING_BARK_MESSAGE_TO_CLIENT',
] as const;

export const REQUEST_TYPES = [...new Set([...NAGRAVISION_TYPES, ...CONAX_TYPES])] as [
  string,
  ...string[],
];
export const requestTypeSchema = z.enum(
  REQUEST_TYPES as unknown as readonly [
    (typeof NAGRAVISION_TYPES)[number] | (typeof CONAX_TYPES)[number],
    ...((typeof NAGRAVISION_TYPES)[number] | (typeof CONAX_TYPES)[number])[],
  ],
  { message: 'type is not a known provisioning request type' },
);
export type RequestType = z.infer<typeof requestTypeSchema>;

export const conaxTypeSchema = z.enum(CONAX_TYPES, {
  message: `type must be one of the Conax types: ${CONAX_TYPES.join(', ')}`,
});

/** process_name values the seed shows for Nagravision requests. */
export const PROCESS_NAMES = [
  'PROVISIONING_REQUEST_PROCESSING_RUN',
  'PAIR_UTILITY',
  'RESET_PIN_CODE_UTILITY',
] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];
