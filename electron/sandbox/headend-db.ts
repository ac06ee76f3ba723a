// The sandbox head-end's own SQLite file: catalog, card state, requests and the
// log of what was received. Everything a restart must keep lives here; tokens do
// not (a restarted head-end forgets its sessions, as a real one does).
import Database from 'better-sqlite3';
import { preparePrivateDir, preparePrivateFile } from '../store/private-files';
import path from 'node:path';

export type Db = Database.Database;
export type Statement = Database.Statement;

export const HEADEND_DB_FILE = 'sandbox-headend.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, number TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL, updated_date TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS smartcards (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, serial_number TEXT NOT NULL UNIQUE,
  alternative_code TEXT NOT NULL UNIQUE, ca_id TEXT NOT NULL UNIQUE, subscription_number TEXT NOT NULL,
  managed_by_sms INTEGER NOT NULL, legacy INTEGER NOT NULL,
  pin_state TEXT NOT NULL, pairing_id TEXT,
  updated_date TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stbs (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, serial_number TEXT NOT NULL UNIQUE,
  alternative_code TEXT NOT NULL UNIQUE, ca_id TEXT NOT NULL UNIQUE, subscription_number TEXT NOT NULL,
  pairing_id TEXT, updated_date TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS services (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, code TEXT NOT NULL UNIQUE,
  alternative_code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, ca_id TEXT NOT NULL UNIQUE,
  updated_date TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entitlements (
  smartcard_id TEXT NOT NULL, service_id TEXT NOT NULL, PRIMARY KEY (smartcard_id, service_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS card_messages (
  seq INTEGER PRIMARY KEY, smartcard_id TEXT NOT NULL, kind TEXT NOT NULL, message_text TEXT,
  display_duration INTEGER, repetition_interval INTEGER, number_of_repetitions INTEGER,
  request_number TEXT NOT NULL, shown_date TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS card_messages_card ON card_messages (smartcard_id, seq);
CREATE TABLE IF NOT EXISTS requests (
  number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, provider TEXT NOT NULL, method TEXT NOT NULL,
  type TEXT NOT NULL, life_cycle_state TEXT NOT NULL, priority TEXT NOT NULL, due_ms INTEGER NOT NULL,
  reference_number TEXT, params_json TEXT NOT NULL, object_json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS requests_due ON requests (life_cycle_state, due_ms);
CREATE INDEX IF NOT EXISTS requests_type ON requests (provider, type, number);
CREATE INDEX IF NOT EXISTS requests_state ON requests (provider, life_cycle_state, number);
CREATE INDEX IF NOT EXISTS requests_ref ON requests (reference_number);
CREATE TABLE IF NOT EXISTS received (
  seq INTEGER PRIMARY KEY, received_date TEXT NOT NULL, transport TEXT NOT NULL,
  provider TEXT NOT NULL, method TEXT NOT NULL, type TEXT NOT NULL,
  request_id TEXT NOT NULL, request_number INTEGER NOT NULL,
  card_id TEXT, card_serial TEXT, card_ca_id TEXT, card_ref TEXT);
-- No index on received: the one query on it names a card by any of five keys
-- (OR), which SQLite answers with a scan whatever the indexes; files made
-- before had two, each a write per received request for nothing.
DROP INDEX IF EXISTS received_card_id;
DROP INDEX IF EXISTS received_card_ref;
`;

export function openHeadendDb(dataDir: string): Db {
  // What the sandbox received (PINs included, until it finishes them) is the operator's account's only.
  preparePrivateDir(dataDir);
  preparePrivateFile(path.join(dataDir, HEADEND_DB_FILE));
  const db = new Database(path.join(dataDir, HEADEND_DB_FILE));
  db.pragma('journal_mode = WAL');
  // A simulator's choice (docs/protocol.md, "Persistence"): in WAL mode NORMAL
  // syncs only at checkpoints, so every committed request survives a crash or
  // restart of the process, not a power cut. The console's own store stays FULL.
  db.pragma('synchronous = NORMAL');
  // Checkpoints (and their fsyncs) every ~16 MB of WAL rather than every 4 MB:
  // under a burst they were a third of the commit cost; each stays a pause of
  // tens of milliseconds.
  db.pragma('wal_autocheckpoint = 4000');
  db.pragma('busy_timeout = 2000');
  // Deleted rows and dropped columns are zeroed on disk, not left in free pages.
  db.pragma('secure_delete = ON');
  db.exec(SCHEMA);
  forgetPinHashes(db);
  return db;
}

/**
 * Files written before the sandbox stopped keeping PIN hashes (a salted hash of
 * a 4-digit PIN is the PIN for anyone who tries 10,000 values): drop the column
 * and the hashes kept with stored requests.
 */
function forgetPinHashes(db: Db): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('smartcards')").all() as { name: string }[];
  if (!columns.some((c) => c.name === 'pin_hash')) return;
  db.transaction(() => {
    db.exec('ALTER TABLE smartcards DROP COLUMN pin_hash');
    db.exec("UPDATE requests SET params_json = json_remove(params_json, '$.pin_hash') WHERE params_json LIKE '%pin_hash%'");
  })();
}

/**
 * Statements prepared once per open database and reused: preparing costs
 * more than running the small statements the head-end runs per request. The
 * SQL texts are our own constants (a handful of shapes), so the cache stays
 * small; a reopened database (restart) gets a fresh cache.
 */
const statements = new WeakMap<Db, Map<string, Statement>>();

export function prepared(db: Db, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = prepared(db, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  prepared(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}

/**
 * The catalog's change counter: every change to a catalog item takes the next
 * revision, so an export client can ask for "everything after revision N" and
 * miss nothing, unlike a date filter with one-second granularity.
 */
export function nextRevision(db: Db): number {
  const next = Number(getMeta(db, 'revision') ?? '0') + 1;
  setMeta(db, 'revision', String(next));
  return next;
}
