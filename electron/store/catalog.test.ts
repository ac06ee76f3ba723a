import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError, type Store } from './store';
import { tempStore } from './test-support/temp-store';

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
    expect(() => raw.prepare("INSERT INTO stbs_fts (stbs_fts) VALUES ('integrity-check')").run()).not.toThrow();
    raw.close();
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
