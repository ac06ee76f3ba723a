import type { RequestKind } from '../../../shared/domain/request-catalog';
import type { Provider } from '../../../shared/domain/request-types';
import type { CardView } from '../../../shared/ipc/card-schemas';
import type { Route } from '../../app/router';

// The card desk's actions: each opens Compose on that action with the card
// (and its subscription, when known) already filled in. Every field name is
// the seed's; a form takes only the fields its action has.

export interface CardAction {
  label: string;
  route: Route;
}

function prefillOf(v: CardView): Record<string, unknown> {
  const id = v.identity;
  const smartcard = id.serial_number ? { serial_number: id.serial_number } : id.alternative_code ? { alternative_code: id.alternative_code } : id.catalog_id ? { id: id.catalog_id } : null;
  const body: Record<string, unknown> = {};
  if (v.identity.kind === 'stb') {
    if (smartcard) body.stb_identifier = smartcard;
    return body;
  }
  if (smartcard) body.smartcard_identifier = smartcard;
  if (id.ca_id) {
    body.smartcard_ca_id = id.ca_id;
    body.smartcard_set = [{ smartcard_ca_id: id.ca_id }];
  }
  if (id.subscription) body.subscription_identifier = { number: id.subscription };
  return body;
}

export function cardActions(v: CardView): CardAction[] {
  const prefill = prefillOf(v);
  // Kinds of the request table (a name it lacks fails to compile).
  const to = (label: string, kind: RequestKind): CardAction => {
    const [provider, method] = kind.split('/') as [Provider, string];
    return { label, route: { screen: 'compose', provider, method, prefill } };
  };
  if (v.identity.kind === 'stb') return [to('Query pairing of this STB', 'conax/get_pairing_status_for_pairing_module')];
  return [
    to('Query active subscriptions', 'conax/get_active_subscriptions'),
    to('Query pairing', 'conax/get_pairing_status_for_card'),
    to('Add services', 'nagravision/add_enhanced_list_of_products'),
    to('Cancel services', 'nagravision/cancel_list_of_products'),
    to('Pair with an STB', 'nagravision/pair_smartcard_decoder'),
    to('Reset PIN to default', 'nagravision/set_pin_to_default_value'),
    to('Clear PIN', 'nagravision/clear_pin'),
    to('Send a message', 'conax/send_mail_message_to_client'),
    to('Display fingerprint', 'conax/display_fingerprint'),
  ];
}
