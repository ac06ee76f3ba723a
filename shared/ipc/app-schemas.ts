import { z } from 'zod';
import { fieldErrorSchema, type IpcErrorCode } from './result';
import { providerSchema } from '../domain/request-types';
import { passwordSchema } from '../domain/secrets';
import { catalogKindSchema } from '../domain/catalog';
import {
  baseUrlProblem,
  CRMCOM_CAPABILITY_IDS,
  CRMCOM_V4_BASE_PATH,
  crmcomReleaseSchema,
  REAL_SERVER_CAPABILITIES,
  type CrmcomCapability,
} from '../domain/crmcom-v4';
import { headendProfileIdSchema } from '../domain/headend-profiles';

// Schemas of the non-request channels: catalog, bulk import, sync, settings.

export const catalogSearchInputSchema = z.strictObject({
  kind: catalogKindSchema,
  text: z.string().max(128),
  limit: z.number().int().min(1).max(100).default(20),
});
export const catalogItemSchema = z.object({
  kind: catalogKindSchema,
  /** The identifier to put in a body, e.g. { serial_number: "smrt20000054" }. */
  identifier: z.record(z.string(), z.string()),
  /** CA id where the head-end has one (smartcards, STBs). */
  ca_id: z.string().nullable(),
  label: z.string(),
  provider: providerSchema.nullable(),
  /** What the catalog last knew of it, for the picker ("Subscription": "S60507 · Bronze · ACTIVE"). */
  details: z.array(z.object({ label: z.string(), value: z.string() })).max(12).default([]),
  /** One of its identifiers (or its CA id) is exactly the text searched, letter case aside. */
  exact: z.boolean().default(false),
});
export type CatalogItem = z.infer<typeof catalogItemSchema>;
export const catalogSearchOutputSchema = z.object({ items: z.array(catalogItemSchema) });

export const BULK_MAX_CSV_BYTES = 32 * 1024 * 1024;
/** Rows per bulk.queueBatch call, each call one store transaction. */
export const BULK_BATCH_ROWS = 2000;
/** One batch of a bulk import (shared/bulk/bulk-csv.md), checked row by row again and queued whole or refused whole. */
export const bulkQueueBatchInputSchema = z.strictObject({
  /** The import's id, the same for each of its batches: the batch_id of its requests. */
  batchId: z.string().regex(/^bulk-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'must be bulk-<uuid>' }),
  rows: z
    .array(
      z.strictObject({
        /** Its line in the file, for the refusal's message. */
        line: z.number().int().positive(),
        provider: z.string().max(64),
        method: z.string().max(128),
        params: z.record(z.string(), z.unknown()),
      }),
    )
    .min(1)
    .max(BULK_BATCH_ROWS),
});
export type BulkQueueRow = z.infer<typeof bulkQueueBatchInputSchema>['rows'][number];
export const bulkQueueBatchOutputSchema = z.object({ queued: z.number().int().nonnegative() });
/**
 * The bulk.queueBatch failures given before anything is written: the input
 * checks, the caller's checks, and the service's own refusals, thrown before
 * its one transaction or from a transaction rolled back (bulk-service.ts). Any
 * other failure (INTERNAL, INVALID_OUTPUT, a lost answer) may come after the
 * commit: the batch may or may not be queued.
 */
export const BULK_REFUSED_BEFORE_WRITING: readonly IpcErrorCode[] = ['INVALID_INPUT', 'UNKNOWN_CHANNEL', 'UNAUTHORIZED', 'FORBIDDEN'];
/** The operator's catalog export (docs/catalog-import.md): one kind per file; check first, then import. */
export const catalogImportInputSchema = z.strictObject({
  kind: catalogKindSchema,
  csv: z.string().min(1, { message: 'the CSV file is empty' }).max(BULK_MAX_CSV_BYTES),
});
export const catalogImportReportSchema = z.object({
  kind: catalogKindSchema,
  dryRun: z.boolean(),
  total: z.number().int().nonnegative(),
  valid: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  imported: z.number().int().nonnegative(),
  errors: z.array(fieldErrorSchema.extend({ line: z.number().int().positive() })),
  fileErrors: z.array(z.string()),
});
export type CatalogImportReport = z.infer<typeof catalogImportReportSchema>;
export const syncStatusSchema = z.object({
  /** True when every configured head-end answered the last check. */
  online: z.boolean(),
  providers: z.record(z.string(), z.object({ online: z.boolean(), detail: z.string() })),
  running: z.boolean(),
  pending: z.number().int().nonnegative(),
  /** Last success: the end of the last pass that reached a head-end. */
  lastSyncAt: z.number().int().nonnegative().nullable(),
  lastError: z.string().nullable(),
  /** Last failure, kept after the link recovers so the operator can see it happened. */
  lastFailureAt: z.number().int().nonnegative().nullable().default(null),
  lastFailure: z.string().nullable().default(null),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** What one "Sync now" did, counted from the request history written while it ran. */
export const syncReportSchema = z.object({
  sent: z.number().int().nonnegative(),
  acknowledged: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  /** Sends that failed: retry scheduled, outcome unknown, needs attention. */
  failed: z.number().int().nonnegative(),
  /** Still waiting to go or to be settled after it. */
  pending: z.number().int().nonnegative(),
  /** The operator's words for it ("Sent 3: 3 completed", "Nothing to send", "Sync failed: …"). */
  message: z.string(),
  outcome: z.enum(['done', 'nothing', 'partly', 'failed']),
});
export type SyncReport = z.infer<typeof syncReportSchema>;
export const syncNowOutputSchema = syncStatusSchema.extend({ report: syncReportSchema });

const hostSchema = z.string().min(1, { message: 'host must not be empty' }).max(255);
const portSchema = z
  .number({ message: 'port must be a number' })
  .int()
  .min(1, { message: 'port must be between 1 and 65535' })
  .max(65535, { message: 'port must be between 1 and 65535' });
const httpUrlSchema = z
  .string()
  .max(2048)
  .refine((v) => /^https?:\/\/[^\s]+$/.test(v), { message: 'must be an http(s) URL' });

const timeoutSchema = z.number().int().min(100).max(120_000);

/** The undocumented calls a CRM.COM connection may use (crmcom-v4.ts CRMCOM_CAPABILITIES), each on or off. */
export const crmcomCapabilitiesSchema = z.strictObject(
  Object.fromEntries(CRMCOM_CAPABILITY_IDS.map((id) => [id, z.boolean()])) as Record<CrmcomCapability, z.ZodBoolean>,
);

/** One CRM.COM status.code as the server writes it: free text, but one word. */
const crmcomErrorCodeSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, { message: 'an error code is one word of letters, digits, _ . : or -' });

/**
 * A CRM.COM V4 Web API connection (profile crmcom-v4). The password or Web
 * API key is write-only and sealed (settings.set), never part of these.
 */
export const crmcomConnectionSchema = z
  .strictObject({
    /** e.g. https://crm.example/crmapi/rest/v2; in embedded mode the sandbox's own URL is used instead. */
    base_url: z.string().max(2048),
    release: crmcomReleaseSchema,
    login_method: z.enum(['password', 'web_api_key']),
    capabilities: crmcomCapabilitiesSchema,
    /**
     * Error codes (status.code) the operator has confirmed, with the server's
     * administrator, mean "refused, not created". CRM.COM documents none
     * [absent]: any other non-OK answer to a create is an unknown outcome,
     * verified before anything is sent again. Saved before this existed: none.
     */
    not_created_codes: z.array(crmcomErrorCodeSchema).max(64, { message: 'at most 64 codes' }).default([]),
    /** Plain HTTP to a non-loopback host sends secrets in clear: only with this explicit override. */
    allow_plain_http: z.boolean(),
    /** PEM file of a corporate CA that signed the server's certificate. */
    ca_certificate_file: z.string().min(1).max(4096).optional(),
    timeout_ms: timeoutSchema,
    /** Sends in flight and the pause between two sends: a real server's capacity is unknown. */
    politeness: z.strictObject({
      max_in_flight: z.number().int().min(1, { message: 'at least 1 send in flight' }).max(256),
      min_send_interval_ms: z.number().int().min(0).max(60_000),
    }),
  })
  .superRefine((c, ctx) => {
    const problem = baseUrlProblem(c.base_url, c.allow_plain_http);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['base_url'], message: `base URL ${problem}` });
  });
export type CrmcomConnectionSettings = z.infer<typeof crmcomConnectionSchema>;

export const DEFAULT_CRMCOM_CONNECTION: CrmcomConnectionSettings = {
  base_url: `https://crm.example${CRMCOM_V4_BASE_PATH}`,
  release: 'R13',
  login_method: 'password',
  capabilities: REAL_SERVER_CAPABILITIES,
  not_created_codes: [],
  allow_plain_http: false,
  timeout_ms: 15_000,
  politeness: { max_in_flight: 8, min_send_interval_ms: 50 },
};

/** Where the head-ends are. `embedded` uses the sandbox started with the app. */
export const connectionSettingsSchema = z.strictObject({
  mode: z.enum(['embedded', 'remote']),
  /** How to talk to them (shared/domain/headend-profiles.ts); settings saved before profiles existed are the TCP gateway. */
  profile: headendProfileIdSchema.default('tcp-gateway'),
  crmcom: crmcomConnectionSchema.default(DEFAULT_CRMCOM_CONNECTION),
  nagravision: z.strictObject({
    host: hostSchema,
    port: portSchema,
    destination_id: z.string().min(1).max(64),
    timeout_ms: timeoutSchema,
  }),
  conax: z.strictObject({ base_url: httpUrlSchema, timeout_ms: timeoutSchema }),
  /** Login (POST authentication/token): the password is write-only, see settings.set. */
  login: z.strictObject({
    username: z.string().max(128),
    organisation: z.string().max(128),
    unit: z.string().max(128).optional(),
  }),
});
export type ConnectionSettings = z.infer<typeof connectionSettingsSchema>;

export const settingsViewSchema = z.object({
  connections: connectionSettingsSchema,
  /** Never the password itself: only whether one is saved. */
  passwordSaved: z.boolean(),
  /** What seals secrets: the OS keychain (Electron safeStorage) or the operator's passphrase (scrypt, in memory only). */
  credentialProtection: z.enum(['os-keychain', 'passphrase']),
  /** Never the CRM.COM Web API key itself: only whether one is saved. */
  webApiKeySaved: z.boolean().default(false),
  /** Which saved connection these settings are (Settings › Connections lists them all). */
  connection: z.object({ id: z.string(), name: z.string() }),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

export const settingsSetInputSchema = z.strictObject({
  connections: connectionSettingsSchema.optional(),
  /** Write-only: saved encrypted, never returned. null forgets it. */
  password: passwordSchema.nullable().optional(),
  /** Write-only CRM.COM Web API key, sealed like the password. null forgets it. */
  webApiKey: passwordSchema.nullable().optional(),
});

export const connectionTestInputSchema = z.strictObject({ provider: providerSchema });
/** What "Test connection" found about one capability; read-only calls only, nothing is created. */
export const capabilityProbeSchema = z.object({
  capability: z.string(),
  label: z.string(),
  result: z.enum(['answers', 'does-not-answer', 'untestable']),
  detail: z.string(),
});
export const connectionTestOutputSchema = z.object({
  provider: providerSchema,
  reachable: z.boolean(),
  latencyMs: z.number().nonnegative().nullable(),
  message: z.string(),
  /** Profiles with a login of their own (CRM.COM): whether it worked, and when the token dies (ms, our clock). */
  login: z.enum(['ok', 'failed']).nullable().default(null),
  tokenExpiresAt: z.number().nullable().default(null),
  /** Server clock minus ours (ms), from the HTTP Date header; null when unknown. */
  clockSkewMs: z.number().nullable().default(null),
  capabilities: z.array(capabilityProbeSchema).default([]),
});
export type ConnectionTestResult = z.infer<typeof connectionTestOutputSchema>;

/** Which request kinds the current connection can send, and why not (compose hides those). */
export const sendableKindsOutputSchema = z.object({
  profile: headendProfileIdSchema,
  kinds: z.array(
    z.object({ provider: providerSchema, method: z.string(), sendable: z.boolean(), reason: z.string().nullable() }),
  ),
});
export type SendableKinds = z.infer<typeof sendableKindsOutputSchema>;

export const appInfoSchema = z.object({
  mode: z.enum(['electron', 'browser']),
  version: z.string(),
  dataDir: z.string(),
  headend: z.enum(['embedded', 'remote']),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const requestsChangedSchema = z.object({
  /** Local ids that changed; empty means "many, reload". */
  ids: z.array(z.number().int()),
  reason: z.string(),
});

/** Whether the desk can open what it sealed (queued PINs, the saved password). */
export const securityStatusSchema = z.object({
  protection: z.enum(['os-keychain', 'passphrase']),
  /** Always true with the OS keychain; false until the operator chooses a passphrase. */
  passphraseChosen: z.boolean(),
  /** The desk key is open in memory: sealed PINs can be sent. */
  unlocked: z.boolean(),
  /** Requests still to send whose PIN waits for the desk to be unlocked. */
  pinsWaiting: z.number().int().nonnegative(),
});
export type SecurityStatus = z.infer<typeof securityStatusSchema>;

/** The first unlock chooses the passphrase. Never echoed, never stored: only its scrypt check. */
export const securityUnlockInputSchema = z.strictObject({ passphrase: passwordSchema });
