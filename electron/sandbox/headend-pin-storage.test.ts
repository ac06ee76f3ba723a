import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HEADEND_DB_FILE, openHeadendDb } from './headend-db';
import { startFixture, type Fixture } from './testing/headend-fixture';

/** Every byte the head-end keeps on disk: the SQLite file, its -wal and -shm. */
function storedBytes(dataDir: string): string {
  return fs
    .readdirSync(dataDir)
    .filter((f) => f.startsWith(HEADEND_DB_FILE))
    .map((f) => fs.readFileSync(path.join(dataDir, f)).toString('latin1'))
    .join('\n');
}

/** The PIN as a value of its own (not four digits inside a hex id, a CA id or a date). */
const asValue = (pin: string) => new RegExp(`(?<![0-9A-Za-z])${pin}(?![0-9A-Za-z])`);
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
/** A SHA-256 in lower-case hex, as a salted PIN hash was kept; ids are upper-case. */
const HASH = /[0-9a-f]{64}/;

function expectNoTraceOf(pin: string, bytes: string): void {
  expect(asValue(pin).test(bytes), 'the PIN itself').toBe(false);
  expect(bytes).not.toContain(sha256(pin));
  expect(bytes).not.toContain(sha256(pin).toUpperCase());
  expect(HASH.test(bytes), 'a hash').toBe(false);
  expect(bytes).not.toContain('pin_hash');
}

describe('PINs at rest: the sandbox keeps the pin_state only', () => {
  let fx: Fixture | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await fx?.stop();
    fx = undefined;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('after set-PIN requests (TCP and HTTP) no trace of the PIN nor of a hash is in the SQLite file or its WAL', async () => {
    fx = await startFixture({ processingDelayMs: 0 });
    const token = await fx.login();
    const before = storedBytes(fx.dataDir);
    // a PIN the seeded file does not already hold as a value, so a find can only come from the requests
    const [pin, conaxPin] = ['7391', '8264', '5917', '6043', '3859'].filter((p) => !asValue(p).test(before));
    expect(pin && conaxPin).toBeTruthy();

    const nagra = await fx.nagra('set_pin_to_given_value', {
      token,
      subscription_identifier: { number: 'S60507' },
      smartcard_identifier: { serial_number: 'smrt20000054' },
      pin,
      process_immediately: true,
    });
    expect(nagra.data).toMatchObject({ life_cycle_state: 'COMPLETED' });
    const conax = await fx.conax('update_ca_pin_to_given_value', {
      token,
      subscription_identifier: { number: 'S60507' },
      smartcard_ca_id: '10020000054',
      pin: conaxPin,
      process_immediately: true,
    });
    expect(conax.body.data).toMatchObject({ life_cycle_state: 'COMPLETED' });
    expect(fx.headend.card('smrt20000054')!.pin_state).toBe('custom');

    const live = storedBytes(fx.dataDir);
    expect(fs.existsSync(path.join(fx.dataDir, `${HEADEND_DB_FILE}-wal`))).toBe(true);
    expectNoTraceOf(pin!, live);
    expectNoTraceOf(conaxPin!, live);
    // and once closed (the WAL checkpointed into the file)
    const { dataDir } = fx;
    for (const p of fx.probes) p.close();
    await fx.headend.close();
    const closed = storedBytes(dataDir);
    expectNoTraceOf(pin!, closed);
    expectNoTraceOf(conaxPin!, closed);
    fx = await startFixture({ dataDir });
    expect(fx.headend.card('smrt20000054')!.pin_state).toBe('custom');
  });

  it('a file written when PIN hashes were kept loses them when opened', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    dirs.push(dir);
    const oldHash = `0123456789abcdef$${sha256('0123456789abcdef:4711')}`;
    const old = new Database(path.join(dir, HEADEND_DB_FILE));
    old.exec(`CREATE TABLE smartcards (
      seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, serial_number TEXT NOT NULL UNIQUE,
      alternative_code TEXT NOT NULL UNIQUE, ca_id TEXT NOT NULL UNIQUE, subscription_number TEXT NOT NULL,
      managed_by_sms INTEGER NOT NULL, legacy INTEGER NOT NULL,
      pin_state TEXT NOT NULL, pin_hash TEXT, pairing_id TEXT,
      updated_date TEXT NOT NULL, revision INTEGER NOT NULL);
    CREATE TABLE requests (
      number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, provider TEXT NOT NULL, method TEXT NOT NULL,
      type TEXT NOT NULL, life_cycle_state TEXT NOT NULL, priority TEXT NOT NULL, due_ms INTEGER NOT NULL,
      reference_number TEXT, params_json TEXT NOT NULL, object_json TEXT NOT NULL);`);
    old
      .prepare(`INSERT INTO smartcards VALUES (1, 'C1', 'smrt1', 'ALT1', '10000000001', 'S1', 1, 0, 'custom', ?, NULL, '2015-09-07T15:03:33', 1)`)
      .run(oldHash);
    old
      .prepare(`INSERT INTO requests VALUES (18571, 'R1', 'nagravision', 'set_pin_to_given_value', 'UPDATE_CA_PIN_TO_GIVEN_VALUE', 'COMPLETED', 'REGULAR', 0, NULL, ?, '{}')`)
      .run(JSON.stringify({ smartcard_identifier: { serial_number: 'smrt1' }, pin_hash: oldHash }));
    old.close();

    const db = openHeadendDb(dir);
    const card = db.prepare('SELECT * FROM smartcards').get() as Record<string, unknown>;
    const params = (db.prepare('SELECT params_json FROM requests').get() as { params_json: string }).params_json;
    db.close();
    expect(card).toMatchObject({ pin_state: 'custom' });
    expect(card).not.toHaveProperty('pin_hash');
    expect(JSON.parse(params)).toEqual({ smartcard_identifier: { serial_number: 'smrt1' } });
    expect(storedBytes(dir)).not.toContain(oldHash.split('$')[1]);
  });
});
