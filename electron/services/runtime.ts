import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SANDBOX_BASE_PATH } from '../../shared/domain/headend-profiles';
import type { Provider } from '../../shared/domain/request-types';
import type { SyncStatus } from '../../shared/ipc/app-schemas';
import { describeSync } from '../../shared/ipc/sync-report';
import { DEFAULT_CREDENTIALS, type HeadendOptions } from '../sandbox/headend-options';
import { STORE_FILE } from '../launch/data-dir';
import { startHeadend, type RunningHeadend } from '../sandbox/start-headend';
import { preparePrivateDir } from '../store/private-files';
import { openStore, type Store, type StoreOptions } from '../store/store';
import { asDamaged } from '../store/errors';
import { BulkService } from './bulk-service';
import { PassphraseVault, SealedPassword, type CredentialVault } from './credential-vault';
import { DeskLock } from './desk-lock';
import { consoleLogger, type Logger } from '../logging/logger';
import { EventHub, ServiceRegistry } from './service-registry';
import { createHandlers, type SyncControl } from './handlers';
import { PinKeyring } from './pin-keyring';
import { QueryAnswerReader } from './query-answer-reader';
import { RequestService } from './request-service';
import { SettingsService } from './settings-service';
import { createClients, toIpcSyncStatus, wireSync, type ConnectionPlan, type SyncWiringOptions, type WiredSync } from './sync-wiring';
import { REAL_HEADEND_POLITENESS } from '../sync/dispatcher';
import { CatalogServerLookups, type CatalogServerLookupOptions } from './catalog-server-lookups';
import { probeCrmcom, type KnownRequest } from '../sync/crmcom-probe';
import type { CrmcomLogin } from '../sync/crmcom-connection';
import { REFUSAL_CODES } from '../sync/outcome-classes';
import { OperatorSession } from './operator-session';
import { StoreUpkeep, type StoreUpkeepOptions } from './store-upkeep';

// Everything behind the IPC contract, in plain Node: the store in the data
// folder, the embedded sandbox head-end (unless settings point elsewhere), the
// sync engine, and the service registry. Electron main and browser mode both
// start exactly this.

export interface RuntimeOptions {
  dataDir: string;
  mode: 'electron' | 'browser';
  version: string;
  /** Electron passes safeStorage; default: a passphrase vault (locked until the operator enters it). */
  vault?: CredentialVault;
  /** Tests only: choose (first start) or enter the passphrase at start, as an operator would in Settings. */
  passphrase?: string;
  /** Tests only: sign this operator in at start (created on a fresh desk), as an operator would at the sign-in screen. */
  operator?: { name: string; password: string };
  /** Inactivity after which the operator is signed out and the keys cleared (default 15 min). */
  idleSignOutMs?: number;
  /** Overrides for the embedded sandbox (tests make it fast). */
  headend?: Partial<HeadendOptions>;
  sync?: SyncWiringOptions;
  /** Bounds of the pickers' lookups on a CRM.COM V4 server (tests shorten them). */
  catalogLookups?: CatalogServerLookupOptions;
  logger?: Logger;
  /** Time over which request-change events are merged into one. */
  changeCoalesceMs?: number;
  /** Backups every 6 h, the full integrity check 60 s after start then daily, quick_check at open up to 64 MiB (tests change them). */
  storeChecks?: Pick<StoreUpkeepOptions, 'backupEveryMs' | 'firstIntegrityCheckAfterMs' | 'integrityCheckEveryMs'> & Pick<StoreOptions, 'quickCheckMaxBytes'>;
}

export interface Runtime {
  readonly registry: ServiceRegistry;
  readonly store: Store;
  readonly dataDir: string;
  headend(): RunningHeadend | null;
  /** Stops the embedded sandbox (the console goes offline); startHeadend brings it back on the same ports. */
  stopHeadend(): Promise<void>;
  startHeadend(): Promise<void>;
  close(): Promise<void>;
}

export { STORE_FILE };

/**
 * Earlier versions kept a key file beside the data (credentials.key): whoever
 * copied the folder had the password. The file goes, and with it the password
 * it sealed (the operator saves it again, sealed by the keychain or passphrase).
 */
function forgetKeyFileVault(dataDir: string, password: SealedPassword): void {
  const keyFile = path.join(dataDir, 'credentials.key');
  if (!existsSync(keyFile)) return;
  password.save(null);
  rmSync(keyFile, { force: true });
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? consoleLogger();
  preparePrivateDir(options.dataDir);
  const storeFile = path.join(options.dataDir, STORE_FILE);
  const store = openStore(storeFile, { quickCheckMaxBytes: options.storeChecks?.quickCheckMaxBytes });
  // A damaged page that open did not read (no quick_check on a large store) surfaces later: in SQLite's words, then in ours.
  const explain = (error: unknown) => asDamaged(storeFile, error, 'in use');
  const events = new EventHub(logger);
  const vault = options.vault ?? new PassphraseVault(store);
  const password = new SealedPassword(store, vault);
  forgetKeyFileVault(options.dataDir, password);
  const keyring = new PinKeyring(store, vault);
  // From here on a PIN reaches the store only sealed.
  store.useSealer(() => keyring.sealer());
  const deskLock = new DeskLock(vault, keyring, store);
  if (options.passphrase !== undefined) {
    try {
      deskLock.unlock(options.passphrase);
    } catch (error) {
      store.close();
      throw asDamaged(storeFile, error);
    }
  }
  const settings = new SettingsService(store, vault);
  // Every action's operator is the one signed in here (never a setting or a payload).
  const session = new OperatorSession(store, vault, {
    idleMs: options.idleSignOutMs,
    clearSecrets: () => deskLock.clearForSignOut(),
    onChange: (view, why) => {
      if (why === 'signed-in') deskLock.signedIn();
      events.emit('operators.session', view);
      // The head-end login may be the operator's own, and sign-out drops the engine's tokens.
      if (!closed && syncStarted && settings.connections().mode === 'remote') void sync.reconnect().catch((error: unknown) => logger.warn(`sync: reconnect failed: ${String(error)}`));
    },
  });
  const operator = () => session.operatorName();
  const notSendable = (provider: string, method: string) => settings.notSendable(provider, method);
  const requests = new RequestService(store, events, operator, notSendable);
  const bulk = new BulkService(store, events, operator, notSendable);

  let headend: RunningHeadend | null = null;
  let headendPorts: { tcpPort: number; httpPort: number } | null = null;
  let wired: WiredSync | null = null;
  let stopEngineEvents: (() => void) | null = null;
  let closed = false;

  const headendOptions = (): HeadendOptions => ({
    dataDir: path.join(options.dataDir, 'sandbox-headend'),
    seedSize: 'small',
    logger: logger.child({ component: 'sandbox' }),
    // The sandbox behaves as the release the settings name, so the client's bodies and paths match it.
    crmcomRelease: settings.connections().crmcom.release,
    ...options.headend,
    ...(headendPorts ?? {}),
  });

  async function ensureHeadend(): Promise<void> {
    if (settings.connections().mode !== 'embedded') {
      await headend?.close();
      headend = null;
      return;
    }
    if (headend) {
      headend.setRelease(settings.connections().crmcom.release);
      return;
    }
    headend = await startHeadend(headendOptions());
    headendPorts = { tcpPort: headend.tcpPort, httpPort: headend.httpPort };
  }

  /**
   * Why the engine must not run now, or null: the store was found damaged
   * (held until CA Desk restarts on a sound store); in remote mode, a saved
   * password the vault cannot open (the desk is locked). It then waits, says so
   * in the sync status, and is started again by the unlock (never a login with
   * an empty password).
   */
  function credentialsLockedReason(): string | null {
    if (storeDamage !== null) return storeDamage;
    const c = settings.connections();
    if (c.mode !== 'remote') return null;
    if (c.profile === 'crmcom-v4' && c.crmcom.login_method === 'web_api_key') {
      return settings.webApiKeyLocked() ? 'waiting: the Web API key is sealed and the desk is locked; unlock the desk (Settings) to log in' : null;
    }
    const own = session.headendLogin();
    if (own === 'locked' || (own === null && settings.passwordLocked())) {
      return 'waiting: the head-end password is sealed and the desk is locked; unlock the desk (Settings) to log in';
    }
    return null;
  }

  /** Where and how to reach the head-ends, from the settings and the profile row they name. */
  function connectionPlan(): ConnectionPlan {
    const c = settings.connections();
    if (c.mode === 'embedded') {
      if (!headendPorts) throw new Error('the embedded head-end has not started');
      const credentials = {
        username: options.headend?.credentials?.username ?? DEFAULT_CREDENTIALS.username,
        organisation: options.headend?.credentials?.organisation ?? DEFAULT_CREDENTIALS.organisation,
        // Always the sandbox's own password: a saved one is for the real head-end.
        password: options.headend?.credentials?.password ?? DEFAULT_CREDENTIALS.password,
      };
      const origin = `http://127.0.0.1:${headendPorts.httpPort}`;
      return {
        profile: c.profile,
        nagravisionTcp: { host: '127.0.0.1', port: headendPorts.tcpPort, destinationId: options.headend?.destinationId ?? c.nagravision.destination_id, timeoutMs: c.nagravision.timeout_ms },
        conaxOrigin: { baseUrl: origin, timeoutMs: c.conax.timeout_ms },
        crmcom: {
          baseUrl: origin + SANDBOX_BASE_PATH['crmcom-v4'],
          release: c.crmcom.release,
          capabilities: settings.capabilities(),
          // The sandbox documents which codes it answers before creating anything (docs/protocol.md section 1).
          notCreatedCodes: REFUSAL_CODES,
          login: { method: 'password', ...credentials },
          timeoutMs: c.crmcom.timeout_ms,
        },
        credentials,
        catalogOrigin: origin,
      };
    }
    const credentials = remoteCredentials(c);
    const login: CrmcomLogin =
      c.crmcom.login_method === 'web_api_key' ? { method: 'web_api_key', key: settings.savedWebApiKey() ?? '', unit: c.login.unit } : { method: 'password', ...credentials };
    return {
      profile: c.profile,
      nagravisionTcp: { host: c.nagravision.host, port: c.nagravision.port, destinationId: c.nagravision.destination_id, timeoutMs: c.nagravision.timeout_ms },
      conaxOrigin: { baseUrl: c.conax.base_url, timeoutMs: c.conax.timeout_ms },
      crmcom: {
        baseUrl: c.crmcom.base_url,
        release: c.crmcom.release,
        capabilities: settings.capabilities(),
        notCreatedCodes: c.crmcom.not_created_codes,
        login,
        allowPlainHttp: c.crmcom.allow_plain_http,
        caCertificate: c.crmcom.ca_certificate_file ? readFileSync(c.crmcom.ca_certificate_file) : undefined,
        timeoutMs: c.crmcom.timeout_ms,
      },
      credentials,
      catalogOrigin: null,
      // A real head-end's capacity is unknown: conservative limits, the operator's own for CRM.COM.
      politeness:
        c.profile === 'crmcom-v4' ? { maxInFlight: c.crmcom.politeness.max_in_flight, minSendIntervalMs: c.crmcom.politeness.min_send_interval_ms } : REAL_HEADEND_POLITENESS,
    };
  }

  /** The signed-in operator's own head-end login where they have one, else the shared login of Settings. */
  function remoteCredentials(c: ReturnType<SettingsService['connections']>): ConnectionPlan['credentials'] {
    const own = session.headendLogin();
    if (own !== null && own !== 'locked') return { username: own.username, organisation: c.login.organisation, unit: c.login.unit, password: own.password ?? '' };
    return { username: c.login.username, organisation: c.login.organisation, unit: c.login.unit, password: settings.savedPassword() ?? '' };
  }

  /** The newest request of `provider` the head-end numbered, to read back in "Test connection". */
  function knownRequest(provider: Provider): KnownRequest | null {
    const sent = store.listRequests({ provider, states: ['ACKNOWLEDGED', 'COMPLETED', 'REJECTED'], limit: 20 }).find((r) => r.number !== null);
    return sent ? { number: sent.number!, clientUuid: sent.client_uuid } : null;
  }

  // Many requests change at once while the queue drains: merge their events.
  const changed = new Set<number>();
  let flushTimer: NodeJS.Timeout | null = null;
  const noteChanged = (id: number) => {
    changed.add(id);
    flushTimer ??= setTimeout(() => {
      flushTimer = null;
      const ids = changed.size <= 1000 ? [...changed] : [];
      changed.clear();
      events.emit('requests.changed', { ids, reason: 'sync' });
      // A query may have completed: read what it found.
      if (!closed) answers.poke();
    }, options.changeCoalesceMs ?? 100);
  };
  const answers = new QueryAnswerReader(store, (provider) => wired?.clients[provider] ?? null, (ids) => ids.forEach(noteChanged), {
    logger: logger.child({ component: 'query answers' }),
  });

  // The last failure stays on the status bar after the link recovers.
  let lastFailure: { at: number; message: string } | null = null;
  const failureFields = () => ({ lastFailureAt: lastFailure?.at ?? null, lastFailure: lastFailure?.message ?? null });
  const withFailure = (s: Omit<SyncStatus, 'lastFailureAt' | 'lastFailure'>): SyncStatus => {
    if (!s.online && s.lastError) lastFailure = { at: Date.now(), message: s.lastError };
    return { ...s, ...failureFields() };
  };
  // Backups and the full integrity check on a schedule; damage holds sending and says why on the status bar.
  let storeDamage: string | null = null;
  const upkeep = new StoreUpkeep(store, { logger, ...options.storeChecks, onDamaged: (m) => void reconnectAfter(() => (storeDamage = m)) });

  let waitingFor: string | null = null;
  // The same count the engine reports as pending (sync-engine.ts).
  const pendingOf = (c: ReturnType<Store['countByState']>) => c.QUEUED + c.SENDING + c.UNKNOWN + c.RETRY_WAIT + c.NEEDS_ATTENTION;
  const status = (): SyncStatus =>
    withFailure(
      wired
        ? toIpcSyncStatus(wired.engine.status())
        : { online: false, providers: {}, running: false, pending: waitingFor === null ? 0 : pendingOf(store.countByState()), lastSyncAt: null, lastError: waitingFor ?? 'sync is not running' },
    );

  let syncStarted = false;
  async function startSync(): Promise<void> {
    syncStarted = true;
    waitingFor = settings.book.unreadable() ?? credentialsLockedReason();
    if (waitingFor !== null) {
      logger.warn(`sync: ${waitingFor}`);
      return;
    }
    wired = wireSync(store, connectionPlan(), { idleMs: 1000, statusPollMs: 1000, ...options.sync, logger: logger.child({ component: 'sync' }) });
    stopEngineEvents = wired.engine.onChange((event) => {
      if (event.type === 'request-changed') noteChanged(event.requestId);
      else if (event.type === 'status-changed') {
        events.emit('sync.status', withFailure(toIpcSyncStatus(event.status)));
        // Back online: answers that could not be read while it was down.
        if (!closed) answers.poke();
      }
    });
    wired.engine.start();
    answers.poke();
  }

  async function stopSync(): Promise<void> {
    stopEngineEvents?.();
    stopEngineEvents = null;
    const current = wired;
    wired = null;
    await current?.close();
  }

  /** Stops the engine, makes the change (it may refuse), and starts the engine on what the settings now say. */
  async function reconnectAfter<T>(change: () => T): Promise<T> {
    await stopSync();
    try {
      return change();
    } finally {
      await ensureHeadend();
      await startSync();
      events.emit('sync.status', status());
    }
  }

  const sync: SyncControl = {
    status,
    async syncNow() {
      const mark = store.lastEventId();
      await wired?.engine.syncNow();
      const now = status();
      const report = describeSync(store.eventCountsSince(mark), now.pending, now.online ? null : now.lastError);
      if (report.outcome === 'failed' || report.outcome === 'partly') lastFailure = { at: Date.now(), message: report.message };
      return { ...now, ...failureFields(), report };
    },
    wake: () => wired?.engine.wake(),
    reconnect: () => reconnectAfter(() => undefined),
    reconnectAfter,
    async testConnection(provider: Provider) {
      const none = { login: null, tokenExpiresAt: null, clockSkewMs: null, capabilities: [] };
      const locked = credentialsLockedReason();
      if (locked !== null) return { reachable: false, latencyMs: null, message: locked, ...none };
      const plan = connectionPlan();
      if (plan.profile === 'crmcom-v4') return probeCrmcom(plan.crmcom, provider, knownRequest(provider));
      const clients = createClients(plan);
      const client = clients[provider];
      const started = performance.now();
      try {
        const ok = await client.ping();
        const latencyMs = Math.round(performance.now() - started);
        return ok
          ? { reachable: true, latencyMs, message: `${provider} answered in ${latencyMs} ms`, ...none }
          : { reachable: false, latencyMs: null, message: `${provider} did not answer`, ...none };
      } finally {
        await Promise.all(Object.values(clients).map((c) => c.close()));
      }
    },
  };

  // Remote CRM.COM V4 only: the embedded sandbox exports its whole catalog, a real server looks up one item at a time.
  const lookups = new CatalogServerLookups(store, () => {
    const c = settings.connections();
    return c.mode === 'remote' && c.profile === 'crmcom-v4' && wired?.crmcom ? { connection: wired.crmcom, release: c.crmcom.release } : null;
  }, options.catalogLookups);

  const registry = new ServiceRegistry(
    createHandlers({
      lookups,
      store,
      requests,
      bulk,
      settings,
      deskLock,
      sync,
      session,
      info: () => ({ mode: options.mode, version: options.version, dataDir: options.dataDir, headend: settings.connections().mode }),
    }),
    events,
    logger,
    explain,
  );

  try {
    if (options.operator !== undefined) {
      if (store.operators.count() === 0) session.create(options.operator);
      else session.signIn(options.operator.name, options.operator.password);
    }
    await ensureHeadend();
    await startSync();
  } catch (error) {
    await stopSync().catch(() => {});
    await (headend as RunningHeadend | null)?.close().catch(() => {});
    await upkeep.close();
    session.close();
    deskLock.close();
    store.close();
    throw error;
  }

  return {
    registry,
    store,
    dataDir: options.dataDir,
    headend: () => headend,
    async stopHeadend() {
      const current = headend;
      headend = null;
      await current?.close();
    },
    async startHeadend() {
      if (!headend && settings.connections().mode === 'embedded') headend = await startHeadend(headendOptions());
    },
    async close() {
      if (closed) return;
      closed = true;
      if (flushTimer) clearTimeout(flushTimer);
      await answers.idle();
      await upkeep.close(); // the store is closed only once a running backup or check has finished
      await stopSync();
      await headend?.close();
      headend = null;
      session.close();
      deskLock.close();
      store.close();
    },
  };
}
