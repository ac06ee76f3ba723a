import { z } from 'zod';
import { CLIENT_UUID_UDF } from './client-uuid';
import { CRMCOM_PATHS, CRMCOM_V4_BASE_PATH, crmcomPostPath } from './crmcom-v4';
import { PROVIDERS, type Provider } from './request-types';

// The ways of talking to a head-end, one row each: how each provider's calls
// travel, their paths or frame methods, which answer fields are read, what the
// connection settings ask for and which CRM.COM capabilities apply. Client
// (electron/sync), wiring, settings and the Settings screen derive from these
// rows; a new profile is a row here plus a transport in sync-wiring.ts
// (TRANSPORT_CLIENTS, checked complete by the compiler).

/**
 * How one provider's calls travel.
 * - `tcp-frames`: our length-prefixed JSON frames over one TCP connection (docs/protocol.md).
 * - `http-origin`: JSON over HTTP at the URL's origin, identifiers JSON-encoded in GETs, page/records_per_page paging.
 * - `crmcom-http`: the CRM.COM V4 Web API under a base URL with its path (../shared/spec/crmcom-v4-web-api.md).
 */
export const HEADEND_TRANSPORTS = ['tcp-frames', 'http-origin', 'crmcom-http'] as const;
export type HeadendTransport = (typeof HEADEND_TRANSPORTS)[number];

/** How a list can show that it is complete (what the reconciler may conclude from absence). */
export type ListingProof =
  /** A paging block with page, size and totals; read until an empty page. */
  | 'paging-block'
  /** number_of_results + offset, a bare array; read until an empty page (a server may cap pages, so a short one proves nothing). */
  | 'offset'
  /** No list at all, or one that cannot show it is complete: absence is never proven. */
  | 'none';

export interface ProviderWire {
  transport: HeadendTransport;
  /** Where a provisioning request is POSTed (HTTP path below the base) or the frame method (TCP). */
  post(method: string, capabilities: { conaxSingularPostPath: boolean }): string;
  /** Status of one request by id or number. */
  show: string;
  /** The list of one type; null where the profile has none (then reconciliation goes to the operator). */
  list: string | null;
  login: string;
}

/** The fields every status and reconcile read asks for; the client UUID UDF only where it is echoed. */
export const HEADEND_ANSWER_FIELDS = ['id', 'number', 'life_cycle_state', 'reference_number', 'error_code', 'error_description', 'executed_date'] as const;

/** Settings the operator fills in for a profile (the Settings screen shows exactly these groups). */
export type ProfileSettingsGroup = 'nagravision-tcp' | 'conax-origin' | 'crmcom';

export interface HeadendProfile {
  label: string;
  /** What an operator reads when choosing it. */
  description: string;
  providers: Record<Provider, ProviderWire>;
  /** Answer fields read besides HEADEND_ANSWER_FIELDS (CRM.COM's provider_error_*). */
  extraAnswerFields: readonly string[];
  /** Whether the CRM.COM capability switches (crmcom-v4.ts) and release setting apply. */
  crmcomOptions: boolean;
  settingsGroups: readonly ProfileSettingsGroup[];
}

const conaxTcpGatewayPost = (method: string) => `/conax_web_services/provisioning_request/${encodeURIComponent(method)}`;

export const HEADEND_PROFILES = {
  'crmcom-v4': {
    label: 'CRM.COM V4 Web API',
    description: 'Both providers over HTTP(S) under one base URL such as https://crm.example/crmapi/rest/v2 (a real CRM.COM V4 server).',
    providers: {
      nagravision: {
        transport: 'crmcom-http',
        post: (method) => crmcomPostPath('nagravision', method),
        // No Nagravision show/list exists [absent]; the generic show reads any provider's request (R11+).
        show: CRMCOM_PATHS.provisioningRequestShow,
        list: null,
        login: CRMCOM_PATHS.login,
      },
      conax: {
        transport: 'crmcom-http',
        post: (method, c) => crmcomPostPath('conax', method, c.conaxSingularPostPath),
        show: CRMCOM_PATHS.conaxShow,
        list: CRMCOM_PATHS.conaxList,
        login: CRMCOM_PATHS.login,
      },
    },
    extraAnswerFields: ['provider_error_code', 'provider_error_description'],
    crmcomOptions: true,
    settingsGroups: ['crmcom'],
  },
  'tcp-gateway': {
    label: 'TCP gateway (Nagravision frames, Conax at the origin)',
    description: 'Nagravision over our TCP framing and Conax Web Services over HTTP at the URL origin, as the embedded sandbox has always spoken (docs/protocol.md).',
    providers: {
      nagravision: { transport: 'tcp-frames', post: (method) => method, show: 'show', list: 'list', login: 'authentication/token' },
      conax: {
        transport: 'http-origin',
        post: conaxTcpGatewayPost,
        show: '/conax_web_services/provisioning_requests/show',
        list: '/conax_web_services/provisioning_requests/list',
        login: '/authentication/token',
      },
    },
    extraAnswerFields: [],
    crmcomOptions: false,
    settingsGroups: ['nagravision-tcp', 'conax-origin'],
  },
} as const satisfies Record<string, HeadendProfile>;

export type HeadendProfileId = keyof typeof HEADEND_PROFILES;
export const HEADEND_PROFILE_IDS = Object.keys(HEADEND_PROFILES) as [HeadendProfileId, ...HeadendProfileId[]];
export const headendProfileIdSchema = z.enum(HEADEND_PROFILE_IDS, { message: `profile must be one of ${HEADEND_PROFILE_IDS.join(', ')}` });

export function headendProfile(id: HeadendProfileId): HeadendProfile {
  return HEADEND_PROFILES[id];
}

/** The providers a profile talks to, in the order screens list them. */
export function profileProviders(id: HeadendProfileId): readonly Provider[] {
  return PROVIDERS.filter((p) => p in HEADEND_PROFILES[id].providers);
}

/** fields_set of status and reconcile reads for a connection. */
export function answerFieldsSet(id: HeadendProfileId, echoesClientUuid: boolean): string {
  const profile = HEADEND_PROFILES[id];
  return [...HEADEND_ANSWER_FIELDS, ...profile.extraAnswerFields, ...(echoesClientUuid ? [CLIENT_UUID_UDF] : [])].join(',');
}

/** Where the embedded sandbox serves a profile's HTTP calls (below its HTTP origin). */
export const SANDBOX_BASE_PATH: Record<HeadendProfileId, string> = {
  'crmcom-v4': CRMCOM_V4_BASE_PATH,
  'tcp-gateway': '',
};
