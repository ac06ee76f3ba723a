import { randomBytes } from 'node:crypto';
// Options of the sandbox head-end, with the defaults an operator gets when
// starting it by hand. Tests pass small catalogs and short delays.
import { z } from 'zod';
import { silentLogger, type Logger } from '../logging/logger';
import { crmcomReleaseSchema, type CrmcomRelease } from '../../shared/domain/crmcom-v4';
import { faultsSchema, type Faults } from './faults';

export interface SeedSize {
  subscriptions: number;
  smartcards: number;
  stbs: number;
  services: number;
}

export const SEED_SIZES: Record<'tiny' | 'small' | 'full', SeedSize> = {
  tiny: { subscriptions: 8, smartcards: 12, stbs: 10, services: 6 },
  small: { subscriptions: 200, smartcards: 400, stbs: 300, services: 20 },
  full: { subscriptions: 10_000, smartcards: 20_000, stbs: 15_000, services: 50 },
};

export interface Credentials {
  username: string;
  password: string;
  organisation: string;
}

export interface HeadendOptions {
  /** Loopback by default: the sandbox is not meant to be reachable from elsewhere. */
  host?: string;
  /** 0 (default) picks a free port. */
  tcpPort?: number;
  httpPort?: number;
  /** Folder of the SQLite file. Absent: a temp folder removed on close. */
  dataDir?: string;
  credentials?: Partial<Credentials>;
  /** Carried in every Nagravision request frame; a different one is refused. */
  destinationId?: string;
  /** Idle time after which a token is unknown (default 1 h, as CRM.COM up to release 12). */
  tokenIdleTimeoutMs?: number;
  /** Lifetime whatever the use (CRM.COM after release 12: 2 h); null (default) = none. */
  tokenAbsoluteTimeoutMs?: number | null;
  /** Time from creation to processing when neither process_immediately nor scheduled_date is given. */
  processingDelayMs?: number;
  /** Period of the processing run. */
  processingIntervalMs?: number;
  /** Start with the processing run paused (tests drive it with processNow()). */
  processingPaused?: boolean;
  /**
   * Extra delay 0..jitterMs per TCP answer (not ping), so answers come back out
   * of order. Drawn from a generator seeded with `seed`: the same run of requests
   * on a fresh head-end gets the same delays.
   */
  answerJitterMs?: number;
  seed?: number;
  seedSize?: keyof typeof SEED_SIZES | Partial<SeedSize>;
  maxFrameBytes?: number;
  maxBodyBytes?: number;
  faults?: Partial<Faults>;
  /**
   * The secret the /sandbox/control routes require (X-Sandbox-Control header).
   * Default: a new random one per launch, printed by the CLI; a web page in
   * the operator's browser cannot know it.
   */
  controlSecret?: string;
  /** Where the head-end reports connection faults and restarts (redacted: never a secret). */
  logger?: Logger;
  /**
   * The CRM.COM V4 release the /crmapi/rest/v2 profile behaves as (tokens,
   * paging, Nagravision bodies). Default R17_3, the newest: what a current
   * deployment runs. Also settable at run time (POST /sandbox/control/release).
   */
  crmcomRelease?: CrmcomRelease;
  /** The Web API key the CRM.COM V4 profile accepts (default DEFAULT_WEB_API_KEY). */
  webApiKey?: string;
  /** Clock (ms) of token expiry; tests drive idle and absolute timeouts with it. Default Date.now. */
  now?: () => number;
}

export interface ResolvedOptions {
  host: string;
  controlSecret: string;
  tcpPort: number;
  httpPort: number;
  dataDir: string | undefined;
  credentials: Credentials;
  destinationId: string;
  tokenIdleTimeoutMs: number;
  tokenAbsoluteTimeoutMs: number | null;
  processingDelayMs: number;
  processingIntervalMs: number;
  processingPaused: boolean;
  answerJitterMs: number;
  seed: number;
  seedSize: SeedSize;
  maxFrameBytes: number;
  maxBodyBytes: number;
  faults: Faults;
  logger: Logger;
  now: () => number;
  crmcomRelease: CrmcomRelease;
  webApiKey: string;
}

export const DEFAULT_CREDENTIALS: Credentials = {
  username: 'operator',
  password: 'sandbox',
  organisation: 'SANDBOX',
};
/** CRM.COM V4 profile: the key of POST authentication/web_api_key/token (HTTP Basic user name). */
export const DEFAULT_WEB_API_KEY = 'SANDBOX-WEB-API-KEY';
export const DEFAULT_DESTINATION_ID = 'SANDBOX-NAGRA-1';
export const DEFAULT_SEED = 20150907;
export const DEFAULT_CRMCOM_RELEASE: CrmcomRelease = 'R17_3';
export const MAX_RECORDS_PER_PAGE = 1000;
export const DEFAULT_RECORDS_PER_PAGE = 100;

const count = z.number().int().min(1).max(1_000_000);
const seedSizeSchema = z.strictObject({
  subscriptions: count,
  smartcards: count,
  stbs: count,
  services: count.max(10_000),
});

export function resolveOptions(options: HeadendOptions = {}): ResolvedOptions {
  const preset = typeof options.seedSize === 'string' ? SEED_SIZES[options.seedSize] : undefined;
  if (typeof options.seedSize === 'string' && !preset) {
    throw new Error(`seedSize must be one of ${Object.keys(SEED_SIZES).join(', ')}`);
  }
  const seedSize = seedSizeSchema.parse({
    ...SEED_SIZES.full,
    ...(preset ?? (typeof options.seedSize === 'object' ? options.seedSize : {})),
  });
  return {
    host: options.host ?? '127.0.0.1',
    controlSecret: options.controlSecret ?? randomBytes(24).toString('base64url'),
    tcpPort: options.tcpPort ?? 0,
    httpPort: options.httpPort ?? 0,
    dataDir: options.dataDir,
    credentials: { ...DEFAULT_CREDENTIALS, ...options.credentials },
    destinationId: options.destinationId ?? DEFAULT_DESTINATION_ID,
    tokenIdleTimeoutMs: options.tokenIdleTimeoutMs ?? 60 * 60 * 1000,
    tokenAbsoluteTimeoutMs: options.tokenAbsoluteTimeoutMs ?? null,
    processingDelayMs: options.processingDelayMs ?? 2000,
    processingIntervalMs: options.processingIntervalMs ?? 250,
    processingPaused: options.processingPaused ?? false,
    answerJitterMs: options.answerJitterMs ?? 0,
    seed: options.seed ?? DEFAULT_SEED,
    seedSize,
    maxFrameBytes: options.maxFrameBytes ?? 1024 * 1024,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    faults: faultsSchema.parse(options.faults ?? {}),
    logger: options.logger ?? silentLogger,
    now: options.now ?? Date.now,
    crmcomRelease: crmcomReleaseSchema.parse(options.crmcomRelease ?? DEFAULT_CRMCOM_RELEASE),
    webApiKey: options.webApiKey ?? DEFAULT_WEB_API_KEY,
  };
}
