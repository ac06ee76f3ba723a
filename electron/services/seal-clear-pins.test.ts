import { silentLogger } from '../logging/logger';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listBackups, backupBeforeMigration } from '../store/backups';
import { verifyAuditChain } from '../store/audit-chain';
import { unsealValue } from '../store/sealed-secrets';
import { openStore } from '../store/store';
import type { CredentialVault } from './credential-vault';
import { startRuntime, STORE_FILE, type Runtime } from './runtime';
import { filesWithPin, unusedPin } from './testing/pin-canary';
import { keychainStandIn } from './testing/keychain-stand-in';

// PINs queued by a version before sealing rest in clear in the store and in the
// backups taken since (the pre-migration one included). They are sealed the
// first time the desk has a key — at the first unlock with a passphrase, at
// open with the OS keychain — in the store, its WAL and every backup, and are
// still the same PIN (sent once unlocked, restorable from a backup).

const quiet = silentLogger;
const PASSPHRASE = 'a desk passphrase';
const OPERATOR = { name: 'Test Operator', password: 'operator password' };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** What an older version left: a store with a clear PIN, a scheduled backup and a pre-migration backup of it. */
async function oldVersionFolder(): Promise<{ dir: string; file: string; pin: string; id: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-clear-pin-'));
  dirs.push(dir);
  const file = path.join(dir, STORE_FILE);
  const pin = unusedPin(dir);
  const store = openStore(file); // never given a sealer: PINs kept as given, as before the upgrade
  const result = store.enqueue([
    {
      provider: 'nagravision',
      method: 'set_pin_to_given_value',
      params: { subscription_identifier: { number: 'S60507' }, smartcard_identifier: { serial_number: 'smrt20000054' }, pin, scheduled_date: '2099-12-31T00:00:00' },
      operator: 'operator',
    },
  ]);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  await store.backup();
  store.close();
  const db = new Database(file);
  try {
    backupBeforeMigration(db, file, 9);
  } finally {
    db.close();
  }
  return { dir, file, pin, id: result.ids[0]! };
}

function sealedPinOf(file: string, id: number): string {
  const db = new Database(file, { readonly: true });
  try {
    const params = JSON.parse(db.prepare('SELECT params FROM requests WHERE id = ?').pluck().get(id) as string) as { pin: string };
    return params.pin;
  } finally {
    db.close();
  }
}

async function start(dir: string, extra: { passphrase?: string; vault?: CredentialVault } = {}): Promise<Runtime> {
  return startRuntime({ mode: 'browser', version: '0.0.0-test', dataDir: dir, logger: quiet, operator: OPERATOR, headend: { seedSize: 'tiny' }, sync: { idleMs: 100 }, ...extra });
}

describe('PINs left in clear by an older version', () => {
  it('are sealed at the first unlock, in the store, its WAL and every backup, and stay the same PIN', async () => {
    const { dir, file, pin, id } = await oldVersionFolder();
    // The search finds them where they are (it can fail): the store and both backups.
    expect(filesWithPin(dir, pin).sort()).toEqual([file, ...listBackups(file)].sort());

    const runtime = await start(dir); // no passphrase yet: the desk has no key, nothing can seal
    try {
      expect(filesWithPin(dir, pin).length).toBeGreaterThan(0);
      expect(await runtime.registry.dispatch('security.unlock', { passphrase: PASSPHRASE })).toMatchObject({ ok: true, value: { unlocked: true } });
      const sealed = runtime.store.getRequest(id)!.params.pin as string;
      expect(sealed).toMatch(/^sealed:v1:/);
      expect(unsealValue(sealed)).toBe(pin);
      expect(filesWithPin(dir, pin)).toEqual([]); // while running: store, WAL, backups
    } finally {
      await runtime.close();
    }
    expect(filesWithPin(dir, pin)).toEqual([]);
    // Each backup is still a sound, restorable store, its PIN sealed.
    const backups = listBackups(file);
    expect(backups.length).toBe(2);
    for (const backup of backups) {
      const db = new Database(backup, { readonly: true });
      try {
        expect(db.pragma('quick_check', { simple: true })).toBe('ok');
        expect(verifyAuditChain(db).ok).toBe(true);
      } finally {
        db.close();
      }
      expect(sealedPinOf(backup, id)).toMatch(/^sealed:v1:/);
    }
  }, 60_000);

  it('are sealed at open when the desk has a key (the OS keychain)', async () => {
    const { dir, file, pin, id } = await oldVersionFolder();
    const runtime = await start(dir, { vault: keychainStandIn() });
    try {
      expect(filesWithPin(dir, pin)).toEqual([]);
      expect(unsealValue(runtime.store.getRequest(id)!.params.pin as string)).toBe(pin);
    } finally {
      await runtime.close();
    }
    expect(filesWithPin(dir, pin)).toEqual([]);
    expect(sealedPinOf(file, id)).toMatch(/^sealed:v1:/);
  }, 60_000);
});
