import type { RequestKind } from '../../shared/domain/request-catalog';

// The sandbox's one table of request kinds: what it answers for each, beyond
// what the shared table (request-catalog.ts) says. It must cover every kind
// (a kind without a row fails to compile); what a kind does to the card
// follows from its effect there (request-effects.ts).

/** One element kind of parameters_set; '*' kinds repeat once per named item. */
export type ParamElement = 'blank' | 'dist' | 'stb_dist' | 'smartcard' | 'stb' | 'secret' | 'services*' | 'smartcards*' | 'stbs*';

export interface SandboxKind {
  /** parameters_set of the answer, element by element. */
  parameters: readonly ParamElement[];
  /** Legacy cards cannot show it: refused with FEATURE_NOT_AVAILABLE. */
  legacyCards?: 'refused';
}

// Nagravision: the element order of the six seed examples, kept as the seed
// shows them. Conax: the seed shows no answer; ours carry the same kinds of elements.
const CONAX_CARD: readonly ParamElement[] = ['dist', 'smartcard'];

export const SANDBOX_KINDS = {
  'nagravision/add_enhanced_list_of_products': { parameters: ['services*', 'blank', 'dist', 'blank', 'smartcard'] },
  'nagravision/cancel_list_of_products': { parameters: ['blank', 'dist', 'blank', 'smartcard', 'services*'] },
  'nagravision/pair_smartcard_decoder': { parameters: ['dist', 'smartcard', 'stb_dist', 'blank', 'stb'] },
  'nagravision/set_pin_to_default_value': { parameters: ['dist', 'blank', 'blank', 'smartcard'] },
  'nagravision/set_pin_to_given_value': { parameters: ['blank', 'dist', 'blank', 'secret', 'smartcard'] },
  'nagravision/clear_pin': { parameters: ['blank', 'smartcard', 'blank', 'dist'] },
  'conax/add_subscriptions': { parameters: ['dist', 'smartcard', 'services*'] },
  'conax/cancel_subscriptions': { parameters: ['dist', 'smartcard', 'services*'] },
  'conax/create_pairing': { parameters: ['dist', 'smartcards*', 'stbs*'] },
  'conax/add_to_existing_pairing': { parameters: ['dist', 'smartcard', 'smartcards*', 'stbs*'] },
  'conax/update_ca_pin_to_default_value': { parameters: ['dist', 'smartcard'] },
  'conax/update_ca_pin_to_given_value': { parameters: ['dist', 'secret', 'smartcard'] },
  'conax/get_active_subscriptions': { parameters: CONAX_CARD },
  'conax/get_pairing_status_for_card': { parameters: CONAX_CARD },
  'conax/get_pairing_status_for_pairing_module': { parameters: ['dist', 'stb'] },
  'conax/display_fingerprint': { parameters: CONAX_CARD, legacyCards: 'refused' },
  'conax/send_mail_message_to_client': { parameters: CONAX_CARD },
  'conax/send_bark_message_to_client': { parameters: CONAX_CARD },
  'conax/send_repeating_bark_message_to_client': { parameters: CONAX_CARD, legacyCards: 'refused' },
} as const satisfies Record<RequestKind, SandboxKind>;

export function sandboxKindOf(kind: RequestKind): SandboxKind {
  return SANDBOX_KINDS[kind];
}
