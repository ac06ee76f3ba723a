import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store, type StoreOptions } from '../store';
import type { EnqueueInput } from '../enqueue';

/** A fresh temp directory; remove it with removeTempDir. */
export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Opens a store in a new temp dir; `done()` closes it and removes the dir. A
 * test that reopens the file may put the new handle in `store`: done() closes
 * the first handle and the one `store` holds then (closing twice is harmless).
 */
export function tempStore(options: StoreOptions = {}): { store: Store; file: string; dir: string; done: () => void } {
  const dir = makeTempDir();
  const file = path.join(dir, 'cadesk.db');
  const first = openStore(file, options);
  const handle = {
    store: first,
    file,
    dir,
    done: () => {
      first.close();
      handle.store.close();
      removeTempDir(dir);
    },
  };
  return handle;
}

/** An add-products request for one smartcard (by serial number unless told). */
export function addProducts(
  card: Record<string, string>,
  extra: Record<string, unknown> = {},
  operator = 'maria',
): EnqueueInput {
  return {
    provider: 'nagravision',
    method: 'add_enhanced_list_of_products',
    operator,
    params: {
      subscription_identifier: { number: 'S60507' },
      smartcard_identifier: card,
      services_set: [{ service_identifier: { code: 'Gold' } }],
      ...extra,
    },
  };
}

export function setPin(serial: string, pin: string, operator = 'maria'): EnqueueInput {
  return {
    provider: 'nagravision',
    method: 'set_pin_to_given_value',
    operator,
    params: { subscription_identifier: { number: 'S60507' }, smartcard_identifier: { serial_number: serial }, pin },
  };
}

export const HEADEND_ID = '751427A869C84129BA5C2184745A7447';

/** A distinct valid head-end id per n. */
export function headendId(n: number): string {
  return n.toString(16).toUpperCase().padStart(32, '0');
}

/**
 * Overwrites a page of the closed store `file` with noise (valid before,
 * damaged now): one in the middle of the file, or a leaf page of the b-tree
 * (table or index) named `btree`.
 */
export function damageMiddlePage(file: string, btree?: string): void {
  const raw = new Database(file, { readonly: true });
  const pageSize = raw.pragma('page_size', { simple: true }) as number;
  const pages = raw.pragma('page_count', { simple: true }) as number;
  const leaf = btree === undefined ? undefined : (raw.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").pluck().all(btree) as number[]);
  raw.close();
  if (pages <= 20) throw new Error(`${file} has only ${pages} pages: too small to damage one in the middle`);
  if (leaf !== undefined && leaf.length === 0) throw new Error(`${file} has no leaf page of ${btree}`);
  // dbstat numbers pages from 1.
  const offset = leaf === undefined ? pageSize * Math.floor(pages / 2) : pageSize * (leaf[Math.floor(leaf.length / 2)]! - 1);
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, offset);
  } finally {
    fs.closeSync(fd);
  }
}
