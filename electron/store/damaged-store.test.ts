import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, StoreDamagedError } from './store';
import { addProducts, makeTempDir, removeTempDir } from './testing/temp-store';

// A damaged store is refused at open, with the file named and the ways out,
// and left as it was: never started empty, never failing call by call.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTempDir(d);
});

function closedStore(requests = 10): string {
  const dir = makeTempDir();
  dirs.push(dir);
  const file = path.join(dir, 'cadesk.db');
  const store = openStore(file);
  const batch = Array.from({ length: requests }, (_, i) => addProducts({ serial_number: `smrt-${i}` }));
  expect(store.enqueue(batch).ok).toBe(true);
  store.close();
  return file;
}

function refusal(file: string): StoreDamagedError {
  try {
    openStore(file).close();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreDamagedError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toMatch(/Ways out: .*audit:verify.*restore the latest backup.*start an empty store/);
    return error as StoreDamagedError;
  }
  throw new Error(`${file} opened`);
}

describe('a damaged store', () => {
  it('emptied to 0 bytes is refused, not started as an empty store', () => {
    const file = closedStore();
    fs.truncateSync(file, 0);
    expect(refusal(file).problems.join()).toMatch(/empty \(0 bytes/);
    expect(fs.statSync(file).size).toBe(0); // left as found
  });

  it('replaced by another store, by a shorter copy or by a file that is not SQLite is refused', () => {
    const file = closedStore();
    const other = closedStore();
    fs.copyFileSync(other, file);
    expect(refusal(file).problems.join()).toMatch(/another store/);

    const small = closedStore(1);
    fs.copyFileSync(small, file);
    expect(refusal(file).problems.join()).toMatch(/shorter|another store/);

    fs.writeFileSync(file, 'x'.repeat(fs.statSync(other).size + 4096));
    expect(refusal(file).problems.join()).toMatch(/not an SQLite database/);
  });

  it('with a garbage page inside is refused at open by quick_check', () => {
    const file = closedStore(3000);
    const raw = new Database(file, { readonly: true });
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    const pages = raw.pragma('page_count', { simple: true }) as number;
    raw.close();
    expect(pages).toBeGreaterThan(20);
    const fd = fs.openSync(file, 'r+');
    try {
      // A page in the middle of the requests table: valid before, noise now.
      fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, pageSize * Math.floor(pages / 2));
    } finally {
      fs.closeSync(fd);
    }
    expect(refusal(file).problems.join()).toMatch(/quick_check/);
  });

  it('a new store (no marker, no file or an empty one) opens as an empty store', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const file = path.join(dir, 'cadesk.db');
    fs.writeFileSync(file, '');
    const store = openStore(file);
    expect(store.countByState().QUEUED).toBe(0);
    store.close();
  });
});
