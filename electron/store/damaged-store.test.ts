import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, StoreDamagedError } from './store';
import { checkOpenStoreIntegrity, integrityCheckFile, IntegrityCheckCouldNotRun, QUICK_CHECK_AT_OPEN_MAX_BYTES } from './integrity-check';
import { addProducts, damageMiddlePage, makeTempDir, removeTempDir } from './testing/temp-store';

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
    damageMiddlePage(file);
    expect(refusal(file).problems.join()).toMatch(/quick_check/);
  });

  it('larger than the quick_check budget opens at once, and the background integrity_check (worker) finds the page', async () => {
    const file = closedStore(3000);
    damageMiddlePage(file);
    expect(fs.statSync(file).size).toBeLessThan(QUICK_CHECK_AT_OPEN_MAX_BYTES);
    // The budget lowered below this store's size stands for a store over 64 MiB.
    const store = openStore(file, { quickCheckMaxBytes: 4096 });
    try {
      const problems = await checkOpenStoreIntegrity(file, (target) => store.copyTo(target));
      expect(problems.length).toBeGreaterThan(0);
      expect(problems[0]).toMatch(/^integrity_check: /);
      expect(fs.existsSync(`${file}.integrity-check`)).toBe(false); // the copy is removed
    } finally {
      store.close();
    }
    expect((await integrityCheckFile(file)).length).toBeGreaterThan(0);
  });

  it('a sound store passes the background integrity_check', async () => {
    const file = closedStore(3000);
    expect(await integrityCheckFile(file)).toEqual([]);
    const store = openStore(file);
    try {
      expect(await checkOpenStoreIntegrity(file, (target) => store.copyTo(target))).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('the background check names as damage only what SQLite calls damage: not a file it could not open', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const notADatabase = path.join(dir, 'garbage.db');
    fs.writeFileSync(notADatabase, Buffer.alloc(8192, 7));
    expect((await integrityCheckFile(notADatabase)).join()).toMatch(/^integrity_check: SQLite reports file is not a database/);
    await expect(integrityCheckFile(path.join(dir, 'missing.db'))).rejects.toBeInstanceOf(IntegrityCheckCouldNotRun);
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
