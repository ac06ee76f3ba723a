import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/store';
import { tempStore } from '../store/testing/temp-store';
import { toCatalogRow } from '../sync/catalog-sync';
import { searchCatalogItems } from './catalog-service';

// Picker items from a real catalog file, filled as the sync engine fills it
// (toCatalogRow of the head-end's export): each names the card's
// subscription, services, pairing and PIN state, and says whether the text
// typed is exactly one of its identifiers.

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
  store.upsertCatalog('subscriptions', [toCatalogRow('subscriptions', { id: 'SUB1', number: 'S60507', name: 'Bronze household', state: 'ACTIVE' })]);
  store.upsertCatalog('smartcards', [
    toCatalogRow('smartcards', {
      id: 'SC1', serial_number: 'smrt20000054', ca_id: '10020000054', subscription_number: 'S60507', pairing_id: 'PAIR-18573',
      services: ['Bronze', 'Movies 1', 'Music 2'], pin_state: 'default', managed_by_sms: true,
    }),
    toCatalogRow('smartcards', { id: 'SC2', serial_number: 'smrt200000541', ca_id: '10020000055' }),
  ]);
  store.upsertCatalog('stbs', [toCatalogRow('stbs', { id: 'B1', serial_number: 'dc1000015', ca_id: '7001', subscription_number: 'S60507', pairing_id: 'PAIR-18573' })]);
});
afterEach(() => t.done());

const detailsOf = (items: ReturnType<typeof searchCatalogItems>, id: string) =>
  Object.fromEntries(items.find((i) => i.identifier.id === id)!.details.map((d) => [d.label, d.value]));

describe('catalog picker items', () => {
  it('a smartcard shows its CA id, subscription (name and state), services, pairing and PIN state', () => {
    const items = searchCatalogItems(store, 'smartcards', 'smrt2000005', 8);
    expect(items.map((i) => i.identifier.id)).toEqual(['SC1', 'SC2']);
    expect(detailsOf(items, 'SC1')).toEqual({
      'CA id': '10020000054',
      Subscription: 'S60507 · Bronze household · ACTIVE',
      Services: 'Bronze, Movies 1, Music 2',
      'Paired with': 'PAIR-18573',
      PIN: 'default',
    });
    expect(detailsOf(items, 'SC2')).toEqual({ 'CA id': '10020000055', 'Paired with': 'not paired' });
  });

  it('an STB shows its subscription and pairing', () => {
    expect(detailsOf(searchCatalogItems(store, 'stbs', 'DC1000015', 8), 'B1')).toEqual({ 'CA id': '7001', Subscription: 'S60507 · Bronze household · ACTIVE', 'Paired with': 'PAIR-18573' });
  });

  it('marks the item whose serial or CA id is exactly the text typed (any letter case), and only it', () => {
    const bySerial = searchCatalogItems(store, 'smartcards', 'SMRT20000054', 8);
    expect(bySerial.filter((i) => i.exact).map((i) => i.identifier.id)).toEqual(['SC1']);
    expect(searchCatalogItems(store, 'smartcards', '10020000055', 8).filter((i) => i.exact).map((i) => i.identifier.id)).toEqual(['SC2']);
    expect(searchCatalogItems(store, 'smartcards', 'smrt2000', 8).some((i) => i.exact)).toBe(false);
    expect(searchCatalogItems(store, 'smartcards', 'smrt99999999', 8)).toEqual([]);
  });
});
