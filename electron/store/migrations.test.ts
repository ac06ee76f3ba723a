import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from './migrations';
import { openExclusiveDatabase } from './open-database';
import { openStore, StoreTooNewError } from './store';
import { makeTempDir, removeTempDir } from './testing/temp-store';

let dir: string;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => removeTempDir(dir));

function schemaOf(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
  } finally {
    db.close();
  }
}

// Data a CA Desk at schema version k could have written, in that version's own SQL.
const DATA_AT: Record<number, (db: Database.Database) => void> = {
  1: (db) => {
    db.prepare(
      `INSERT INTO requests (id, client_uuid, provider, method, type, params, priority, card_key, card_seq, local_state,
         operator, search_text, created_at, updated_at)
       VALUES (1, '0d1f6c5e-8f43-4a39-9d59-0a6fb7a1c001', 'nagravision', 'clear_pin', 'CLEAR_CA_PIN', ?, 'REGULAR',
         'serial_number:smrt20000054', 1, 'QUEUED', 'maria', 'S60507 smrt20000054', 1000, 1000)`,
    ).run(JSON.stringify({ subscription_identifier: { number: 'S60507' }, smartcard_identifier: { serial_number: 'smrt20000054' } }));
    db.prepare("INSERT INTO outbox (request_id, card_key, card_seq, priority_rank, ready_at, is_head) VALUES (1, 'serial_number:smrt20000054', 1, 0, 1000, 1)").run();
    // From version 4 on, the created event is the request row itself and can no longer be stored.
    if (schemaVersion(db) < 4) db.prepare("INSERT INTO request_events (request_id, kind, actor, at) VALUES (1, 'created', 'maria', 1000)").run();
    db.prepare("INSERT INTO unresolved_cards (card_key) VALUES ('serial_number:smrt20000054')").run();
    db.prepare("INSERT INTO store_meta (key, value) VALUES ('card_seq', '1')").run();
  },
  2: (db) => {
    db.prepare("INSERT INTO services (id, code, name, updated_at) VALUES ('SV1', 'Gold', 'Gold package', 2000)").run();
    db.prepare("INSERT INTO catalog_cursors (kind, cursor, updated_at) VALUES ('services', 'c-42', 2000)").run();
  },
};

describe('migrations', () => {
  it('numbers migrations 1..n and creates the latest schema on an empty file', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(3);
    const file = path.join(dir, 'fresh.db');
    const store = openStore(file);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    store.close();
    const names = (schemaOf(file) as { name: string }[]).map((r) => r.name);
    for (const table of ['requests', 'outbox', 'request_events', 'smartcards', 'subscriptions_fts', 'services_fts', 'request_counts', 'settings']) {
      expect(names).toContain(table);
    }
  });

  for (let k = 0; k < LATEST_SCHEMA_VERSION; k++) {
    it(`migrates a database from version ${k}, keeping its data, to the schema of a fresh one`, () => {
      const fresh = path.join(dir, 'fresh.db');
      openStore(fresh).close();

      const old = path.join(dir, `v${k}.db`);
      const db = openExclusiveDatabase(old);
      migrate(db, old, k);
      expect(schemaVersion(db)).toBe(k);
      for (let v = 1; v <= k; v++) DATA_AT[v]?.(db);
      db.close();

      const store = openStore(old);
      expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      if (k >= 1) {
        const request = store.getRequest(1);
        expect(request?.local_state).toBe('QUEUED');
        expect(request?.params).toEqual({ subscription_identifier: { number: 'S60507' }, smartcard_identifier: { serial_number: 'smrt20000054' } });
        expect(store.eventsFor(1).map((e) => e.kind)).toEqual(['created']);
        expect(store.claimDue(5000, 10).map((r) => r.id)).toEqual([1]);
        // The next request continues the card's queue behind the old one.
        const next = store.enqueue([{ provider: 'nagravision', method: 'clear_pin', operator: 'maria', params: { subscription_identifier: { number: 'S60507' }, smartcard_identifier: { serial_number: 'smrt20000054' } } }]);
        expect(next.ok && store.getRequest(next.ids[0]!)!.card_seq).toBe(2);
        // Counts kept since migration 005 include the requests written before it.
        expect(store.countByState().QUEUED).toBe(2);
        // Per head-end counts (migration 012) include the request written before them too.
        expect(store.countsPerHourByProvider(0, 3_600_000)).toMatchObject([{ hour: 0, provider: 'nagravision', byState: { QUEUED: 1 } }]);
      }
      if (k >= 2) {
        expect(store.searchCatalog('services', 'gol', 5).map((s) => s.id)).toEqual(['SV1']);
        expect(store.catalogCursor('services')).toBe('c-42');
      }
      store.setSetting('ui.theme', 'dark');
      expect(store.getSetting('ui.theme')).toBe('dark');
      store.close();

      expect(schemaOf(old)).toEqual(schemaOf(fresh));
    });
  }

  it('refuses a database newer than the code, with a typed error, and leaves it untouched', () => {
    const file = path.join(dir, 'newer.db');
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();

    let error: unknown;
    try {
      openStore(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreTooNewError);
    expect((error as StoreTooNewError).foundVersion).toBe(LATEST_SCHEMA_VERSION + 1);
    expect((error as Error).message).toMatch(/newer/);

    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    check.close();
    // The refused open released the file: a normal tool can still open it.
    const again = openExclusiveDatabase(file);
    again.close();
  });

  it('rolls back a migration step that fails, leaving the previous version', () => {
    const file = path.join(dir, 'partial.db');
    const db = openExclusiveDatabase(file);
    migrate(db, file, 1);
    db.exec('CREATE TABLE settings (key TEXT)'); // makes step 3 fail after step 2 succeeded
    expect(() => migrate(db, file)).toThrow(/settings/);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'smartcards'").get()).toEqual({ n: 1 });
    db.close();
  });
});
