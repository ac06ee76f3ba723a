import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { verifyAuditChain } from './audit-chain';
import { StoreError } from './errors';
import { preparePrivateDir, preparePrivateFile } from './private-files';
import { markerFileOf } from './store-marker';

// Online backups of the store, beside it in <store>.backups/ (0700, files
// 0600), newest kept, oldest removed. Taken on a schedule (runtime) with
// SQLite's backup API and before each migration with VACUUM INTO (openStore is
// synchronous; both give a consistent copy while the store is in use).
// Restoring needs CA Desk closed (it holds the store exclusively); the store it
// replaces is kept as one more backup, so a restore can be undone.

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
  // A store kept byte for byte before a restore may have its WAL beside it.
  for (const old of listBackups(file).slice(keep)) for (const f of [old, `${old}-wal`, `${old}-shm`]) rmSync(f, { force: true });
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
 * Keeps the store about to be replaced as a backup, <file>.backups/ca-desk-<time>-before-restore.sqlite
 * (0600, rotated like the others), so a restore can be undone by restoring it.
 * Opening it exclusively first proves no CA Desk holds it. A store SQLite cannot
 * read whole is kept byte for byte, with its WAL. Nothing is kept of a missing or empty file.
 */
function keepBeforeRestore(file: string): string | null {
  if (!existsSync(file) || statSync(file).size === 0) return null;
  const target = nextBackupFile(file, 'before-restore');
  let probe: Database.Database | null = null;
  try {
    probe = new Database(file, { timeout: 100 });
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN IMMEDIATE; COMMIT');
    probe.prepare('VACUUM INTO ?').run(target);
    return target;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      rmSync(target, { force: true });
      throw new StoreError(`${file} is in use: close CA Desk before restoring`);
    }
    copyFileSync(file, target);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${target}-wal`);
    preparePrivateFile(target);
    return target;
  } finally {
    probe?.close();
  }
}

/**
 * Puts `backup` (default: the newest) in place of `file`, after checking it.
 * CA Desk must be closed. The replaced store is kept first (keepBeforeRestore);
 * its WAL and marker go (the marker is rewritten at the next open).
 * Returns the backup restored and where the replaced store was kept.
 */
export function restoreBackup(file: string, backup = listBackups(file)[0]): { restored: string; keptAside: string | null } {
  if (backup === undefined) throw new StoreError(`no backup of ${file} in ${backupDirOf(file)}`);
  checkBackup(backup);
  const keptAside = keepBeforeRestore(file);
  for (const stale of [`${file}-wal`, `${file}-shm`, markerFileOf(file)]) rmSync(stale, { force: true });
  const temp = `${file}.restoring`;
  preparePrivateFile(temp);
  copyFileSync(backup, temp);
  renameSync(temp, file);
  rotateBackups(file);
  return { restored: backup, keptAside };
}
