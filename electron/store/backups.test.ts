import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDirOf, listBackups, restoreBackup, rotateBackups } from './backups';
import { LATEST_SCHEMA_VERSION, migrate } from './migrations';
import { openExclusiveDatabase } from './open-database';
import { openStore, StoreDamagedError } from './store';
import { addProducts, damageMiddlePage, makeTempDir, removeTempDir } from './testing/temp-store';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeTempDir(d);
});
function newFile(): string {
  const dir = makeTempDir();
  dirs.push(dir);
  return path.join(dir, 'cadesk.db');
}
const total = (file: string) => {
  const store = openStore(file);
  try {
    return Object.values(store.countByState()).reduce((a, b) => a + b, 0);
  } finally {
    store.close();
  }
};

describe('backups', () => {
  it('are taken online, 0600 in a 0700 folder, rotated, and restored by the command after the store was damaged', async () => {
    const file = newFile();
    const store = openStore(file);
    expect(store.enqueue([addProducts({ serial_number: 'smrt-1' }), addProducts({ serial_number: 'smrt-2' })]).ok).toBe(true);
    const first = await store.backup();
    expect(fs.statSync(first).mode & 0o777).toBe(0o600);
    expect(fs.statSync(backupDirOf(file)).mode & 0o777).toBe(0o700);
    expect(store.enqueue([addProducts({ serial_number: 'smrt-3' })]).ok).toBe(true); // after the backup
    for (let i = 0; i < 3; i++) await store.backup(2);
    expect(listBackups(file)).toHaveLength(2);
    expect(listBackups(file)).not.toContain(first);
    store.close();

    fs.truncateSync(file, 0); // the store is lost
    expect(() => openStore(file)).toThrow(StoreDamagedError);
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'store-restore.ts'), file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/restored .*\(3 requests\)/);
    expect(run.stdout).not.toMatch(/kept as/); // an emptied file: nothing to keep
    expect(total(file)).toBe(3);
    // Still to send when backed up, perhaps sent since: held for the operator, never sent on the backup's word.
    expect(run.stdout).toMatch(/3 request\(s\) still to send are held in Needs attention/);
    const restored = openStore(file);
    try {
      expect(restored.countByState()).toMatchObject({ NEEDS_ATTENTION: 3, QUEUED: 0 });
      expect(restored.claimDue(Date.now() + 86_400_000, 10)).toEqual([]);
      expect(restored.listRequests({ limit: 10 }).every((r) => r.error_code === 'VERIFY_AT_HEADEND' && r.outcome_unknown)).toBe(true);
    } finally {
      restored.close();
    }
    expect(listBackups(file).some((f) => f.includes('before-restore'))).toBe(false);
  }, 60_000);

  it('restores an older backup, verified first, refuses while the store is open, and keeps the replaced store so the restore can be undone', async () => {
    const file = newFile();
    const store = openStore(file);
    expect(store.enqueue([addProducts({ serial_number: 'smrt-1' })]).ok).toBe(true);
    const one = await store.backup();
    expect(store.enqueue([addProducts({ serial_number: 'smrt-2' })]).ok).toBe(true);
    expect(() => restoreBackup(file, one)).toThrow(/close CA Desk/);
    store.close();
    const { restored, keptAside } = restoreBackup(file, one);
    expect(restored).toBe(one);
    expect(total(file)).toBe(1);

    // The replaced store (2 requests) is a backup like the others: 0600, listed, rotated.
    expect(keptAside).toMatch(/[/\\]ca-desk-\d{8}T\d{9}Z-before-restore\.sqlite$/);
    expect(path.dirname(keptAside!)).toBe(backupDirOf(file));
    expect(fs.statSync(keptAside!).mode & 0o777).toBe(0o600);
    expect(listBackups(file)[0]).toBe(keptAside);
    // Restoring it undoes the restore.
    expect(restoreBackup(file, keptAside!).restored).toBe(keptAside);
    expect(total(file)).toBe(2);
    rotateBackups(file, 0);
    expect(fs.readdirSync(backupDirOf(file))).toEqual([]);
  });

  it('keeps a damaged store byte for byte before restoring over it', async () => {
    const file = newFile();
    const store = openStore(file);
    expect(store.enqueue(Array.from({ length: 3000 }, (_, i) => addProducts({ serial_number: `smrt-${i}` }))).ok).toBe(true);
    const good = await store.backup();
    store.close();
    damageMiddlePage(file);
    const damaged = fs.readFileSync(file);
    const { keptAside } = restoreBackup(file, good);
    expect(fs.readFileSync(keptAside!).equals(damaged)).toBe(true);
    expect(fs.statSync(keptAside!).mode & 0o777).toBe(0o600);
    expect(total(file)).toBe(3000);
  });

  it('keeps the store as it was before a migration', () => {
    const file = newFile();
    const db = openExclusiveDatabase(file);
    migrate(db, file, LATEST_SCHEMA_VERSION - 1);
    db.close();
    openStore(file).close();
    const [before] = listBackups(file);
    expect(before).toMatch(new RegExp(`before-migration-from-v${LATEST_SCHEMA_VERSION - 1}\\.sqlite$`));
    const copy = openExclusiveDatabase(before!);
    try {
      expect(copy.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION - 1);
    } finally {
      copy.close();
    }
    rotateBackups(file, 0);
    expect(listBackups(file)).toEqual([]);
  });
});
