/**
 * The local store of CA Desk: one SQLite file (better-sqlite3, plain Node, never
 * Electron) that keeps every queued request until the head-end has finished it,
 * its append-only history, the offline catalog and the settings.
 *
 * Opening
 *   openStore(file, { busyTimeoutMs?, clock?, recoverInterruptedSends? }) → Store
 *   - WAL, synchronous=FULL, foreign_keys=ON, secure_delete=ON.
 *   - One writer: locking_mode=EXCLUSIVE, lock taken at open and held until
 *     close(). A second opener (another process or another openStore here)
 *     gets StoreLockedError. The OS frees the lock when a process dies, so a
 *     kill -9 never leaves a stale lock.
 *   - Migrations (migrations/NNN_*.ts, PRAGMA user_version) run at open, one
 *     transaction each; a database newer than the code → StoreTooNewError.
 *   - Requests left SENDING by a crash become UNKNOWN (reconcile before resend).
 *   - A damaged store is refused with StoreDamagedError (naming the file and
 *     the ways out): emptied, replaced or truncated (store-marker.ts, the
 *     <file>.marker beside it), quick_check not ok (stores ≤ 64 MiB; larger:
 *     integrity-check.ts in the background), or the history chain broken.
 *   - recursive_triggers=ON: history rows cannot be REPLACEd (migration 005).
 *
 * Requests (every call is synchronous; every write is one transaction)
 *   enqueue(inputs, { onRowWritten? }) → { ok: true, ids } | { ok: false, errors: {index, field, message}[] }
 *     Validates each input with findRequestDefinition(provider, method).params
 *     (params never hold the token); one bad input refuses the whole batch.
 *     Each request gets a card_key (the smartcard it is ordered by, normalized
 *     through the catalog to "id:<catalog id>") and a place in that card's queue,
 *     and a client_uuid: the caller's clientUuid (any UUID version), else a
 *     time-ordered UUID v7 (uuid-v7.ts: the UNIQUE index then grows at its end).
 *   getRequest(id), getByClientUuid(uuid), getByHeadendId(headendId)
 *   listRequests({ states?, provider?, type?, cardKey?, batchId?, search?, from?, to?, afterId?, limit, order? })
 *     Newest first unless order 'asc'; page on with afterId = last id seen.
 *   countByState() → Record<LocalState, number>;  countsPerHour(from, to) → per creation hour, by
 *     current state (both read counts kept by triggers: migrations/006_queue_at_scale.ts);
 *     countsPerHourByProvider(from, to) → the same per head-end (migrations/012_counts_per_headend.ts)
 *   countAwaitingVerification() → NEEDS_ATTENTION with the outcome at the head-end unknown
 *   eventsFor(id) → RequestEvent[]
 *   lastEventId(), eventCountsSince(afterId) → { kind: n }: what happened after a mark (Sync now's report)
 *     (append-only; "created" is the request row itself, id = -request id:
 *     migrations/004_created_event_from_request.ts)
 *   cardKeyFor('smartcard' | 'stb', identifier) → the card_key to filter by.
 *
 * Sync engine (actor "sync"). Which states each transition starts from and
 * leads to, and what each state means: shared/domain/life-cycle.ts
 * (TRANSITIONS, LOCAL_STATE_TABLE); the store refuses anything else.
 *   claimDue(now, limit, { cardOrder }?)   read-only: per card only its queue head, when due and
 *                          nothing earlier of that card holds it: SENDING/UNKNOWN, an open
 *                          rejection (until closed or replaced), and with cardOrder 'finished'
 *                          (default) an ACKNOWLEDGED request; a head in NEEDS_ATTENTION holds
 *                          its card. EXPRESS first, then oldest.
 *   markSending(id)                       (head only) → SENDING
 *   markSendingMany(ids), applyOutcomes([{ id, kind, ... }]) → { id, ok, request | error }[]
 *                          group commit (sync-batch.ts): the same transitions in
 *                          ONE transaction, one savepoint per item.
 *   markAcknowledged(id, headendFields)   → ACKNOWLEDGED (PIN wiped)
 *   markFinal(id, 'COMPLETED'|'REJECTED', fields?)  → final (PIN wiped)
 *   markUnknown(id, reason), scheduleRetry(id, at, reason), markNeedsAttention(id, code, description)
 *   markReconciled(id, { found: false } | { found: true, fields })  UNKNOWN → QUEUED | ACKNOWLEDGED | final
 *   pendingHeadendRequests(limit, afterId?)  ACKNOWLEDGED requests, for status polling
 *   recoverInterruptedSends()             SENDING → UNKNOWN (no send may be in flight)
 *   holdOutboxAfterRestore()              every request still to send → NEEDS_ATTENTION, VERIFY_AT_HEADEND
 *   checkpoint()                          wal_checkpoint(TRUNCATE)
 * Operator actions (actor = operator, reason recorded):
 *   retry(id, operator, reason)   → QUEUED (UNKNOWN if a send may have arrived)
 *   discard(id, operator, reason) → DISCARDED (kept, PIN wiped)
 *   edit(id, params, operator, reason) → { ok, request } | { ok: false, errors }  (re-validated; → QUEUED)
 *   confirmArrived(id, operator, number|null, reason)  → ACKNOWLEDGED (number) | COMPLETED
 *   confirmNotArrived(id, operator, reason)             → QUEUED (sent again; not while UNKNOWN)
 *   wipeSecrets(id) → boolean     rewrites params with redactSecrets once the request cannot be sent again
 * Operators (operators.ts): store.operators.list/byName/add/setHeadendLogin/record(desk event).
 * Sealed secrets: sealClearPins(sealer) seals PINs older versions left in clear (store and backups, once);
 *   useSealer(source) makes every later write seal the PIN
 *   (sealed-secrets.ts: only the public key is needed); claimDue leaves out
 *   heads whose PIN cannot be opened now (desk locked), countLockedSecrets()
 *   counts them. A store never given a sealer keeps PINs as given (unit tests).
 * A transition the current state does not allow throws InvalidTransitionError
 * and changes nothing; an unknown id throws RequestNotFoundError.
 *
 * Catalog: upsertCatalog(kind, rows) → { ok, count } | { ok: false, errors } (one
 *   transaction; re-keys queued requests of cards it learns), mergeCatalog(kind, rows) (the
 *   same, keeping known columns a row leaves out), removeCatalog(kind, ids),
 *   getCatalogItem(kind, id), searchCatalog(kind, text, limit) (identifiers by prefix
 *   through their indexes, as typed or in upper/lower case; names of services and
 *   subscriptions by FTS5, every word a prefix), catalogCursor(kind) / setCatalogCursor(kind, cursor).
 *   kind: 'subscriptions' | 'smartcards' | 'stbs' | 'services' (shared/domain/catalog.ts).
 * Attention (attention.ts): countOpenAttention(), verifyRejection(id, operator, reason),
 *   enqueueReplacing(input, replacesId) (copy queued + rejection closed, one transaction),
 *   recentResolutions(limit), replacementOf(id).
 * Query answers: queriesWithoutAnswer(limit) (COMPLETED queries not read yet),
 *   saveQueryAnswer(id, parsed), queryAnswerOf(id), queryAnswersOfCard(cardKey, limit).
 * Settings: getSetting(key) → string | undefined, setSetting(key, value | null).
 *   Secrets (passwords, tokens) are stored here ONLY as ciphertext produced by
 *   the shell's safeStorage (base64); never hand the store a secret in clear.
 * backup(keep?) → online backup into <file>.backups/ (also taken before each migration; backups.ts restores).
 * verifyAudit() → the whole hash chain checked (scripts/audit-verify.ts also exports it with its chain).
 * integrityCheck() → ['ok'] when sound.  close(): closes (checkpoints the WAL) and frees the lock.
 */
import type { CatalogKind, CatalogRows, StoredCatalogRow } from '../../shared/domain/catalog';
import type { HeadendFields, LocalRequest, LocalState, RequestEvent } from '../../shared/domain/local-request';
import type { InstalledItemIdentifier } from '../../shared/domain/identifiers';
import type { ParsedQueryAnswer } from '../../shared/domain/query-answer';
import type { Provider } from '../../shared/domain/request-types';
import { CardKeyResolver } from './card-key';
import type { CardKind } from '../../shared/domain/card-identity';
import * as catalog from './catalog';
import { enqueue, type EnqueueInput, type EnqueueOptions, type EnqueueResult } from './enqueue';
import type Database from 'better-sqlite3';
import { chainTail, verifyAuditChain, type AuditReport, type ChainAnchor } from './audit-chain';
import { asDamaged, StoreDamagedError, StoreInputError } from './errors';
import { checkBeforeOpen, readMarker, storeIdOf, writeMarker } from './store-marker';
import { backupBeforeMigration, DEFAULT_BACKUPS_KEPT, nextBackupFile, rotateBackups } from './backups';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './migrations';
import { openExclusiveDatabase } from './open-database';
import { quickCheckAtOpen } from './integrity-check';
import * as operator from './operator-actions';
import * as queries from './queries';
import * as answers from './query-answers';
import * as attention from './attention';
import { StoreContext } from './store-context';
import * as batch from './sync-batch';
import type { BatchResult, SyncOutcome } from './sync-batch';
import * as sync from './sync-transitions';
import type { SecretSealer } from './sealed-secrets';
import { OperatorTable } from './operators';
import { CLEAR_PINS_SEALED_SETTING, sealClearPinsIn, sealClearPinsInBackups } from './seal-clear-pins';

export * from './errors';
export type { EnqueueError, EnqueueInput, EnqueueOptions, EnqueueResult } from './enqueue';
export type { ListRequestsQuery } from './queries';
export type { BatchResult, SyncOutcome } from './sync-batch';
export type { EditResult } from './operator-actions';
export type { UpsertCatalogResult } from './catalog';
export { LATEST_SCHEMA_VERSION } from './migrations';

export interface StoreOptions {
  /** Milliseconds to wait for the lock at open (default 100: a holder keeps it, waiting longer does not help). */
  busyTimeoutMs?: number;
  /** Epoch-ms clock for created_at/updated_at and events (tests pin it). */
  clock?: () => number;
  /** Turn SENDING left by a crash into UNKNOWN at open (default true). */
  recoverInterruptedSends?: boolean;
  /** quick_check at open only up to this file size (default QUICK_CHECK_AT_OPEN_MAX_BYTES; tests lower it). */
  quickCheckMaxBytes?: number;
}

export class Store {
  private closed = false;
  /** Operators and desk-level audit events (operators.ts, migration 010). */
  readonly operators: OperatorTable;

  /** @internal use openStore */
  constructor(
    private readonly ctx: StoreContext,
    private readonly storeId: string,
    /** The chain as the marker recorded it before this open: events up to it must still be there. */
    private readonly anchor: ChainAnchor | null,
  ) {
    this.operators = new OperatorTable(ctx);
  }

  get file(): string {
    return this.ctx.file;
  }

  get schemaVersion(): number {
    return this.ctx.db.pragma('user_version', { simple: true }) as number;
  }

  // Requests
  enqueue(inputs: readonly EnqueueInput[], options?: EnqueueOptions): EnqueueResult {
    return enqueue(this.ctx, inputs, options);
  }
  getRequest(id: number): LocalRequest | undefined {
    return queries.getRequest(this.ctx, id);
  }
  getByClientUuid(uuid: string): LocalRequest | undefined {
    return queries.getByClientUuid(this.ctx, uuid);
  }
  getByHeadendId(headendId: string): LocalRequest | undefined {
    return queries.getByHeadendId(this.ctx, headendId);
  }
  listRequests(query: queries.ListRequestsQuery): LocalRequest[] {
    return queries.listRequests(this.ctx, query);
  }
  countByState(): Record<LocalState, number> {
    return queries.countByState(this.ctx);
  }
  countAwaitingVerification(): number {
    return queries.countAwaitingVerification(this.ctx);
  }
  countsPerHour(from: Date | number, to: Date | number): { hour: number; byState: Record<LocalState, number> }[] {
    return queries.countsPerHour(this.ctx, from, to);
  }
  countsPerHourByProvider(from: Date | number, to: Date | number): { hour: number; provider: Provider; byState: Record<LocalState, number> }[] {
    return queries.countsPerHourByProvider(this.ctx, from, to);
  }
  eventsFor(id: number): RequestEvent[] {
    return queries.eventsFor(this.ctx, id);
  }
  historyBetween(from: number, to: number, limit: number): queries.HistoryRow[] {
    return queries.historyBetween(this.ctx, from, to, limit);
  }
  lastEventId(): number {
    return queries.lastEventId(this.ctx);
  }
  eventCountsSince(afterId: number): Record<string, number> {
    return queries.eventCountsSince(this.ctx, afterId);
  }
  cardKeyFor(kind: CardKind, identifier: InstalledItemIdentifier & { ca_id?: string }): string {
    const field = (['id', 'serial_number', 'alternative_code', 'ca_id'] as const).find((f) => typeof identifier[f] === 'string');
    if (!field) throw new StoreInputError('identifier has no id, serial_number, alternative_code or ca_id');
    return new CardKeyResolver(this.ctx).resolve({ kind, field, value: identifier[field] as string }, '').key;
  }

  // Attention inbox (attention.ts)
  countOpenAttention(): number {
    return attention.countOpenAttention(this.ctx);
  }
  verifyRejection(id: number, operatorName: string, reason: string): LocalRequest {
    return attention.verifyRejection(this.ctx, id, operatorName, reason);
  }
  /** Queues a corrected copy of a rejected request and closes the rejection, in one transaction. */
  enqueueReplacing(input: EnqueueInput, replaces: number): EnqueueResult {
    return this.ctx.db.transaction(() => {
      const result = enqueue(this.ctx, [input]);
      if (result.ok) attention.markReplaced(this.ctx, replaces, result.ids[0]!, input.operator);
      return result;
    })();
  }
  recentResolutions(limit: number): attention.Resolution[] {
    return attention.recentResolutions(this.ctx, limit);
  }
  replacementOf(id: number): number | null {
    return attention.replacementOf(this.ctx, id);
  }

  // Query answers (query-answers.ts)
  queriesWithoutAnswer(limit: number): LocalRequest[] {
    return answers.queriesWithoutAnswer(this.ctx, limit);
  }
  saveQueryAnswer(requestId: number, parsed: ParsedQueryAnswer): void {
    answers.saveQueryAnswer(this.ctx, requestId, parsed);
  }
  queryAnswerOf(requestId: number): answers.StoredQueryAnswer | undefined {
    return answers.queryAnswerOf(this.ctx, requestId);
  }
  queryAnswersOfCard(cardKey: string, limit: number): answers.StoredQueryAnswer[] {
    return answers.queryAnswersOfCard(this.ctx, cardKey, limit);
  }

  // Sync engine
  claimDue(now: Date | number, limit: number, options?: queries.ClaimOptions): LocalRequest[] {
    return queries.claimDue(this.ctx, now, limit, options);
  }
  markSending(id: number): LocalRequest {
    return sync.markSending(this.ctx, id);
  }
  markSendingMany(ids: readonly number[]): BatchResult[] {
    return batch.markSendingMany(this.ctx, ids);
  }
  applyOutcomes(outcomes: readonly SyncOutcome[]): BatchResult[] {
    return batch.applyOutcomes(this.ctx, outcomes);
  }
  markAcknowledged(id: number, fields: HeadendFields): LocalRequest {
    return sync.markAcknowledged(this.ctx, id, fields);
  }
  markFinal(id: number, state: 'COMPLETED' | 'REJECTED', fields?: Partial<HeadendFields>): LocalRequest {
    return sync.markFinal(this.ctx, id, state, fields);
  }
  markUnknown(id: number, reason: string): LocalRequest {
    return sync.markUnknown(this.ctx, id, reason);
  }
  scheduleRetry(id: number, at: Date | number, reason: string): LocalRequest {
    return sync.scheduleRetry(this.ctx, id, at, reason);
  }
  markNeedsAttention(id: number, code: string, description: string): LocalRequest {
    return sync.markNeedsAttention(this.ctx, id, code, description);
  }
  markReconciled(id: number, outcome: sync.ReconcileOutcome): LocalRequest {
    return sync.markReconciled(this.ctx, id, outcome);
  }
  pendingHeadendRequests(limit: number, afterId?: number): LocalRequest[] {
    return queries.pendingHeadendRequests(this.ctx, limit, afterId);
  }
  /** After a restore: every request still to send → NEEDS_ATTENTION (VERIFY_AT_HEADEND), for the operator to verify. */
  holdOutboxAfterRestore(): number {
    return this.ctx.db.transaction(() => sync.holdOutboxAfterRestore(this.ctx))();
  }
  /** "Sync now": RETRY_WAIT requests (proven not sent) become due at once. */
  retryWaitingNow(): number {
    return this.ctx.db.transaction(() => sync.retryWaitingNow(this.ctx))();
  }
  /** SENDING → UNKNOWN for every request; only when no send of this process is in flight (openStore does it at open). */
  recoverInterruptedSends(): number {
    return sync.recoverInterruptedSends(this.ctx);
  }
  /** Moves the WAL into the database file and truncates the WAL to zero bytes. */
  checkpoint(): { busy: number; log: number; checkpointed: number } {
    const [row] = this.ctx.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    return row ?? { busy: 0, log: 0, checkpointed: 0 };
  }

  // Operator actions
  retry(id: number, operatorName: string, reason: string): LocalRequest {
    return operator.retry(this.ctx, id, operatorName, reason);
  }
  discard(id: number, operatorName: string, reason: string): LocalRequest {
    return operator.discard(this.ctx, id, operatorName, reason);
  }
  confirmArrived(id: number, operatorName: string, number: string | null, reason: string): LocalRequest {
    return operator.confirmArrived(this.ctx, id, operatorName, number, reason);
  }
  confirmNotArrived(id: number, operatorName: string, reason: string): LocalRequest {
    return operator.confirmNotArrived(this.ctx, id, operatorName, reason);
  }
  edit(id: number, newParams: unknown, operatorName: string, reason: string): operator.EditResult {
    return operator.edit(this.ctx, id, newParams, operatorName, reason);
  }
  wipeSecrets(id: number): boolean {
    return operator.wipeSecrets(this.ctx, id);
  }

  // Sealed secrets (sealed-secrets.ts)
  /** From now on every secret is written sealed by the source's sealer; a PIN is refused while it has none. */
  useSealer(source: () => SecretSealer | null): void {
    this.ctx.sealer = source;
  }
  /**
   * Seals PINs left in clear by versions before sealing, once per store: in the
   * store (WAL then checkpointed and truncated) and in its backups (seal-clear-pins.ts).
   */
  sealClearPins(sealer: SecretSealer): { store: number; backups: number } {
    if (this.getSetting(CLEAR_PINS_SEALED_SETTING) !== undefined) return { store: 0, backups: 0 };
    const store = sealClearPinsIn(this.ctx.db, sealer);
    this.checkpoint();
    const backups = sealClearPinsInBackups(this.ctx.file, sealer);
    this.setSetting(CLEAR_PINS_SEALED_SETTING, String(this.ctx.now()));
    this.checkpoint();
    return { store, backups };
  }
  /** Runs `fn` as one transaction (a settings change and its audit event). */
  inTransaction<T>(fn: () => T): T {
    return this.ctx.db.transaction(fn)();
  }
  /** Requests still to send whose PIN waits for the desk to be unlocked. */
  countLockedSecrets(): number {
    return queries.countLockedSecrets(this.ctx);
  }

  // Catalog
  upsertCatalog<K extends CatalogKind>(kind: K, rows: readonly CatalogRows[K][]): catalog.UpsertCatalogResult {
    return catalog.upsertCatalog(this.ctx, kind, rows);
  }
  /** As upsertCatalog, but a column the row leaves out (null or absent) keeps what the store knew. */
  mergeCatalog<K extends CatalogKind>(kind: K, rows: readonly CatalogRows[K][]): catalog.UpsertCatalogResult {
    return catalog.upsertCatalog(this.ctx, kind, rows, 'merge');
  }
  removeCatalog(kind: CatalogKind, ids: readonly string[]): number {
    return catalog.removeCatalog(this.ctx, kind, ids);
  }
  getCatalogItem<K extends CatalogKind>(kind: K, id: string): StoredCatalogRow<K> | undefined {
    return catalog.getCatalogItem(this.ctx, kind, id);
  }
  searchCatalog<K extends CatalogKind>(kind: K, text: string, limit: number): StoredCatalogRow<K>[] {
    return catalog.searchCatalog(this.ctx, kind, text, limit);
  }
  catalogCursor(kind: CatalogKind): string | null {
    return catalog.catalogCursor(this.ctx, kind);
  }
  setCatalogCursor(kind: CatalogKind, cursor: string): void {
    catalog.setCatalogCursor(this.ctx, kind, cursor);
  }

  // Settings (secrets only as safeStorage ciphertext, see header)
  getSetting(key: string): string | undefined {
    const row = this.ctx.sql('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }
  setSetting(key: string, value: string | null): void {
    if (typeof key !== 'string' || key.length === 0) throw new StoreInputError('setting key must not be empty');
    if (value === null) {
      this.ctx.sql('DELETE FROM settings WHERE key = ?').run(key);
      return;
    }
    if (typeof value !== 'string') throw new StoreInputError('setting value must be a text (JSON-encode other values)');
    this.ctx
      .sql(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, value, this.ctx.now());
  }

  /**
   * An online backup (SQLite backup API) into <file>.backups/, keeping the
   * `keep` newest. Runs in steps, so the store stays usable meanwhile.
   */
  async backup(keep = DEFAULT_BACKUPS_KEPT): Promise<string> {
    const target = nextBackupFile(this.ctx.file);
    await this.copyTo(target);
    rotateBackups(this.ctx.file, keep);
    return target;
  }
  /** A page-for-page copy into `target` (backup API, in steps: the store stays usable; a damaged page stays damaged). */
  async copyTo(target: string): Promise<void> {
    await this.ctx.db.backup(target);
  }

  /** The whole history's hash chain checked (audit-chain.ts). */
  verifyAudit(): AuditReport {
    return verifyAuditChain(this.ctx.db, { anchor: this.anchor });
  }

  /** PRAGMA integrity_check: ['ok'] when the file is sound. */
  integrityCheck(): string[] {
    const rows = this.ctx.db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const chain = anchorOf(this.ctx.db);
    this.ctx.db.close();
    writeMarker(this.ctx.file, { storeId: this.storeId, chain });
  }
}

/** Opens (creating if needed) and migrates the store at `file`. See the header for what it guarantees. */
export function openStore(file: string, options: StoreOptions = {}): Store {
  const marker = readMarker(file);
  const before = checkBeforeOpen(file, marker);
  if (before.length > 0) throw new StoreDamagedError(file, before);
  let db: Database.Database;
  try {
    db = openExclusiveDatabase(file, { busyTimeoutMs: options.busyTimeoutMs });
  } catch (error) {
    throw asDamaged(file, error);
  }
  try {
    // A damaged page would otherwise surface call by call as INTERNAL (a large store: checked in the background).
    const quick = quickCheckAtOpen(db, file, options.quickCheckMaxBytes);
    if (quick.problems.length > 0) throw new StoreDamagedError(file, quick.problems);
    const from = schemaVersion(db);
    // A migration rewrites the schema: keep the store as it was, first.
    if (from > 0 && from < LATEST_SCHEMA_VERSION) {
      backupBeforeMigration(db, file, from);
      rotateBackups(file);
    }
    migrate(db, file, LATEST_SCHEMA_VERSION);
    const storeId = storeIdOf(db);
    if (marker !== null && marker.storeId !== storeId) throw new StoreDamagedError(file, ['it is another store than the one CA Desk left here (replaced)']);
    // Only the events since the last open or close are hashed again here; npm run audit:verify checks them all.
    const audit = verifyAuditChain(db, { anchor: marker?.chain ?? null, fromId: marker?.chain?.lastId ?? 0 });
    if (!audit.ok) throw new StoreDamagedError(file, audit.problems.map((p) => `history: ${p}`));
    const ctx = new StoreContext(db, file, options.clock ?? Date.now);
    if (options.recoverInterruptedSends ?? true) sync.recoverInterruptedSends(ctx);
    // A crash may have left a PIN in the WAL (written, wiped in a later commit,
    // never checkpointed): move the WAL into the database and truncate it now.
    db.pragma('wal_checkpoint(TRUNCATE)');
    writeMarker(file, { storeId, chain: anchorOf(db) });
    return new Store(ctx, storeId, marker?.chain ?? null);
  } catch (error) {
    db.close();
    throw asDamaged(file, error);
  }
}

function anchorOf(db: Database.Database): ChainAnchor {
  const tail = chainTail(db);
  const count = (db.prepare('SELECT count(*) AS n FROM request_event_log').get() as { n: number }).n;
  return { lastId: tail.id, count, head: tail.hash };
}
