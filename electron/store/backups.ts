import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { verifyAuditChain } from './audit-chain';
import { StoreError } from './errors';
import { preparePrivateDir, preparePrivateFile } from './private-files';
import { markerFileOf } from './store-marker';

// Online backups of the store, beside it in <store>.backups/ (0700, files
// 0600), newest kept, oldest removed. Taken on a schedule (runtime) with
// SQLite's backup API and before each migration with VACUUM INTO (openStore is
// synchronous; both give a consistent copy while the store is in use).
// Restoring needs CA Desk closed (it holds the store exclusively).

export const DEFAULT_BACKUPS_KEPT = 7;
const NAME = /^ca-desk-(\d{8}T\d{6}(?:\d{3})?Z)(?:-[a-z0-9-]+)?\.sqlite$/;

export const backupDirOf = (file: string) => `${file}.backups`;

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** A new, empty, 0600 file for the next backup (VACUUM INTO and the backup API keep its mode). */
export function nextBackupFile(file: string, tag = '', at = new Date()): string {
  const dir = backupDirOf(file);
  preparePrivateDir(dir);
  const target = path.join(dir, `ca-desk-${stamp(at)}${tag ? `-${tag}` : ''}.sqlite`);
  if (existsSync(target)) throw new StoreError(`backup ${target} already exists`);
  preparePrivateFile(target);
  return target;
}

/** Backups of `file`, newest first. */
export function listBackups(file: string): string[] {
  const dir = backupDirOf(file);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => NAME.test(name))
    .sort((a, b) => NAME.exec(b)![1]!.localeCompare(NAME.exec(a)![1]!) || b.localeCompare(a))
    .map((name) => path.join(dir, name));
}

/** Removes all but the `keep` newest backups. */
export function rotateBackups(file: string, keep = DEFAULT_BACKUPS_KEPT): void {
  for (const old of listBackups(file).slice(keep)) rmSync(old, { force: true });
}

/** A consistent copy of the open database `db` now, synchronously (before a migration). */
export function backupBeforeMigration(db: Database.Database, file: string, fromVersion: number): string {
  const target = nextBackupFile(file, `before-migration-from-v${fromVersion}`);
  db.prepare('VACUUM INTO ?').run(target);
  return target;
}

/** What a backup holds, checked before it replaces anything. */
function checkBackup(backup: string): void {
  const db = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    const quick = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
    if (quick.join() !== 'ok') throw new StoreError(`backup ${backup} is damaged: ${quick.slice(0, 3).join('; ')}`);
    const audit = verifyAuditChain(db);
    if (!audit.ok) throw new StoreError(`backup ${backup} has a broken history: ${audit.problems.slice(0, 3).join('; ')}`);
  } finally {
    db.close();
  }
}

/**
 * Puts `backup` (default: the newest) in place of `file`. CA Desk must be
 * closed. The current file, WAL and marker are kept aside as
 * <file>.before-restore-<time>; the marker is then rewritten at the next open.
 * Returns the backup restored and where the replaced store went.
 */
export function restoreBackup(file: string, backup = listBackups(file)[0]): { restored: string; keptAside: string | null } {
  if (backup === undefined) throw new StoreError(`no backup of ${file} in ${backupDirOf(file)}`);
  checkBackup(backup);
  const aside = `${file}.before-restore-${stamp(new Date())}`;
  let keptAside: string | null = null;
  if (existsSync(file)) {
    // Opening it exclusively proves no CA Desk holds it (and is skipped for a file SQLite cannot read).
    try {
      const probe = new Database(file, { timeout: 100 });
      try {
        probe.pragma('locking_mode = EXCLUSIVE');
        probe.exec('BEGIN IMMEDIATE; COMMIT');
      } finally {
        probe.close();
      }
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new StoreError(`${file} is in use: close CA Desk before restoring`);
    }
    renameSync(file, aside);
    keptAside = aside;
  }
  for (const extra of ['-wal', '-shm']) if (existsSync(file + extra)) renameSync(file + extra, aside + extra);
  if (existsSync(markerFileOf(file))) renameSync(markerFileOf(file), `${aside}.marker`);
  const temp = `${file}.restoring`;
  preparePrivateFile(temp);
  copyFileSync(backup, temp);
  renameSync(temp, file);
  return { restored: backup, keptAside };
}
