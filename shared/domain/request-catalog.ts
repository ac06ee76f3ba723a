import { z } from 'zod';
import * as conax from './conax-requests';
import * as nagra from './nagravision-requests';
import { providerSchema, type ProcessName, type Provider, type RequestType } from './request-types';
import { fieldErrors, type FieldError } from './validation';
import { tokenSchema } from './secrets';

/** One request the console can queue: who receives it, how, and what it carries. */
export interface RequestDefinition {
  provider: Provider;
  /** Last path segment: nagravision/provisioning_requests/<method>. */
  method: string;
  type: RequestType;
  /** process_name the head-end sets; the seed shows it for Nagravision only. */
  processName: ProcessName | null;
  /** Human label for pickers and tables. */
  label: string;
  /** True when the seed documents the method; false for our named decisions. */
  documented: boolean;
  params: z.ZodType<Record<string, unknown>>;
}

const def = (d: RequestDefinition) => d;

export const REQUEST_DEFINITIONS = [
  def({ provider: 'nagravision', method: 'add_enhanced_list_of_products', type: 'ADD_ENHANCED_LIST_OF_PRODUCTS', processName: 'PROVISIONING_REQUEST_PROCESSING_RUN', label: 'Add products', documented: true, params: nagra.addEnhancedListOfProductsParams }),
  def({ provider: 'nagravision', method: 'cancel_list_of_products', type: 'CANCEL_LIST_OF_PRODUCTS', processName: 'PROVISIONING_REQUEST_PROCESSING_RUN', label: 'Cancel products', documented: true, params: nagra.cancelListOfProductsParams }),
  def({ provider: 'nagravision', method: 'pair_smartcard_decoder', type: 'PAIR_SMARTCARD_AND_STB', processName: 'PAIR_UTILITY', label: 'Pair smartcard and STB', documented: true, params: nagra.pairSmartcardDecoderParams }),
  def({ provider: 'nagravision', method: 'set_pin_to_default_value', type: 'UPDATE_CA_PIN_TO_DEFAULT_VALUE', processName: 'RESET_PIN_CODE_UTILITY', label: 'Reset PIN to default', documented: true, params: nagra.setPinToDefaultValueParams }),
  def({ provider: 'nagravision', method: 'set_pin_to_given_value', type: 'UPDATE_CA_PIN_TO_GIVEN_VALUE', processName: 'RESET_PIN_CODE_UTILITY', label: 'Set PIN', documented: true, params: nagra.setPinToGivenValueParams }),
  def({ provider: 'nagravision', method: 'clear_pin', type: 'CLEAR_CA_PIN', processName: 'RESET_PIN_CODE_UTILITY', label: 'Clear PIN', documented: true, params: nagra.clearPinParams }),
  def({ provider: 'conax', method: 'add_subscriptions', type: 'ADD_SUBSCRIPTIONS', processName: null, label: 'Add subscription', documented: true, params: conax.addSubscriptionsParams }),
  def({ provider: 'conax', method: 'cancel_subscriptions', type: 'CANCEL_SUBSCRIPTIONS', processName: null, label: 'Cancel subscription', documented: true, params: conax.cancelSubscriptionsParams }),
  def({ provider: 'conax', method: 'create_pairing', type: 'CREATE_PAIRING', processName: null, label: 'Create pairing', documented: true, params: conax.createPairingParams }),
  def({ provider: 'conax', method: 'add_to_existing_pairing', type: 'ADD_TO_EXISTING_PAIRING', processName: null, label: 'Add to existing pairing', documented: true, params: conax.addToExistingPairingParams }),
  def({ provider: 'conax', method: 'update_ca_pin_to_default_value', type: 'UPDATE_CA_PIN_TO_DEFAULT_VALUE', processName: null, label: 'Reset PIN to default', documented: true, params: conax.updateCaPinToDefaultValueParams }),
  def({ provider: 'conax', method: 'update_ca_pin_to_given_value', type: 'UPDATE_CA_PIN_TO_GIVEN_VALUE', processName: null, label: 'Set PIN', documented: true, params: conax.updateCaPinToGivenValueParams }),
  def({ provider: 'conax', method: 'get_active_subscriptions', type: 'GET_ACTIVE_SUBSCRIPTIONS', processName: null, label: 'Query active subscriptions', documented: false, params: conax.getActiveSubscriptionsParams }),
  def({ provider: 'conax', method: 'get_pairing_status_for_card', type: 'GET_PAIRING_STATUS_FOR_CARD', processName: null, label: 'Query pairing of card', documented: false, params: conax.getPairingStatusForCardParams }),
  def({ provider: 'conax', method: 'get_pairing_status_for_pairing_module', type: 'GET_PAIRING_STATUS_FOR_PAIRING_MODULE', processName: null, label: 'Query pairing of STB', documented: false, params: conax.getPairingStatusForPairingModuleParams }),
  def({ provider: 'conax', method: 'display_fingerprint', type: 'DISPLAY_FINGERPRINT', processName: null, label: 'Display fingerprint', documented: false, params: conax.displayFingerprintParams }),
  def({ provider: 'conax', method: 'send_mail_message_to_client', type: 'SEND_MAIL_MESSAGE_TO_CLIENT', processName: null, label: 'Send mail message', documented: false, params: conax.sendMailMessageToClientParams }),
  def({ provider: 'conax', method: 'send_bark_message_to_client', type: 'SEND_BARK_MESSAGE_TO_CLIENT', processName: null, label: 'Send bark message', documented: false, params: conax.sendBarkMessageToClientParams }),
  def({ provider: 'conax', method: 'send_repeating_bark_message_to_client', type: 'SEND_REPEATING_BARK_MESSAGE_TO_CLIENT', processName: null, label: 'Send repeating bark message', documented: false, params: conax.sendRepeatingBarkMessageToClientParams }),
] as const satisfies readonly RequestDefinition[];

const byKey = new Map<string, RequestDefinition>(
  REQUEST_DEFINITIONS.map((d) => [`${d.provider}/${d.method}`, d]),
);

export function findRequestDefinition(provider: string, method: string): RequestDefinition | undefined {
  return byKey.get(`${provider}/${method}`);
}

export function requestDefinitionsFor(provider: Provider): RequestDefinition[] {
  return REQUEST_DEFINITIONS.filter((d) => d.provider === provider);
}

/**
 * Splits a wire body (params plus the session token) into its token and its
 * params, each validated; the token is never part of what we store.
 */
export function parseWireBody(definition: RequestDefinition, body: unknown) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { success: false as const, error: new z.ZodError([{ code: 'custom', path: [], message: 'body must be a JSON object', input: body }]) };
  }
  const { token, ...rest } = body as Record<string, unknown>;
  const tokenResult = tokenSchema.safeParse(token);
  const paramsResult = definition.params.safeParse(rest);
  if (!tokenResult.success || !paramsResult.success) {
    const issues = [
      ...(tokenResult.success ? [] : tokenResult.error.issues.map((i) => ({ ...i, path: ['token', ...i.path] }))),
      ...(paramsResult.success ? [] : paramsResult.error.issues),
    ];
    return { success: false as const, error: new z.ZodError(issues) };
  }
  return { success: true as const, token: tokenResult.data, params: paramsResult.data };
}

export type ParsedRequestInput =
  | { ok: true; definition: RequestDefinition; params: Record<string, unknown> }
  | { ok: false; errors: FieldError[] };

/**
 * Validates what an operator (UI, CSV row, IPC call) asks to queue: a provider,
 * a method of that provider, and the params of that method. Errors name the
 * field: "provider", "method", or the params field at fault.
 */
export function parseRequestInput(input: { provider: unknown; method: unknown; params: unknown }): ParsedRequestInput {
  const provider = providerSchema.safeParse(input.provider);
  if (!provider.success) return { ok: false, errors: [{ field: 'provider', message: provider.error.issues[0]!.message }] };
  const definition = typeof input.method === 'string' ? findRequestDefinition(provider.data, input.method) : undefined;
  if (!definition) {
    const known = requestDefinitionsFor(provider.data).map((d) => d.method);
    return {
      ok: false,
      errors: [{ field: 'method', message: `method must be one of the ${provider.data} methods: ${known.join(', ')}` }],
    };
  }
  const params = definition.params.safeParse(input.params);
  if (!params.success) return { ok: false, errors: fieldErrors(params.error, input.params) };
  return { ok: true, definition, params: params.data };
}
