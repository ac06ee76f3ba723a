import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError, type Store } from './store';
import { tempStore } from './testing/temp-store';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore({ clock: () => 42 });
  store = t.store;
});
afterEach(() => t.done());

describe('catalog', () => {
  it('upserts rows and finds them by prefix of serials, codes and names', () => {
    expect(
      store.upsertCatalog('smartcards', [
        { id: 'SC1', serial_number: 'smrt20000054', ca_id: 'smrt200000', subscription_id: 'SUB1', entitlements: ['Gold'], pin_state: 'SET' },
        { id: 'SC2', serial_number: 'smrt30000001', alternative_code: 'ALT-9' },
      ]),
    ).toEqual({ ok: true, count: 2 });
    expect(store.searchCatalog('smartcards', 'smrt2000', 10).map((r) => r.id)).toEqual(['SC1']);
    expect(store.searchCatalog('smartcards', 'smrt', 10).map((r) => r.id).sort()).toEqual(['SC1', 'SC2']);
    expect(store.searchCatalog('smartcards', 'alt-9', 10).map((r) => r.id)).toEqual(['SC2']);
    expect(store.searchCatalog('smartcards', 'nothing', 10)).toEqual([]);
    expect(store.searchCatalog('smartcards', '  "*( ', 10)).toEqual([]); // no FTS syntax leaks through
    expect(store.getCatalogItem('smartcards', 'SC1')).toEqual({
      id: 'SC1', serial_number: 'smrt20000054', alternative_code: null, ca_id: 'smrt200000', subscription_id: 'SUB1',
      paired_stb_id: null, pairing: null, entitlements: ['Gold'], pin_state: 'SET', data: null, updated_at: 42,
    });

    store.upsertCatalog('services', [{ id: 'SV1', code: 'Cartoons 1', name: 'Cartoons for kids' }, { id: 'SV2', code: 'Gold', name: 'Gold package' }]);
    expect(store.searchCatalog('services', 'cart kid', 10).map((r) => r.id)).toEqual(['SV1']);
    expect(store.searchCatalog('services', 'gol', 10).map((r) => r.id)).toEqual(['SV2']);
  });

  it('keeps the search index in step with updates and removals', () => {
    store.upsertCatalog('stbs', [{ id: 'B1', serial_number: 'dc1000015' }]);
    store.upsertCatalog('stbs', [{ id: 'B1', serial_number: 'dc2000020', paired_smartcard_id: 'SC1' }]);
    expect(store.searchCatalog('stbs', 'dc1000', 10)).toEqual([]);
    expect(store.searchCatalog('stbs', 'dc2000', 10).map((r) => [r.id, r.paired_smartcard_id])).toEqual([['B1', 'SC1']]);
    expect(store.removeCatalog('stbs', ['B1', 'B-missing'])).toBe(1);
    expect(store.searchCatalog('stbs', 'dc2000', 10)).toEqual([]);
    store.close();
    const raw = new Database(t.file);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => raw.prepare("INSERT INTO services_fts (services_fts) VALUES ('integrity-check')").run()).not.toThrow();
    expect(() => raw.prepare("INSERT INTO subscriptions_fts (subscriptions_fts) VALUES ('integrity-check')").run()).not.toThrow();
    raw.close();
  });

  it('finds subscriptions by number prefix and by words of their name, and follows a renamed one', () => {
    store.upsertCatalog('subscriptions', [
      { id: 'A1', number: 'S100017', name: 'Maria Papadopoulou' },
      { id: 'A2', number: 'S100018' },
      { id: 'A3', number: 'S200001', name: 'Nikos Georgiou' },
    ]);
    expect(store.searchCatalog('subscriptions', 's1000', 10).map((r) => r.id)).toEqual(['A1', 'A2']);
    expect(store.searchCatalog('subscriptions', 'S100018', 10).map((r) => r.id)).toEqual(['A2']);
    expect(store.searchCatalog('subscriptions', 'papado mar', 10).map((r) => r.id)).toEqual(['A1']);
    expect(store.searchCatalog('subscriptions', 'S1', 1).map((r) => r.id)).toEqual(['A1']);
    store.upsertCatalog('subscriptions', [{ id: 'A1', number: 'S100017', name: 'Maria Ioannou' }, { id: 'A3', number: 'S200001' }]);
    expect(store.searchCatalog('subscriptions', 'papado', 10)).toEqual([]);
    expect(store.searchCatalog('subscriptions', 'ioann', 10).map((r) => r.id)).toEqual(['A1']);
    expect(store.searchCatalog('subscriptions', 'nikos', 10)).toEqual([]);
    expect(store.removeCatalog('subscriptions', ['A1'])).toBe(1);
    expect(store.searchCatalog('subscriptions', 'ioann', 10)).toEqual([]);
  });

  it('finds cards by a prefix of any identifier in any letter case, each card once, at most limit', () => {
    store.upsertCatalog('smartcards', [
      { id: 'C1', serial_number: 'smrt30000001', alternative_code: 'SC00000001', ca_id: '10000000001' },
      { id: 'C2', serial_number: 'smrt30000002', alternative_code: 'SC00000002', ca_id: '10000000002' },
      { id: 'C3', serial_number: 'SMRT30000003', alternative_code: 'sc00000003', ca_id: '10000000003' },
    ]);
    expect(store.searchCatalog('smartcards', 'SMRT3000000', 10).map((r) => r.id).sort()).toEqual(['C1', 'C2', 'C3']);
    expect(store.searchCatalog('smartcards', 'sc0000000', 10).map((r) => r.id).sort()).toEqual(['C1', 'C2', 'C3']);
    expect(store.searchCatalog('smartcards', '1000000000', 2).map((r) => r.id)).toEqual(['C1', 'C2']);
    expect(store.searchCatalog('smartcards', 'c2', 10).map((r) => r.id)).toEqual(['C2']);
    expect(store.searchCatalog('smartcards', '%', 10)).toEqual([]);
  });

  it('refuses a batch with a bad row, naming it, and writes none', () => {
    const result = store.upsertCatalog('subscriptions', [{ id: 'S1', number: 'S60507' }, { id: '', number: 'S2' }, { id: 'S3', colour: 'red' } as never]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => [e.index, e.field])).toEqual([
      [1, 'id'],
      [2, 'colour'],
    ]);
    expect(store.searchCatalog('subscriptions', 'S60507', 10)).toEqual([]);
    expect(() => store.searchCatalog('decoders' as never, 'x', 1)).toThrow(StoreInputError);
  });

  it('keeps a cursor per kind for incremental sync', () => {
    expect(store.catalogCursor('smartcards')).toBeNull();
    store.setCatalogCursor('smartcards', '2026-01-05T09:00:00|SC9');
    store.setCatalogCursor('services', 'page-3');
    store.setCatalogCursor('smartcards', '2026-01-06T09:00:00|SC1');
    expect(store.catalogCursor('smartcards')).toBe('2026-01-06T09:00:00|SC1');
    expect(store.catalogCursor('services')).toBe('page-3');
  });

  it('normalizes a card to its catalog id so every name of it shares one queue', () => {
    store.upsertCatalog('smartcards', [{ id: 'SC1', serial_number: 'smrt20000054', ca_id: 'smrt200000' }]);
    expect(store.cardKeyFor('smartcard', { serial_number: 'smrt20000054' })).toBe('id:SC1');
    expect(store.cardKeyFor('smartcard', { ca_id: 'smrt200000' })).toBe('id:SC1');
    expect(store.cardKeyFor('smartcard', { serial_number: 'unknown' })).toBe('serial_number:unknown');
    expect(store.cardKeyFor('stb', { id: 'B1' })).toBe('stb:id:B1');
  });
});

describe('settings', () => {
  it('stores, replaces and removes text values', () => {
    expect(store.getSetting('headend.nagravision.host')).toBeUndefined();
    store.setSetting('headend.nagravision.host', '127.0.0.1');
    store.setSetting('headend.nagravision.host', '127.0.0.2');
    expect(store.getSetting('headend.nagravision.host')).toBe('127.0.0.2');
    store.setSetting('headend.nagravision.host', null);
    expect(store.getSetting('headend.nagravision.host')).toBeUndefined();
    expect(() => store.setSetting('', 'x')).toThrow(StoreInputError);
  });
});
