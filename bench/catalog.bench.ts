// The local catalog at operator scale: 1M subscriptions, 2M smartcards, 2M
// STBs and 500 services (quick: 10k / 20k / 20k / 500), generated from a fixed
// seed in the shape the catalog sync writes (electron/sync/catalog-sync.ts
// toCatalogRow), loaded through the store in pages as the sync does (one
// transaction per page, every row validated). Then the pickers' questions
// through catalog.search's service (8 items, as the compose screen asks) and
// the card page (requests.card). Every answer is checked: each search finds
// the item it was built to find, the card page shows its requests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CatalogKind, CatalogRows } from '../shared/domain/catalog';
import { createPrng, hexId } from '../electron/sandbox/seed-catalog';
import { searchCatalogItems } from '../electron/services/catalog-service';
import { cardView } from '../electron/services/card-view';
import { openStore, type Store } from '../electron/store/store';
import { check, figure, megabytes, percentile, rssMiB, type BenchOptions } from './bench-report';

const PAGE = 5_000;
const SEARCHES = 300;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

interface Sizes {
  subscriptions: number;
  smartcards: number;
  stbs: number;
  services: number;
}

/** Item i of each kind: the same on every run (ids from a seeded generator, identifiers from i). */
class Generator {
  private readonly random = createPrng(14);
  readonly serviceIds: string[] = [];
  readonly subscriptionIds: string[] = [];

  constructor(private readonly sizes: Sizes) {}

  services(): CatalogRows['services'][] {
    return Array.from({ length: this.sizes.services }, (_, i) => {
      const id = hexId(this.random);
      this.serviceIds.push(id);
      return { id, code: `SRV${pad(i, 4)}`, alternative_code: `A${pad(i, 4)}`, name: `Package ${i}`, ca_id: String(1001 + i), data: { revision: 0 } };
    });
  }

  subscription(i: number): CatalogRows['subscriptions'] {
    const id = hexId(this.random);
    this.subscriptionIds.push(id);
    return { id, number: `S${pad(100_000 + i, 7)}`, name: null, state: 'ACTIVE', data: { revision: 0, updated_date: '2015-09-01T00:00:00' } };
  }

  smartcard(i: number): CatalogRows['smartcards'] {
    const entitlements = Array.from({ length: Math.floor(this.random() * 4) }, () => this.serviceIds[Math.floor(this.random() * this.serviceIds.length)]!);
    return {
      id: hexId(this.random),
      serial_number: `smrt3${pad(i, 7)}`,
      alternative_code: `SC${pad(i, 8)}`,
      ca_id: `1${pad(i, 10)}`,
      subscription_id: this.subscriptionIds[i % this.subscriptionIds.length]!,
      paired_stb_id: null,
      pairing: i % 10 < 7 ? { pairing_id: `1${pad(i, 10)}` } : null,
      entitlements,
      pin_state: 'default',
      data: { managed_by_sms: i % 50 !== 0, legacy: i % 20 === 0, revision: 0 },
    };
  }

  stb(i: number): CatalogRows['stbs'] {
    return {
      id: hexId(this.random),
      serial_number: `dc2${pad(i, 7)}`,
      alternative_code: `STB${pad(i, 8)}`,
      ca_id: `2${pad(i, 10)}`,
      subscription_id: this.subscriptionIds[i % this.subscriptionIds.length]!,
      paired_smartcard_id: null,
      data: { revision: 0 },
    };
  }
}

/** Loads `count` items of `kind` in pages; returns the milliseconds spent in the store (generation excluded). */
function load<K extends CatalogKind>(store: Store, kind: K, count: number, item: (i: number) => CatalogRows[K]): number {
  let ms = 0;
  for (let from = 0; from < count; from += PAGE) {
    const rows = Array.from({ length: Math.min(PAGE, count - from) }, (_, k) => item(from + k));
    const start = performance.now();
    const result = store.upsertCatalog(kind, rows);
    ms += performance.now() - start;
    check(result.ok && result.count === rows.length, `loading ${kind}: page at ${from} refused ${result.ok ? '' : JSON.stringify(result.errors.slice(0, 2))}`);
  }
  return ms;
}

/** p99 and median (ms) of `SEARCHES` searches; `query(n)` gives the text and what the answer must hold. */
function searchFigure(store: Store, name: string, kind: CatalogKind, query: (n: number) => { text: string; expect: string }): void {
  const times: number[] = [];
  const random = createPrng(99);
  for (let n = 0; n < SEARCHES; n++) {
    const { text, expect } = query(Math.floor(random() * 1_000_000_000));
    const start = performance.now();
    const items = searchCatalogItems(store, kind, text, 8);
    times.push(performance.now() - start);
    check(items.length > 0 && items.length <= 8, `${name}: "${text}" found ${items.length} items`);
    check(items.some((i) => Object.values(i.identifier).includes(expect) || i.ca_id === expect), `${name}: "${text}" did not find ${expect}`);
  }
  figure(`search: ${name} (p99 of ${SEARCHES})`, percentile(times, 99), 'ms', { max: 10 }, `median ${percentile(times, 50).toFixed(2)} ms, 8 items at most`);
}

export async function run(options: BenchOptions): Promise<void> {
  const sizes: Sizes = options.quick
    ? { subscriptions: 10_000, smartcards: 20_000, stbs: 20_000, services: 500 }
    : { subscriptions: 1_000_000, smartcards: 2_000_000, stbs: 2_000_000, services: 500 };
  const total = sizes.subscriptions + sizes.smartcards + sizes.stbs + sizes.services;
  const n = (v: number) => v.toLocaleString('en-US');
  console.log(`catalog (${n(sizes.subscriptions)} subscriptions, ${n(sizes.smartcards)} smartcards, ${n(sizes.stbs)} STBs, ${n(sizes.services)} services; pages of ${n(PAGE)})`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-bench-catalog-'));
  const file = path.join(dir, 'catalog.db');
  const store = openStore(file);
  try {
    const gen = new Generator(sizes);
    const services = gen.services();
    let ms = load(store, 'services', services.length, (i) => services[i]!);
    const perKind: string[] = [];
    for (const [kind, count, item] of [
      ['subscriptions', sizes.subscriptions, (i: number) => gen.subscription(i)],
      ['smartcards', sizes.smartcards, (i: number) => gen.smartcard(i)],
      ['stbs', sizes.stbs, (i: number) => gen.stb(i)],
    ] as const) {
      const kindMs = load(store, kind, count, item as (i: number) => CatalogRows[typeof kind]);
      perKind.push(`${kind} ${n(Math.round(count / (kindMs / 1000)))}/s`);
      ms += kindMs;
    }
    const size = megabytes(fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0));
    figure(`catalog load, ${n(total)} items through upsertCatalog`, total / (ms / 1000), 'items/s', { min: 200_000 }, `${(ms / 1000).toFixed(1)} s in the store (validation included, generation not); ${perKind.join(', ')}`);

    const random = createPrng(7);
    const card = (r: number) => r % sizes.smartcards;
    searchFigure(store, 'smartcard serial, whole', 'smartcards', (r) => ({ text: `smrt3${pad(card(r), 7)}`, expect: `smrt3${pad(card(r), 7)}` }));
    searchFigure(store, 'smartcard serial, first 10 of 12 characters', 'smartcards', (r) => {
      const i = card(r) - (card(r) % 100);
      return { text: `smrt3${pad(i, 7)}`.slice(0, 10), expect: `smrt3${pad(i, 7)}` };
    });
    searchFigure(store, 'smartcard CA id prefix (9 of 11 digits)', 'smartcards', (r) => {
      const i = card(r) - (card(r) % 100);
      return { text: `1${pad(i, 10)}`.slice(0, 9), expect: `1${pad(i, 10)}` };
    });
    searchFigure(store, 'smartcard alternative code prefix, lower case', 'smartcards', (r) => {
      const i = card(r) - (card(r) % 10);
      return { text: `sc${pad(i, 8)}`.slice(0, 9), expect: `SC${pad(i, 8)}` };
    });
    searchFigure(store, 'STB serial prefix', 'stbs', (r) => {
      const i = (r % sizes.stbs) - ((r % sizes.stbs) % 10);
      return { text: `dc2${pad(i, 7)}`.slice(0, 9), expect: `dc2${pad(i, 7)}` };
    });
    searchFigure(store, 'subscription number', 'subscriptions', (r) => {
      const number = `S${pad(100_000 + (r % sizes.subscriptions), 7)}`;
      return { text: number, expect: number };
    });
    searchFigure(store, 'short prefix "smrt3" (millions match)', 'smartcards', () => ({ text: 'smrt3', expect: 'smrt30000000' }));

    // The card page: a card with requests queued, by its catalog key.
    const cards = Array.from({ length: 20 }, () => Math.floor(random() * sizes.smartcards));
    const inputs = cards.flatMap((i) =>
      Array.from({ length: 10 }, (_, k) => ({
        provider: 'conax',
        method: 'send_mail_message_to_client',
        params: { smartcard_identifier: { serial_number: `smrt3${pad(i, 7)}` }, message_text: `notice ${k}` },
        operator: 'bench',
      })),
    );
    const queued = store.enqueue(inputs);
    check(queued.ok && queued.ids.length === inputs.length, 'queueing requests for the card page failed');
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const i of cards) {
        const key = store.cardKeyFor('smartcard', { serial_number: `smrt3${pad(i, 7)}` });
        const start = performance.now();
        const page = cardView(store, key);
        times.push(performance.now() - start);
        check(key.startsWith('id:') && page.requests.length === 10 && page.identity.serial_number === `smrt3${pad(i, 7)}`, `card page of smrt3${pad(i, 7)}: ${page.requests.length} requests, serial ${page.identity.serial_number}`);
      }
    }
    figure(`card page (cards.get) (p99 of ${times.length})`, percentile(times, 99), 'ms', { max: 50 }, `median ${percentile(times, 50).toFixed(2)} ms; 10 requests and the card's last known state`);
    figure('store size with the catalog (file + WAL)', size, 'MiB', null);
    figure(`RSS of this process with the ${n(total)}-item catalog open`, rssMiB(), 'MiB', { max: 400 });
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
