import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../logging/logger';
import { integrityCopyOf } from '../store/integrity-check';
import { openStore, type Store } from '../store/store';
import { addProducts, damageMiddlePage, makeTempDir, removeTempDir } from '../store/testing/temp-store';
import { StoreUpkeep } from './store-upkeep';
import { inProcessHandle } from './runtime-handle';
import { startRuntime, STORE_FILE } from './runtime';
import { testRuntimeOptions } from './testing/test-runtime';

// The background integrity check as the runtime runs it: damage found holds
// sending (onDamaged, which the runtime turns into a stopped engine and a
// status-bar message) and is recorded in the audit log as desk.store_damaged;
// a check that could not run holds nothing.

const open: { upkeep: StoreUpkeep; store: Store; dir: string }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.upkeep.close();
    o.store.close();
    removeTempDir(o.dir);
  }
});

function startUpkeep(damaged: boolean, integrityCopySpareBytes?: number): { upkeep: StoreUpkeep; store: Store; file: string; held: string[]; logged: LogRecord[] } {
  const dir = makeTempDir();
  const file = path.join(dir, 'cadesk.db');
  const first = openStore(file);
  expect(first.enqueue(Array.from({ length: 3000 }, (_, i) => addProducts({ serial_number: `smrt-${i}` }))).ok).toBe(true);
  first.close();
  if (damaged) damageMiddlePage(file);
  // As on a store over the open budget: not quick_checked at open.
  const store = openStore(file, { quickCheckMaxBytes: 4096 });
  const held: string[] = [];
  const logged: LogRecord[] = [];
  const logger = createLogger({ sink: (record) => logged.push(record), level: 'debug' });
  // The schedule is out of reach: the test runs the check itself, without waiting.
  const upkeep = new StoreUpkeep(store, { logger, onDamaged: (m) => held.push(m), firstIntegrityCheckAfterMs: 3_600_000, integrityCopySpareBytes });
  open.push({ upkeep, store, dir });
  return { upkeep, store, file, held, logged };
}

function storeDamagedEvents(file: string): { actor: string; detail: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT actor, detail FROM request_event_log WHERE kind = 'desk.store_damaged'").all() as { actor: string; detail: string }[];
  } finally {
    db.close();
  }
}

describe('the background integrity check', () => {
  it('finds a damaged page, holds sending with a message naming the file and the ways out, and records desk.store_damaged', async () => {
    const { upkeep, store, file, held } = startUpkeep(true);
    const problems = await upkeep.checkIntegrityNow();
    expect(problems.length).toBeGreaterThan(0);
    expect(held).toHaveLength(1);
    expect(held[0]).toContain(file);
    expect(held[0]).toMatch(/sending is held/);
    expect(held[0]).toMatch(/read-only.*export.*restore the latest backup/);
    store.close(); // the event is read by another connection
    const events = storeDamagedEvents(file);
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toBe('desk');
    expect(JSON.parse(events[0]!.detail)).toMatchObject({ file, problems: expect.arrayContaining([expect.stringMatching(/^integrity_check: /)]) });
  });

  it('on a sound store holds nothing and records nothing', async () => {
    const { upkeep, store, file, held } = startUpkeep(false);
    expect(await upkeep.checkIntegrityNow()).toEqual([]);
    expect(held).toEqual([]);
    store.close();
    expect(storeDamagedEvents(file)).toEqual([]);
  });

  it('that cannot run (something in the way of its copy) is no damage: logged, nothing held or recorded, and the next check runs', async () => {
    const { upkeep, store, file, held, logged } = startUpkeep(false);
    // Not SQLite's word on the store: as with ENOSPC writing the copy or a worker that cannot load better-sqlite3.
    fs.mkdirSync(integrityCopyOf(file));
    fs.writeFileSync(path.join(integrityCopyOf(file), 'in the way'), '');
    expect(await upkeep.checkIntegrityNow()).toEqual([]);
    expect(held).toEqual([]);
    expect(logged.map((r) => r.message)).toEqual([expect.stringMatching(/^the integrity check could not run: .*tried again at the next schedule/)]);
    expect(logged[0]!.level).toBe('warn');
    fs.rmSync(integrityCopyOf(file), { recursive: true });
    expect(await upkeep.checkIntegrityNow()).toEqual([]);
    expect(held).toEqual([]);
    store.close();
    expect(storeDamagedEvents(file)).toEqual([]);
  });

  it('without the free disk space for its copy does not start it: logged as not run, nothing held', async () => {
    const { upkeep, store, file, held, logged } = startUpkeep(true, Number.MAX_SAFE_INTEGER);
    // Damaged, but the check cannot tell: it did not run.
    expect(await upkeep.checkIntegrityNow()).toEqual([]);
    expect(held).toEqual([]);
    expect(logged.map((r) => r.message)).toEqual([expect.stringMatching(/^the integrity check could not run: not enough free disk space for the copy: \d+ MiB free, \d+ MiB needed/)]);
    expect(fs.existsSync(integrityCopyOf(file))).toBe(false);
    store.close();
    expect(storeDamagedEvents(file)).toEqual([]);
  });
});

describe('a runtime whose store turns out damaged in the background', () => {
  it('stops sending and says on the sync status which file is damaged and the ways out', async () => {
    const dataDir = makeTempDir();
    const file = path.join(dataDir, STORE_FILE);
    try {
      // A desk that ran before (its once-per-store start-up work done) with a full queue, head-end down.
      const options = testRuntimeOptions(dataDir, { storeChecks: { quickCheckMaxBytes: 4096, firstIntegrityCheckAfterMs: 300 } });
      const before = await startRuntime({ ...options, storeChecks: { firstIntegrityCheckAfterMs: 3_600_000 } });
      await before.stopHeadend();
      expect(before.store.enqueue(Array.from({ length: 3000 }, (_, i) => addProducts({ serial_number: `smrt-${i}` }))).ok).toBe(true);
      await before.close();
      // An index page the start-up does not read (the queue's sort by detail): only a full check finds it.
      damageMiddlePage(file, 'requests_sorted_by_detail');
      // A store over the open budget (lowered here) is opened without quick_check; the first full check comes soon.
      const runtime = inProcessHandle(await startRuntime(options));
      try {
        await expect
          .poll(async () => runtime.dispatch('sync.status', {}), { timeout: 30_000, interval: 200 })
          .toMatchObject({ ok: true, value: { running: false, lastError: expect.stringMatching(/is damaged.*sending is held.*read-only.*restore the latest backup/) } });
        const status = await runtime.dispatch('sync.status', {});
        expect(status.ok && (status.value as { lastError: string }).lastError).toContain(file);
      } finally {
        await runtime.close();
      }
      expect(storeDamagedEvents(file)).toHaveLength(1);
    } finally {
      removeTempDir(dataDir);
    }
  }, 60_000);
});

describe('a damaged page the open did not read (a large store, no quick_check)', () => {
  /** A desk that ran before with a full queue; then a leaf page of the requests table damaged. */
  async function damagedDesk(): Promise<{ dataDir: string; file: string }> {
    const dataDir = makeTempDir();
    const before = await startRuntime(testRuntimeOptions(dataDir, { storeChecks: { firstIntegrityCheckAfterMs: 3_600_000 } }));
    await before.stopHeadend();
    expect(before.store.enqueue(Array.from({ length: 3000 }, (_, i) => addProducts({ serial_number: `smrt-${i}` }))).ok).toBe(true);
    await before.close();
    const file = path.join(dataDir, STORE_FILE);
    damageMiddlePage(file, 'requests');
    return { dataDir, file };
  }
  const unchecked = { storeChecks: { quickCheckMaxBytes: 4096, firstIntegrityCheckAfterMs: 3_600_000 } };

  it('read by the start-up: the desk refuses to start, naming the file and the ways out, not in SQLite words alone', async () => {
    const { dataDir, file } = await damagedDesk();
    try {
      // Unlocking reads every queued request (their PINs are sealed at rest).
      const start = startRuntime(testRuntimeOptions(dataDir, unchecked));
      await expect(start).rejects.toThrow(/cannot be trusted.*did not open it.*Ways out.*restore the latest backup/);
      await expect(start).rejects.toThrow(file);
    } finally {
      removeTempDir(dataDir);
    }
  }, 60_000);

  it('read by an action: the answer names the file and the ways out', async () => {
    const { dataDir, file } = await damagedDesk();
    try {
      const runtime = inProcessHandle(await startRuntime(testRuntimeOptions(dataDir, { ...unchecked, passphrase: undefined })));
      try {
        const listed = await runtime.dispatch('requests.list', { limit: 5000 });
        expect(listed).toMatchObject({ ok: false, error: { message: expect.stringMatching(/cannot be trusted.*changed nothing.*Ways out/) } });
        expect(JSON.stringify(listed)).toContain(file);
      } finally {
        await runtime.close();
      }
    } finally {
      removeTempDir(dataDir);
    }
  }, 60_000);
});
