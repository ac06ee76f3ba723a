import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { ChainAnchor } from './audit-chain';
import { PRIVATE_FILE_MODE } from './private-files';

// A small file beside the store (<store>.marker) that says what CA Desk left
// there when it last opened or closed it: the store's identity, its size and
// the head of the history chain. At the next open it tells an emptied file
// (0 bytes), a replaced one (another identity, not SQLite, shorter than
// before: we never shrink the file) and events removed from the end of the
// history from a store that is simply new. It holds nothing secret.

export interface StoreMarker {
  v: 1;
  storeId: string;
  bytes: number;
  chain: ChainAnchor | null;
  at: number;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export const markerFileOf = (file: string) => `${file}.marker`;

export function readMarker(file: string): StoreMarker | null {
  const markerFile = markerFileOf(file);
  if (!existsSync(markerFile)) return null;
  try {
    const parsed = JSON.parse(readFileSync(markerFile, 'utf8')) as StoreMarker;
    return parsed.v === 1 && typeof parsed.storeId === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

/** Problems visible before SQLite opens the file; [] when it looks like the store the marker describes (or a new one). */
export function checkBeforeOpen(file: string, marker: StoreMarker | null): string[] {
  const exists = existsSync(file);
  const bytes = exists ? statSync(file).size : 0;
  if (marker !== null) {
    if (!exists) return ['the file is missing (CA Desk left a store here)'];
    if (bytes === 0) return [`the file is empty (0 bytes; it had ${marker.bytes} bytes when CA Desk last closed it)`];
    if (bytes < marker.bytes) return [`the file is shorter (${bytes} bytes) than when CA Desk last closed it (${marker.bytes}): it was truncated or replaced`];
  }
  if (bytes === 0) return [];
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  return header.equals(SQLITE_HEADER) ? [] : ['the file is not an SQLite database (its header is wrong): it was overwritten or replaced'];
}

/** The store's identity in store_meta, made at its first open. */
export function storeIdOf(db: Database.Database): string {
  const row = db.prepare("SELECT value FROM store_meta WHERE key = 'store_id'").get() as { value: string } | undefined;
  if (row) return row.value;
  const id = randomUUID();
  db.prepare("INSERT INTO store_meta (key, value) VALUES ('store_id', ?)").run(id);
  return id;
}

/** Writes the marker atomically (temp file + rename), 0600. */
export function writeMarker(file: string, marker: Omit<StoreMarker, 'v' | 'bytes' | 'at'>): void {
  const full: StoreMarker = { v: 1, ...marker, bytes: existsSync(file) ? statSync(file).size : 0, at: Date.now() };
  const temp = `${markerFileOf(file)}.tmp`;
  writeFileSync(temp, JSON.stringify(full), { mode: PRIVATE_FILE_MODE });
  renameSync(temp, markerFileOf(file));
}
