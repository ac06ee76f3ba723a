// How the CRM.COM V4 profile dresses what the sandbox stores: the envelope with
// null message/description on success and no paging block, the request with the
// real server's lenient extras (numeric sequence_number, provider_error_*,
// AxisFault for a provider that did not answer), and the catalog's rows as
// installed items, subscriptions and products (docs/protocol.md, "CRM.COM V4 profile").
import type { Provider } from '../../shared/domain/request-types';
import type { CatalogRepo, ServiceRow, SmartcardRow, StbRow, SubscriptionRow } from './catalog-repo';
import type { Answer } from './envelope';
import { createHash } from 'node:crypto';

const md5Id = (text: string) => createHash('md5').update(text).digest('hex').toUpperCase();

/** Success: message and description null (the wiki shows both "" and null); errors keep their text; no paging block, no field_errors. */
export function crmcomEnvelope(answer: Answer): Answer {
  const { status, data } = answer.envelope;
  const ok = status.code === 'OK';
  return {
    httpStatus: answer.httpStatus,
    envelope: {
      status: {
        message: ok ? (null as unknown as string) : status.message,
        description: ok ? (null as unknown as string) : status.description,
        code: status.code,
      },
      data,
    },
  };
}

/** The two providers as CRM.COM names them (provisioning_provider object; provider identifier of lookups). */
export const CRMCOM_PROVIDERS: Record<Provider, { id: string; name: string; alternative_code: string }> = {
  nagravision: { id: md5Id('provider:nagravision'), name: 'Nagravision', alternative_code: 'NAGRA' },
  conax: { id: md5Id('provider:conax'), name: 'Conax Web Services', alternative_code: 'CONAX' },
};

/** The provider an identifier (id | name | alternative_code) names, or undefined. */
export function providerNamed(identifier: Record<string, string>): Provider | undefined {
  const [field, value] = Object.entries(identifier)[0] ?? [];
  if (field !== 'id' && field !== 'name' && field !== 'alternative_code') return undefined;
  return (Object.keys(CRMCOM_PROVIDERS) as Provider[]).find((p) => CRMCOM_PROVIDERS[p][field] === value);
}

const AXIS_TRACE = [
  'org.apache.axis2.AxisFault: Transport error: the conditional access system did not answer',
  '\tat org.apache.axis2.transport.http.HTTPSender.handleResponse(HTTPSender.java:310)',
  '\tat org.apache.axis2.transport.http.HTTPSender.sendViaPost(HTTPSender.java:194)',
  '\tat org.apache.axis2.client.OperationClient.execute(OperationClient.java:165)',
].join('\n');

/**
 * A request as a real server answers it: sequence_number a number, and
 * provider_error_code / provider_error_description (null unless rejected). A
 * request the CAS never answered (the sandbox's SYSTEM_ERROR, e.g. the
 * rejectRate knob) carries error_code "AxisFault" and a Java stack trace, as
 * the wiki shows; its provider_error_* stay null (the provider said nothing).
 */
export function crmcomRequestView(object: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = { ...object, provider_error_code: null, provider_error_description: null };
  const seq = object.sequence_number;
  if (typeof seq === 'string' && /^\d{1,15}$/.test(seq)) view.sequence_number = Number(seq);
  if (object.life_cycle_state === 'REJECTED') {
    if (object.error_code === 'SYSTEM_ERROR') {
      view.error_code = 'AxisFault';
      view.error_description = AXIS_TRACE;
    } else {
      view.provider_error_code = object.error_code ?? null;
      view.provider_error_description = object.error_description ?? null;
    }
  }
  return view;
}

/** fields_set: the named fields only (a name the object lacks is null). */
export function crmcomProject(object: Record<string, unknown>, fieldsSet: unknown): Record<string, unknown> {
  if (typeof fieldsSet !== 'string' || fieldsSet.length === 0) return object;
  return Object.fromEntries(fieldsSet.split(',').map((f) => [f, object[f] ?? null]));
}

// Product types. Whether a device is a smartcard or an STB comes from its product's type [inferred].
const TYPES = {
  services: { id: md5Id('type:services'), name: 'TV Services', alternative_code: 'TVSRV', classification: 'SERVICES', used_for_provisioning: true },
  smartcards: { id: md5Id('type:smartcards'), name: 'Smartcards', alternative_code: 'SMARTCARD', classification: 'PHYSICAL_GOODS', used_for_provisioning: true },
  stbs: { id: md5Id('type:stbs'), name: 'Set-top boxes', alternative_code: 'STB', classification: 'PHYSICAL_GOODS', used_for_provisioning: true },
} as const;
export type CrmcomProductType = keyof typeof TYPES;
export const CRMCOM_PRODUCT_TYPES = TYPES;

/** The product type a type_identifier (id | name | alternative_code) names. */
export function productTypeNamed(identifier: Record<string, string>): CrmcomProductType | undefined {
  const [field, value] = Object.entries(identifier)[0] ?? [];
  if (field !== 'id' && field !== 'name' && field !== 'alternative_code') return undefined;
  return (Object.keys(TYPES) as CrmcomProductType[]).find((t) => TYPES[t][field] === value);
}

/** The one product each device kind is sold as. */
export const DEVICE_PRODUCTS = {
  smartcards: { id: md5Id('product:smartcard'), code: 'SMARTCARD', alternative_code: 'SC', description: 'Smartcard' },
  stbs: { id: md5Id('product:stb'), code: 'STB', alternative_code: 'STB', description: 'Set-top box' },
} as const;

const logInformation = (updated: string) => ({ created_date: updated, updated_date: updated });

/** A service as a product. No CA id: CRM.COM keeps it in the provider's services mapping, not on the product [page]. */
export function serviceProduct(row: ServiceRow): Record<string, unknown> {
  return {
    id: row.id,
    code: row.code,
    alternative_code: row.alternative_code,
    description: row.name,
    type: TYPES.services,
    log_information: logInformation(row.updated_date),
  };
}

export function deviceProduct(kind: 'smartcards' | 'stbs'): Record<string, unknown> {
  return { ...DEVICE_PRODUCTS[kind], type: TYPES[kind] };
}

/** An installed item with the page's fields only: its CA id is a provider parameter, not a field of the item. */
export function installedItem(kind: 'smartcards' | 'stbs', row: SmartcardRow | StbRow): Record<string, unknown> {
  return {
    id: row.id,
    serial_number: row.serial_number,
    alternative_code: row.alternative_code,
    state: 'EFFECTIVE',
    product: deviceProduct(kind),
    log_information: logInformation(row.updated_date),
  };
}

/** The sandbox's ACTIVE is CRM.COM's EFFECTIVE; other states pass as they are. */
const subscriptionState = (state: string) => (state === 'ACTIVE' ? 'EFFECTIVE' : state);

export function subscriptionView(row: SubscriptionRow, catalog: CatalogRepo): Record<string, unknown> {
  const cards = catalog.smartcardsOfSubscription(row.number);
  const stbs = catalog.stbsOfSubscription(row.number);
  const services = new Map<string, ServiceRow>();
  for (const card of cards) for (const s of catalog.entitlements(card.id)) services.set(s.id, s);
  return {
    id: row.id,
    number: row.number,
    life_cycle_state: subscriptionState(row.state),
    accounts_receivable: { id: md5Id(`ar:${row.number}`), number: `AR${row.number}`, name: `Account of ${row.number}` },
    termed_services_set: [...services.values()].map((s) => ({ product: serviceProduct(s), life_cycle_state: 'EFFECTIVE' })),
    installed_items_set: [
      ...cards.map((c) => installedItem('smartcards', c)),
      ...stbs.map((s) => installedItem('stbs', s)),
    ],
    log_information: logInformation(row.updated_date),
  };
}
