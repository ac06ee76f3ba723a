import { z } from 'zod';
import * as conax from './conax-requests';
import * as nagra from './nagravision-requests';
import { providerSchema, type ProcessName, type Provider, type RequestType } from './request-types';
import { fieldErrors, type FieldError } from './validation';
import { tokenSchema } from './secrets';

/**
 * Which params name the card a request acts on, the card its commands are
 * ordered by and filed under: an installed-item identifier, a CA id, or the
 * first element of a set.
 */
export type CardTarget =
  | { card: 'smartcard'; field: 'smartcard_identifier' }
  | { card: 'smartcard'; field: 'smartcard_ca_id' }
  | { card: 'smartcard'; field: 'smartcard_set' }
  | { card: 'stb'; field: 'stb_identifier' };

export type PinState = 'default' | 'custom' | 'cleared';

/** What a completed request changes on its card (or that it only asks or shows something). */
export type CardEffect =
  /** Services from services_set or service_identifier are entitled / taken away. */
  | { kind: 'products'; change: 'add' | 'cancel' }
  /** pair-or-unpair: with stb_identifier pairs, without unpairs; create: a new pairing of the sets; extend: the sets join the card's pairing. */
  | { kind: 'pairing'; change: 'pair-or-unpair' | 'create' | 'extend' }
  | { kind: 'pin'; state: PinState }
  /** Changes nothing; the head-end tells what it knows (see `answer`). */
  | { kind: 'query' }
  /** Shows something on the subscriber's screen; changes no card fact. */
  | { kind: 'message'; message: 'fingerprint' | 'mail' | 'bark' | 'repeating_bark' };

/** One request the console can queue: who receives it, how, what it carries, and what it does to which card. */
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
  target: CardTarget;
  effect: CardEffect;
  /** What a completed request tells, kept as its answer and shown on its card (query-answer.ts); absent: nothing. */
  answer?: AnswerKind;
}

/** The kinds of answer a completed request may tell (query-answer.ts holds their schemas). */
export type AnswerKind = 'active_subscriptions' | 'pairing_status' | 'fingerprint_displayed';

/** A row whose target names a field its own params schema has (checked by the compiler). */
const def = <const D extends RequestDefinition>(d: D & { target: { field: keyof z.input<D['params']> } }): D => d;

const BY_CARD = { card: 'smartcard', field: 'smartcard_identifier' } as const;
const BY_CA_ID = { card: 'smartcard', field: 'smartcard_ca_id' } as const;
const BY_FIRST_OF_SET = { card: 'smartcard', field: 'smartcard_set' } as const;
const BY_STB = { card: 'stb', field: 'stb_identifier' } as const;

const NAGRA_RUN = 'PROVISIONING_REQUEST_PROCESSING_RUN';
const NAGRA_PIN = 'RESET_PIN_CODE_UTILITY';

// The request kinds: one row per (provider, method). Everything else that
// differs by kind (card ordering, card facts, the form, the CSV, redaction,
// the sandbox) reads this table; tables keyed by RequestKind must cover it.
export const REQUEST_DEFINITIONS = [
  def({ provider: 'nagravision', method: 'add_enhanced_list_of_products', type: 'ADD_ENHANCED_LIST_OF_PRODUCTS', processName: NAGRA_RUN, label: 'Add products', documented: true, params: nagra.addEnhancedListOfProductsParams, target: BY_CARD, effect: { kind: 'products', change: 'add' } }),
  def({ provider: 'nagravision', method: 'cancel_list_of_products', type: 'CANCEL_LIST_OF_PRODUCTS', processName: NAGRA_RUN, label: 'Cancel products', documented: true, params: nagra.cancelListOfProductsParams, target: BY_CARD, effect: { kind: 'products', change: 'cancel' } }),
  def({ provider: 'nagravision', method: 'pair_smartcard_decoder', type: 'PAIR_SMARTCARD_AND_STB', processName: 'PAIR_UTILITY', label: 'Pair smartcard and STB', documented: true, params: nagra.pairSmartcardDecoderParams, target: BY_CARD, effect: { kind: 'pairing', change: 'pair-or-unpair' } }),
  def({ provider: 'nagravision', method: 'set_pin_to_default_value', type: 'UPDATE_CA_PIN_TO_DEFAULT_VALUE', processName: NAGRA_PIN, label: 'Reset PIN to default', documented: true, params: nagra.setPinToDefaultValueParams, target: BY_CARD, effect: { kind: 'pin', state: 'default' } }),
  def({ provider: 'nagravision', method: 'set_pin_to_given_value', type: 'UPDATE_CA_PIN_TO_GIVEN_VALUE', processName: NAGRA_PIN, label: 'Set PIN', documented: true, params: nagra.setPinToGivenValueParams, target: BY_CARD, effect: { kind: 'pin', state: 'custom' } }),
  def({ provider: 'nagravision', method: 'clear_pin', type: 'CLEAR_CA_PIN', processName: NAGRA_PIN, label: 'Clear PIN', documented: true, params: nagra.clearPinParams, target: BY_CARD, effect: { kind: 'pin', state: 'cleared' } }),
  def({ provider: 'conax', method: 'add_subscriptions', type: 'ADD_SUBSCRIPTIONS', processName: null, label: 'Add subscription', documented: true, params: conax.addSubscriptionsParams, target: BY_CARD, effect: { kind: 'products', change: 'add' } }),
  def({ provider: 'conax', method: 'cancel_subscriptions', type: 'CANCEL_SUBSCRIPTIONS', processName: null, label: 'Cancel subscription', documented: true, params: conax.cancelSubscriptionsParams, target: BY_CARD, effect: { kind: 'products', change: 'cancel' } }),
  def({ provider: 'conax', method: 'create_pairing', type: 'CREATE_PAIRING', processName: null, label: 'Create pairing', documented: true, params: conax.createPairingParams, target: BY_FIRST_OF_SET, effect: { kind: 'pairing', change: 'create' } }),
  def({ provider: 'conax', method: 'add_to_existing_pairing', type: 'ADD_TO_EXISTING_PAIRING', processName: null, label: 'Add to existing pairing', documented: true, params: conax.addToExistingPairingParams, target: BY_CA_ID, effect: { kind: 'pairing', change: 'extend' } }),
  def({ provider: 'conax', method: 'update_ca_pin_to_default_value', type: 'UPDATE_CA_PIN_TO_DEFAULT_VALUE', processName: null, label: 'Reset PIN to default', documented: true, params: conax.updateCaPinToDefaultValueParams, target: BY_CA_ID, effect: { kind: 'pin', state: 'default' } }),
  def({ provider: 'conax', method: 'update_ca_pin_to_given_value', type: 'UPDATE_CA_PIN_TO_GIVEN_VALUE', processName: null, label: 'Set PIN', documented: true, params: conax.updateCaPinToGivenValueParams, target: BY_CA_ID, effect: { kind: 'pin', state: 'custom' } }),
  def({ provider: 'conax', method: 'get_active_subscriptions', type: 'GET_ACTIVE_SUBSCRIPTIONS', processName: null, label: 'Query active subscriptions', documented: false, params: conax.getActiveSubscriptionsParams, target: BY_CARD, effect: { kind: 'query' }, answer: 'active_subscriptions' }),
  def({ provider: 'conax', method: 'get_pairing_status_for_card', type: 'GET_PAIRING_STATUS_FOR_CARD', processName: null, label: 'Query pairing of card', documented: false, params: conax.getPairingStatusForCardParams, target: BY_CARD, effect: { kind: 'query' }, answer: 'pairing_status' }),
  def({ provider: 'conax', method: 'get_pairing_status_for_pairing_module', type: 'GET_PAIRING_STATUS_FOR_PAIRING_MODULE', processName: null, label: 'Query pairing of STB', documented: false, params: conax.getPairingStatusForPairingModuleParams, target: BY_STB, effect: { kind: 'query' }, answer: 'pairing_status' }),
  def({ provider: 'conax', method: 'display_fingerprint', type: 'DISPLAY_FINGERPRINT', processName: null, label: 'Display fingerprint', documented: false, params: conax.displayFingerprintParams, target: BY_CARD, effect: { kind: 'message', message: 'fingerprint' }, answer: 'fingerprint_displayed' }),
  def({ provider: 'conax', method: 'send_mail_message_to_client', type: 'SEND_MAIL_MESSAGE_TO_CLIENT', processName: null, label: 'Send mail message', documented: false, params: conax.sendMailMessageToClientParams, target: BY_CARD, effect: { kind: 'message', message: 'mail' } }),
  def({ provider: 'conax', method: 'send_bark_message_to_client', type: 'SEND_BARK_MESSAGE_TO_CLIENT', processName: null, label: 'Send bark message', documented: false, params: conax.sendBarkMessageToClientParams, target: BY_CARD, effect: { kind: 'message', message: 'bark' } }),
  def({ provider: 'conax', method: 'send_repeating_bark_message_to_client', type: 'SEND_REPEATING_BARK_MESSAGE_TO_CLIENT', processName: null, label: 'Send repeating bark message', documented: false, params: conax.sendRepeatingBarkMessageToClientParams, target: BY_CARD, effect: { kind: 'message', message: 'repeating_bark' } }),
] as const satisfies readonly RequestDefinition[];

type Row = (typeof REQUEST_DEFINITIONS)[number];

/** "provider/method": the key of a request kind; tables that differ by kind are Record<RequestKind, …>. */
export type RequestKind = Row extends infer D ? (D extends { provider: infer P extends string; method: infer M extends string } ? `${P}/${M}` : never) : never;

export function requestKindOf(definition: Pick<RequestDefinition, 'provider' | 'method'>): RequestKind {
  return `${definition.provider}/${definition.method}` as RequestKind;
}

/** Every field name some kind's params take (what the field hints must cover). */
export type ParamFieldName = Row extends infer D ? (D extends { params: infer P extends z.ZodType } ? keyof z.input<P> & string : never) : never;

// Every type of the seed's lists has a kind that sends it (and the rows' type column only takes those).
type Missing<All, Sent> = Exclude<All, Sent>;
const everyTypeIsSent: [Missing<RequestType, Row['type']>] extends [never] ? true : false = true;
void everyTypeIsSent;

const byKey = new Map<string, RequestDefinition>(REQUEST_DEFINITIONS.map((d) => [requestKindOf(d), d]));

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
