import Database from 'better-sqlite3';
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { secretFieldsOf } from '../../shared/domain/request-fields';
import { definitionFor } from './request-params';
import { isSealed, sealFields, type SecretSealer } from './sealed-secrets';
import { listBackups } from './backups';
import { preparePrivateFile } from './private-files';

// PINs queued before PINs were sealed (stores written by versions before the
// sealed-PIN upgrade) rest in clear in the store and in the backups taken
// since. The first time the desk has a key (at open with the OS keychain, at
// the first unlock with a passphrase) they are sealed: in the store (then its
// WAL is checkpointed and truncated, and secure_delete has zeroed the freed
// cells), and in every backup in <store>.backups/, rewritten as a sealed copy
// that replaces it (a backup stays restorable: the PIN is there, sealed). A
// setting records that the pass is done, so it runs once per store.

export const CLEAR_PINS_SEALED_SETTING = 'secrets.clear_pins_sealed';

/** Seals every clear secret of requests not yet wiped in `db`; returns how many requests changed. */
export function sealClearPinsIn(db: Database.Database, sealer: SecretSealer): number {
  const rows = db.prepare('SELECT id, provider, method, params FROM requests WHERE secrets_wiped = 0').iterate() as Iterable<{
    id: number;
    provider: string;
    method: string;
    params: string;
  }>;
  const changes: { id: number; params: string }[] = [];
  for (const row of rows) {
    const definition = definitionFor(row.provider, row.method);
    if (!('params' in definition)) continue;
    const params = JSON.parse(row.params) as Record<string, unknown>;
    const clear = secretFieldsOf(definition).filter((f) => typeof params[f] === 'string' && !isSealed(params[f]));
    if (clear.length > 0) changes.push({ id: row.id, params: JSON.stringify(sealFields(sealer, params, clear)) });
  }
  if (changes.length === 0) return 0;
  const update = db.prepare('UPDATE requests SET params = ? WHERE id = ?');
  db.transaction(() => {
    for (const c of changes) update.run(c.params, c.id);
  })();
  return changes.length;
}

/**
 * Rewrites `backup` with its clear PINs sealed, through a copy renamed over it
 * (a crash leaves the old backup whole). The copy is written without a
 * journal file (no other copy of the clear pages) and vacuumed, so no freed
 * page keeps the PIN. Returns how many requests were sealed.
 */
export function sealClearPinsInBackup(backup: string, sealer: SecretSealer): number {
  const temp = `${backup}.sealing`;
  rmSync(temp, { force: true });
  preparePrivateFile(temp);
  copyFileSync(backup, temp);
  let sealed = 0;
  const db = new Database(temp, { fileMustExist: true });
  try {
    db.pragma('journal_mode = MEMORY');
    db.pragma('secure_delete = ON');
    sealed = sealClearPinsIn(db, sealer);
    if (sealed > 0) db.exec('VACUUM');
  } finally {
    db.close();
  }
  if (sealed > 0) renameSync(temp, backup);
  else rmSync(temp, { force: true });
  return sealed;
}

/** Seals clear PINs in every backup of the store at `file`; returns how many requests were sealed in all. */
export function sealClearPinsInBackups(file: string, sealer: SecretSealer): number {
  let sealed = 0;
  for (const backup of listBackups(file)) sealed += sealClearPinsInBackup(backup, sealer);
  return sealed;
}
