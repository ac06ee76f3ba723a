// Starts the sandbox head-end: its SQLite state, the Nagravision TCP server, the
// HTTP server (login, Conax, catalog, control) and the processing run. The
// console embeds it with a data dir; tests start it on port 0 with a temp dir.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TokenStore } from './auth-tokens';
import { CatalogRepo } from './catalog-repo';
import type { ControlApi } from './control-routes';
import { FaultController, type Faults } from './faults';
import { GroupCommit } from './group-commit';
import { getMeta, openHeadendDb, type Db } from './headend-db';
import { resolveOptions, type HeadendOptions, type ResolvedOptions } from './headend-options';
import { HeadendService } from './headend-service';
import { HeadendHttpServer } from './http-server';
import { CrmcomV4Profile } from './crmcom-profile';
import { CRMCOM_V4_BASE_PATH, crmcomReleaseSchema, type CrmcomRelease } from '../../shared/domain/crmcom-v4';
import { RequestProcessor } from './request-processor';
import { RequestStore, type ReceivedEntry } from './request-store';
import { seedCatalogIfEmpty } from './seed-catalog';
import { NagravisionTcpServer } from './tcp-server';

export interface RunningHeadend extends Omit<ControlApi, 'setFaults'> {
  tcpPort: number;
  httpPort: number;
  /** http://host:port — Conax, login and catalog paths hang off it. */
  baseUrl: string;
  /** baseUrl + /crmapi/rest/v2: the CRM.COM V4 profile's base URL. */
  crmcomUrl: string;
  /** baseUrl + /sandbox/control */
  controlUrl: string;
  /** What the control routes require in the X-Sandbox-Control header (per launch unless given). */
  controlSecret: string;
  destinationId: string;
  dataDir: string;
  credentials: { username: string; organisation: string };
  setFaults(patch: Partial<Faults>): Faults;
  close(): Promise<void>;
}

interface Runtime {
  db: Db;
  writes: GroupCommit;
  catalog: CatalogRepo;
  store: RequestStore;
  tokens: TokenStore;
  processor: RequestProcessor;
  tcp: NagravisionTcpServer;
  http: HeadendHttpServer;
}

class Headend implements ControlApi {
  private runtime: Runtime | null = null;
  private readonly faults: FaultController;
  private readonly distributorId: string;
  private restarting: Promise<void> | null = null;
  /** The CRM.COM V4 release the /crmapi/rest/v2 profile behaves as; kept across restarts. */
  private release: CrmcomRelease;
  /** Why the last restart failed (null when it succeeded or none was asked). */
  private lastRestartError: string | null = null;
  tcpPort = 0;
  httpPort = 0;

  constructor(
    readonly options: ResolvedOptions,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
  ) {
    this.faults = new FaultController(options.faults);
    this.release = options.crmcomRelease;
    this.distributorId = crypto.createHash('md5').update(`distributor:${options.destinationId}`).digest('hex').toUpperCase();
  }

  async start(): Promise<void> {
    const o = this.options;
    const db = openHeadendDb(this.dataDir);
    seedCatalogIfEmpty(db, o.seed, o.seedSize);
    const catalog = new CatalogRepo(db);
    const store = new RequestStore(db);
    const writes = new GroupCommit(db);
    const tokens = new TokenStore({ ...o.credentials, webApiKey: o.webApiKey }, o.tokenIdleTimeoutMs, o.tokenAbsoluteTimeoutMs, o.now);
    const wasPaused = this.runtime?.processor.isPaused ?? o.processingPaused;
    const processor = new RequestProcessor(db, store, catalog, this.faults, o.processingIntervalMs, wasPaused, o.logger);
    const service = new HeadendService({
      db, writes, catalog, store, tokens, processor,
      distributorId: this.distributorId,
      processingDelayMs: o.processingDelayMs,
    });
    const tcp = new NagravisionTcpServer(service, this.faults, {
      host: o.host,
      destinationId: o.destinationId,
      maxFrameBytes: o.maxFrameBytes,
      answerJitterMs: o.answerJitterMs,
      jitterSeed: o.seed,
      logger: o.logger,
    });
    const crmcom = new CrmcomV4Profile({ service, catalog, store, tokens, release: () => this.release });
    const http = new HeadendHttpServer(
      service, this.faults, this,
      { host: o.host, maxBodyBytes: o.maxBodyBytes, controlSecret: o.controlSecret, logger: o.logger },
      crmcom,
    );
    this.runtime = { db, writes, catalog, store, tokens, processor, tcp, http };
    try {
      this.tcpPort = await tcp.listen(this.tcpPort || o.tcpPort);
      this.httpPort = await http.listen(this.httpPort || o.httpPort);
    } catch (error) {
      await this.stop();
      throw error;
    }
    processor.start();
  }

  private async stop(): Promise<void> {
    const rt = this.runtime;
    if (!rt) return;
    rt.processor.stop();
    await Promise.all([rt.tcp.close(), rt.http.close()]);
    // what was received is kept, even if its answer can no longer be sent
    rt.writes.flush();
    rt.db.close();
  }

  private get rt(): Runtime {
    if (!this.runtime || !this.runtime.db.open) throw new Error('the sandbox head-end is not running');
    return this.runtime;
  }

  restart(): Promise<void> {
    this.restarting ??= (async () => {
      this.options.logger.info('restarting: closing every connection and reloading state from disk');
      try {
        await this.stop();
        await this.start();
        this.lastRestartError = null;
      } catch (error) {
        // The head-end stays stopped; restart() may be asked again once the cause is gone.
        this.lastRestartError = error instanceof Error ? error.message : String(error);
        this.options.logger.error(`restart failed, the head-end is stopped: ${this.lastRestartError}`);
        throw error;
      }
    })().finally(() => {
      this.restarting = null;
    });
    return this.restarting;
  }

  async close(): Promise<void> {
    await this.restarting?.catch(() => {});
    await this.stop();
    this.runtime = null;
    if (this.ownsDataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  setFaults(patch: unknown): Faults {
    return this.faults.set(patch);
  }
  resetFaults(): Faults {
    return this.faults.reset();
  }
  received(card?: string): ReceivedEntry[] {
    return this.rt.store.received(card);
  }
  setRelease(release: unknown): CrmcomRelease {
    this.release = crmcomReleaseSchema.parse(release);
    return this.release;
  }
  setProcessingPaused(paused: boolean): void {
    this.rt.processor.setPaused(paused);
  }
  processNow(): string[] {
    return this.rt.processor.runOnce();
  }

  card(key: string): Record<string, unknown> | undefined {
    const { catalog } = this.rt;
    const card = catalog.smartcardByAnyKey(key);
    if (!card) return undefined;
    const { seq: _seq, ...rest } = card;
    const pairing = card.pairing_id;
    return {
      ...rest,
      managed_by_sms: card.managed_by_sms === 1,
      legacy: card.legacy === 1,
      services: catalog.entitlements(card.id).map((s) => s.code),
      paired_stbs: pairing ? catalog.stbsInPairing(pairing).map((s) => s.serial_number) : [],
      messages: catalog.messages(card.id).map(({ seq: _s, ...m }) => m),
    };
  }

  get running(): boolean {
    return this.runtime?.db.open === true;
  }

  state(): Record<string, unknown> {
    if (!this.running) return { running: false, last_restart_error: this.lastRestartError };
    const rt = this.rt;
    return {
      running: true,
      last_restart_error: this.lastRestartError,
      tcp_port: this.tcpPort,
      http_port: this.httpPort,
      destination_id: this.options.destinationId,
      crmcom_release: this.release,
      faults: this.faults.faults,
      processing_paused: rt.processor.isPaused,
      requests: rt.store.counts(),
      catalog: rt.catalog.counts(),
      catalog_revision: Number(getMeta(rt.db, 'revision') ?? '0'),
      tcp_connections: rt.tcp.connectionCount,
      http_requests_in_flight: rt.http.requestsInFlight,
      active_tokens: rt.tokens.activeCount,
    };
  }
}

export async function startHeadend(options: HeadendOptions = {}): Promise<RunningHeadend> {
  const resolved = resolveOptions(options);
  const ownsDataDir = resolved.dataDir === undefined;
  const dataDir = resolved.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-headend-'));
  const headend = new Headend(resolved, dataDir, ownsDataDir);
  await headend.start();
  const baseUrl = `http://${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${headend.httpPort}`;
  return {
    get tcpPort() {
      return headend.tcpPort;
    },
    get httpPort() {
      return headend.httpPort;
    },
    baseUrl,
    controlUrl: `${baseUrl}/sandbox/control`,
    crmcomUrl: `${baseUrl}${CRMCOM_V4_BASE_PATH}`,
    controlSecret: resolved.controlSecret,
    destinationId: resolved.destinationId,
    dataDir,
    credentials: { username: resolved.credentials.username, organisation: resolved.credentials.organisation },
    setFaults: (patch) => headend.setFaults(patch),
    resetFaults: () => headend.resetFaults(),
    restart: () => headend.restart(),
    received: (card) => headend.received(card),
    card: (key) => headend.card(key),
    setProcessingPaused: (paused) => headend.setProcessingPaused(paused),
    setRelease: (release) => headend.setRelease(release),
    processNow: () => headend.processNow(),
    state: () => headend.state(),
    close: () => headend.close(),
  };
}
