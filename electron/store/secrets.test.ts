import Database from 'better-sqlite3';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../shared/domain/secrets';
import { openStore, type Store } from './store';
import { HEADEND_ID, tempStore } from './testing/temp-store';

// A PIN whose digits appear nowhere else in what we write: no other digits
// come from the test (the uuid and serial are chosen without them), so finding
// "7391" in the file bytes can only mean the PIN is there.
const PIN = '7391';
const CLIENT_UUID = 'aaaaaaaa-bbbb-4ccc-addd-eeeeeeeeeeee';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.done());

function fileHasPin(file: string): boolean {
  return fs.existsSync(file) && fs.readFileSync(file).includes(Buffer.from(PIN, 'latin1'));
}
const anywhere = () => fileHasPin(t.file) || fileHasPin(`${t.file}-wal`);

// A few neighbours share the PIN row's page, so rewriting the row leaves its old
// cell behind as free space (only secure_delete zeroes it; a lone row or a full
// page would be rewritten whole and hide the difference). Their uuids are hex
// letters only, so no uuid can contain the PIN's digits.
const letterUuid = (n: number) => `aaaaaaaa-bbbb-4ccc-addd-${n.toString(6).replace(/\d/g, (d) => 'abcdef'[Number(d)]!).padStart(12, 'f')}`;
function neighbours(from: number) {
  return Array.from({ length: 3 }, (_, i) => ({
    provider: 'nagravision',
    method: 'clear_pin',
    operator: 'maria',
    clientUuid: letterUuid(from + i),
    params: { subscription_identifier: { number: 'S-beta' }, smartcard_identifier: { serial_number: `smrt-${letterUuid(i).slice(-4)}` } },
  }));
}

function enqueuePinRequest(): number {
  const result = store.enqueue([
    ...neighbours(100),
    {
      provider: 'nagravision',
      method: 'set_pin_to_given_value',
      operator: 'maria',
      clientUuid: CLIENT_UUID,
      params: { subscription_identifier: { number: 'S-alpha' }, smartcard_identifier: { serial_number: 'smrt-alpha' }, pin: PIN },
    },
    ...neighbours(200),
  ]);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ids[3]!;
}

describe('PIN wipe', () => {
  it('keeps the PIN until the head-end acknowledges, then leaves no byte of it in the database or the WAL', () => {
    const id = enqueuePinRequest();
    store.checkpoint();
    expect(fileHasPin(t.file)).toBe(true); // the search does find a stored PIN
    store.markSending(id);
    expect(store.getRequest(id)!.params.pin).toBe(PIN); // still needed to send

    const acknowledged = store.markAcknowledged(id, { headend_id: HEADEND_ID, number: '18570' });
    expect(acknowledged.params.pin).toBe(REDACTED);
    expect(acknowledged.secrets_wiped).toBe(true);
    expect(store.eventsFor(id).map((e) => e.kind)).toContain('secrets_wiped');

    store.checkpoint();
    expect(fs.existsSync(`${t.file}-wal`) ? fs.statSync(`${t.file}-wal`).size : 0).toBe(0);
    expect(anywhere()).toBe(false);
    expect(store.wipeSecrets(id)).toBe(false); // nothing left to erase
  });

  it('wipeSecrets erases a PIN left by older data in a finished request and records it', () => {
    const id = enqueuePinRequest();
    store.markSending(id);
    store.markFinal(id, 'COMPLETED', { headend_id: HEADEND_ID, number: '1' });
    store.close();
    // Data written before the store wiped on completion: the PIN is back in the row.
    const raw = new Database(t.file);
    raw.prepare('UPDATE requests SET params = ?, secrets_wiped = 0 WHERE id = ?').run(
      JSON.stringify({ subscription_identifier: { number: 'S-alpha' }, smartcard_identifier: { serial_number: 'smrt-alpha' }, pin: PIN }),
      id,
    );
    raw.close();
    expect(anywhere()).toBe(true);

    store = t.store = openStore(t.file);
    expect(store.wipeSecrets(id)).toBe(true);
    expect(store.getRequest(id)!.params).toMatchObject({ pin: REDACTED, smartcard_identifier: { serial_number: 'smrt-alpha' } });
    expect(store.eventsFor(id).at(-1)).toMatchObject({ kind: 'secrets_wiped', detail: null });
    store.checkpoint();
    expect(anywhere()).toBe(false);
  });

  it('after a crash, leaves no PIN in the WAL once the store is opened again', () => {
    const id = enqueuePinRequest();
    store.markSending(id);
    store.markAcknowledged(id, { headend_id: HEADEND_ID, number: '18570' });
    // What a crash at this point leaves on disk: the database and its WAL, no checkpoint since the PIN was written.
    const crashed = `${t.file}.crashed`;
    fs.copyFileSync(t.file, crashed);
    fs.copyFileSync(`${t.file}-wal`, `${crashed}-wal`);
    expect(fileHasPin(`${crashed}-wal`)).toBe(true);
    const reopened = openStore(crashed);
    try {
      expect(reopened.getRequest(id)!.params.pin).toBe(REDACTED);
      expect(fs.existsSync(`${crashed}-wal`) ? fs.statSync(`${crashed}-wal`).size : 0).toBe(0);
      expect(fileHasPin(`${crashed}-wal`) || fileHasPin(crashed)).toBe(false);
    } finally {
      reopened.close();
    }
  });

  it('erases the PIN of a discarded request and records the discard as cancelled', () => {
    const id = enqueuePinRequest();
    store.discard(id, 'maria', 'customer changed their mind');
    store.checkpoint();
    expect(anywhere()).toBe(false);
    const kinds = store.eventsFor(id).map((e) => e.kind);
    expect(kinds).not.toContain('discarded');
    expect(store.eventsFor(id).find((e) => e.kind === 'cancelled')).toMatchObject({
      actor: 'maria',
      detail: { reason: 'customer changed their mind', outcome_unknown: false },
    });
  });
});
