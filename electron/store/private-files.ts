import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

// What CA Desk keeps is readable by its operator's account only: the data
// folder 0700, the store, its WAL and backups 0600. SQLite creates the WAL
// with the mode of the database file, so creating the database 0600 before
// SQLite opens it covers both. Existing files (older versions wrote 0644)
// are tightened at open. Windows ignores these modes (its ACLs apply).

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and parents) if needed and makes it 0700. */
export function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates `file` empty and 0600 when missing; tightens it (and its -wal, -shm) to 0600 when present. */
export function preparePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, PRIVATE_FILE_MODE);
}
