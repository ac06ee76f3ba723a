import { z } from 'zod';

// What a real CRM.COM V4 server offers, as ../shared/spec/crmcom-v4-web-api.md
// gathers it from the wiki. Client (electron/sync) and sandbox (the embedded
// head-end) both read these rows, so the two cannot drift apart. Every [inferred]
// or [absent] fact of the wiki is a capability below, never an assumption.

/** Where a deployment serves the Web API: `{server}/crmapi/rest/v2/<resource>/<method>` [page]. */
export const CRMCOM_V4_BASE_PATH = '/crmapi/rest/v2';

/**
 * Release ranges that change what the client must send or may expect [page]:
 * R12 makes tokens JWTs that die 2 h after issue; R13 adds offset paging to
 * lists; R17.3 replaces Nagravision's smartcard_identifier by
 * installed_item_identifier and deprecates process_immediately/scheduled_date.
 */
export const CRMCOM_RELEASES = {
  R11: { label: 'R11 or older', jwtTokens: false, offsetPaging: false, installedItemIdentifier: false },
  R12: { label: 'R12', jwtTokens: true, offsetPaging: false, installedItemIdentifier: false },
  R13: { label: 'R13 to R17.2', jwtTokens: true, offsetPaging: true, installedItemIdentifier: false },
  R17_3: { label: 'R17.3 or newer', jwtTokens: true, offsetPaging: true, installedItemIdentifier: true },
} as const satisfies Record<string, { label: string; jwtTokens: boolean; offsetPaging: boolean; installedItemIdentifier: boolean }>;
export type CrmcomRelease = keyof typeof CRMCOM_RELEASES;
export const CRMCOM_RELEASE_IDS = Object.keys(CRMCOM_RELEASES) as [CrmcomRelease, ...CrmcomRelease[]];
export const crmcomReleaseSchema = z.enum(CRMCOM_RELEASE_IDS, {
  message: `release must be one of ${CRMCOM_RELEASE_IDS.join(', ')}`,
});

/** Paths below the base path, each with the wiki page it comes from. */
export const CRMCOM_PATHS = {
  /** POST username, password, organisation, unit? → data.token [page 494531]. */
  login: 'authentication/token',
  /** POST with the Web API key as HTTP Basic user name, empty password (R10+) [page 491003]. */
  webApiKeyLogin: 'authentication/web_api_key/token',
  /** POST token: releases it [page 517363]. */
  releaseToken: 'authentication/token/release',
  /** GET provisioning_request_identifier (id|number), fields_set: any provider's request (R11+) [page 490434]. */
  provisioningRequestShow: 'provisioning/provisioning_requests/show',
  /** GET Conax show [page 491261]. */
  conaxShow: 'conax_web_services/provisioning_requests/show',
  /** GET Conax list: one of type / life_cycle_state / reference_number; number_of_results + offset from R13 [page 510683]. */
  conaxList: 'conax_web_services/provisioning_requests/list',
  /** GET installed_item_identifier (id|serial_number|alternative_code) [page W/x/K-kH]. */
  installedItemShow: 'installed_items/show',
  /** GET by a provider parameter such as a CA id (R11+) [page W/x/uXsH]. */
  provisioningInstalledItemShow: 'provisioning/installed_items/show',
  /** GET subscription_identifier (id|number) [page 491067]. */
  subscriptionShow: 'subscriptions/show',
  /** GET product_identifier (id|code|alternative_code) [page W/x/_P4H]. */
  productShow: 'products/show',
  /** GET one of type/brand/family/category identifier; paging from R13 [page 490438]. */
  productList: 'products/list',
} as const;

/** POST path of a provisioning request. Conax's singular spelling is the seed's older revision: a capability. */
export function crmcomPostPath(provider: 'nagravision' | 'conax', method: string, conaxSingular = false): string {
  if (provider === 'nagravision') return `nagravision/provisioning_requests/${method}`;
  return `conax_web_services/${conaxSingular ? 'provisioning_request' : 'provisioning_requests'}/${method}`;
}

/**
 * A GET identifier is written `<name>=<field>=<value>` [page], e.g.
 * `provisioning_request_identifier=number=18570`: this is the value part.
 */
export function encodeGetIdentifier(identifier: Record<string, string>): string {
  const entries = Object.entries(identifier);
  if (entries.length !== 1) throw new Error('a GET identifier names exactly one field');
  const [field, value] = entries[0]!;
  return `${field}=${value}`;
}

/** Reads `<field>=<value>` back; null when the text is not of that form. */
export function decodeGetIdentifier(text: string): Record<string, string> | null {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) return null;
  const field = text.slice(0, at);
  if (!/^[a-z_]{1,64}$/.test(field)) return null;
  return { [field]: text.slice(at + 1) };
}

/** R13+ offset paging parameters [page]. The wiki does not say a server honours number_of_results in full, so only an empty page ends a listing (our decision). */
export const CRMCOM_PAGING = { size: 'number_of_results', offset: 'offset' } as const;

/** Web-API tokens of R12+ die 2 hours after issue whatever the use [page]. */
export const CRMCOM_JWT_LIFETIME_MS = 2 * 60 * 60 * 1000;
/** Before R12 a token dies after 1 hour without use [page]. */
export const CRMCOM_IDLE_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Calls and behaviours the wiki does not document ([inferred] / [absent]).
 * Off by default on a real server; the sandbox offers them all. "Test
 * connection" finds which answer; compose hides what a connection cannot send.
 */
export const CRMCOM_CAPABILITIES = {
  conaxQueryAndMessageMethods: {
    label: 'Conax query, fingerprint and message methods',
    why: 'The seven Conax query/message types have no documented Web API method [absent].',
  },
  conaxPinMethods: {
    label: 'Conax PIN methods',
    why: 'The Conax PIN paths are elided in the seed and named nowhere else [absent].',
  },
  conaxSingularPostPath: {
    label: 'Conax POSTs spelled provisioning_request/ (singular)',
    why: 'Current pages spell POSTs provisioning_requests/; the singular is an older revision [inferred].',
  },
  echoesClientUuid: {
    label: "Answers echo the request's UDFs (our UUID)",
    why: 'Nothing on the wiki shows that answers echo UDFs [absent]; found by Test connection, never assumed.',
  },
} as const satisfies Record<string, { label: string; why: string }>;
export type CrmcomCapability = keyof typeof CRMCOM_CAPABILITIES;
export const CRMCOM_CAPABILITY_IDS = Object.keys(CRMCOM_CAPABILITIES) as [CrmcomCapability, ...CrmcomCapability[]];
export type CrmcomCapabilities = Record<CrmcomCapability, boolean>;

/** A real server: nothing undocumented assumed. */
export const REAL_SERVER_CAPABILITIES: CrmcomCapabilities = {
  conaxQueryAndMessageMethods: false,
  conaxPinMethods: false,
  conaxSingularPostPath: false,
  echoesClientUuid: false,
};

/** The embedded sandbox documents (docs/protocol.md) and offers every one. */
export const SANDBOX_CAPABILITIES: CrmcomCapabilities = {
  conaxQueryAndMessageMethods: true,
  conaxPinMethods: true,
  conaxSingularPostPath: false,
  echoesClientUuid: true,
};

/**
 * Lenient reading of a real answer's request [page]: sequence_number may be a
 * number, message/description null, error_code free text (e.g. AxisFault),
 * plus provider_error_code / provider_error_description.
 */
export const crmcomAnswerExtrasSchema = z.looseObject({
  provider_error_code: z.union([z.string(), z.number()]).nullable().optional(),
  provider_error_description: z.string().nullable().optional(),
  sequence_number: z.union([z.string(), z.number()]).nullable().optional(),
});

/** The Conax PIN methods: their Web API paths are elided in the seed and named nowhere else [absent]. */
export const CONAX_PIN_METHODS: readonly string[] = ['update_ca_pin_to_default_value', 'update_ca_pin_to_given_value'];

/**
 * The capability a request kind needs on a real server, or null when the wiki
 * documents its method. `documented` is the request catalog's flag: Conax kinds
 * without a documented method are the seven query/message types.
 */
export function capabilityNeeded(provider: 'nagravision' | 'conax', method: string, documented: boolean): CrmcomCapability | null {
  if (provider !== 'conax') return null;
  if (CONAX_PIN_METHODS.includes(method)) return 'conaxPinMethods';
  return documented ? null : 'conaxQueryAndMessageMethods';
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Whether a URL's host is this machine (plain HTTP is acceptable there: nothing crosses a network). */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

/**
 * Why a CRM.COM base URL may not be used, or null. Plain HTTP to another
 * machine would carry the password and every token in clear: refused unless
 * the operator overrides it explicitly.
 */
export function baseUrlProblem(text: string, allowPlainHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.search || url.hash) return 'must not carry a query or fragment';
  if (url.protocol === 'http:' && !allowPlainHttp && !isLoopbackUrl(url)) {
    return 'plain HTTP to another machine sends the password in clear: use https:// or allow plain HTTP explicitly';
  }
  return null;
}

/**
 * The provider parameters that hold a device's CA id, for
 * provisioning/installed_items/show (parameter_name). The wiki names none
 * [inferred]: these are the sandbox's names, taken from the Conax bodies'
 * field names; a real deployment may name them otherwise (a connection setting).
 */
export const CRMCOM_CA_ID_PARAMETERS = { smartcard: 'smartcard_ca_id', stb: 'stb_ca_id' } as const;
