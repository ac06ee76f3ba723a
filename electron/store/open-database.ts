import Database from 'better-sqlite3';
import { StoreError, StoreLockedError } from './errors';
import { preparePrivateFile } from './private-files';

export interface OpenDatabaseOptions {
  /** How long to wait for a lock before giving up; the holder keeps it for its lifetime, so keep it small. */
  busyTimeoutMs?: number;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Opens `file` as the one writer: locking_mode=EXCLUSIVE is set before WAL, so
 * no shared-memory index is used and the first transaction takes a file lock
 * this connection keeps until it closes. The operating system drops that lock
 * when the process dies (even by kill -9), so there is never a stale lock.
 */
export function openExclusiveDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  let db: Database.Database;
  if (file !== ':memory:') preparePrivateFile(file);
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 100 });
  } catch (error) {
    if (isBusy(error)) throw new StoreLockedError(file);
    throw error;
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError(`could not switch ${file} to WAL (journal_mode is ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // A REPLACE's implicit delete then fires DELETE triggers: history cannot be replaced (audit-chain.ts).
    db.pragma('recursive_triggers = ON');
    // Overwrite deleted content with zeros: a wiped PIN must not stay in free space.
    db.pragma('secure_delete = ON');
    // 32 MiB of page cache: a 100k-request import dirties ~40 MB of pages; a
    // small cache would spill and rewrite the same pages to the WAL again and again.
    db.pragma('cache_size = -32768');
    // Temporary B-trees (sorts, statement journals) in memory: on disk each
    // would be a file created, written and deleted within one statement.
    db.pragma('temp_store = MEMORY');
    // Take the write lock now and keep it (exclusive mode never releases it).
    db.exec('BEGIN IMMEDIATE; COMMIT');
    return db;
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new StoreLockedError(file);
    throw error;
  }
}
