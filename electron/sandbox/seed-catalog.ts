// The sandbox catalog, generated from a fixed seed so two head-ends started with
// the same seed and sizes hold the same items, ids and card state. The items of
// the seed examples (S60507, smrt20000054, dc1000015, Gold, Cartoons 1) are always
// there, so the six examples of the wiki work as they are written.
import type { Db } from './headend-db';
import { getMeta, setMeta } from './headend-db';
import type { SeedSize } from './headend-options';

/** Date of every seeded item: the seed examples' week. */
export const SEED_DATE = '2015-09-01T00:00:00';

export const FIXTURE = {
  subscriptionNumber: 'S60507',
  smartcardSerial: 'smrt20000054',
  smartcardCaId: '10020000054',
  stbSerial: 'dc1000015',
  stbCaId: '20010000015',
  entitledService: 'Cartoons 1',
  otherService: 'Gold',
  legacySmartcardSerial: 'smrt30000001',
  unmanagedSmartcardSerial: 'smrt30000002',
} as const;

/** mulberry32: small, fast, and the same sequence on every platform. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hexId(random: () => number): string {
  let out = '';
  for (let i = 0; i < 4; i++) out += Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return out.toUpperCase();
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const THEMES = ['Sports', 'Movies', 'News', 'Cartoons', 'Music', 'Documentaries', 'Kids', 'Series', 'Nature', 'Comedy'];

function serviceNames(count: number): string[] {
  const names = [FIXTURE.otherService, FIXTURE.entitledService, 'Silver', 'Bronze', 'Platinum'];
  for (let n = 1; names.length < count; n++) {
    for (const theme of THEMES) {
      const name = `${theme} ${n}`;
      if (!names.includes(name)) names.push(name);
    }
  }
  return names.slice(0, Math.max(count, 2));
}

/** Fills an empty database; does nothing when it was seeded before (restart, reopen). */
export function seedCatalogIfEmpty(db: Db, seed: number, size: SeedSize): boolean {
  if (getMeta(db, 'seeded_at') !== undefined) return false;
  const random = createPrng(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

  const insertSubscription = db.prepare(
    `INSERT INTO subscriptions (id, number, state, updated_date, revision) VALUES (?, ?, 'ACTIVE', ?, 0)`,
  );
  const insertCard = db.prepare(
    `INSERT INTO smartcards (id, serial_number, alternative_code, ca_id, subscription_number, managed_by_sms,
       legacy, pin_state, pairing_id, updated_date, revision)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'default', ?, ?, 0)`,
  );
  const insertStb = db.prepare(
    `INSERT INTO stbs (id, serial_number, alternative_code, ca_id, subscription_number, pairing_id, updated_date, revision)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0)`,
  );
  const insertService = db.prepare(
    `INSERT INTO services (id, code, alternative_code, name, ca_id, updated_date, revision) VALUES (?, ?, ?, ?, ?, ?, 0)`,
  );
  const insertEntitlement = db.prepare('INSERT OR IGNORE INTO entitlements (smartcard_id, service_id) VALUES (?, ?)');

  db.transaction(() => {
    const serviceIds: string[] = [];
    const names = serviceNames(size.services);
    names.forEach((name, i) => {
      const id = hexId(random);
      serviceIds.push(id);
      insertService.run(id, name, `SRV${pad(i + 1, 4)}`, name, String(1001 + i), SEED_DATE);
    });
    const entitledFixtureService = serviceIds[names.indexOf(FIXTURE.entitledService)]!;

    const subscriptionNumbers: string[] = [FIXTURE.subscriptionNumber];
    insertSubscription.run(hexId(random), FIXTURE.subscriptionNumber, SEED_DATE);
    for (let i = 1; i < size.subscriptions; i++) {
      const number = `S${100000 + i}`;
      subscriptionNumbers.push(number);
      insertSubscription.run(hexId(random), number, SEED_DATE);
    }

    // The fixture card: managed, modern, unpaired, entitled to Cartoons 1 but not Gold.
    const fixtureCardId = hexId(random);
    insertCard.run(
      fixtureCardId, FIXTURE.smartcardSerial, 'SC00020054', FIXTURE.smartcardCaId,
      FIXTURE.subscriptionNumber, 1, 0, null, SEED_DATE,
    );
    insertEntitlement.run(fixtureCardId, entitledFixtureService);
    insertStb.run(hexId(random), FIXTURE.stbSerial, 'STB1000015', FIXTURE.stbCaId, FIXTURE.subscriptionNumber, null, SEED_DATE);

    // Generated card i and STB i share subscription i % subscriptions; most such
    // pairs are paired (pairing id = the card's CA id), a few cards are legacy
    // (no fingerprint / repeating bark) or not managed by this SMS.
    // Card 1 is always legacy and card 2 never managed, so every catalog size
    // can show FEATURE_NOT_AVAILABLE and CLIENT_NOT_MANAGED_BY_SMS.
    const legacy = (i: number) => (i === 1 ? true : i === 2 ? false : chance(0.05));
    const managed = (i: number) => (i === 2 ? false : i === 1 ? true : !chance(0.02));
    const cardCaIds: string[] = [];
    const cardPaired: boolean[] = [];
    for (let i = 1; i < size.smartcards; i++) {
      const id = hexId(random);
      const caId = `1${pad(i, 10)}`;
      cardCaIds.push(caId);
      const paired = i < size.stbs && chance(0.7);
      cardPaired.push(paired);
      insertCard.run(
        id, `smrt3${pad(i, 7)}`, `SC${pad(i, 8)}`, caId, subscriptionNumbers[i % subscriptionNumbers.length]!,
        managed(i) ? 1 : 0, legacy(i) ? 1 : 0, paired ? caId : null, SEED_DATE,
      );
      const serviceCount = Math.floor(random() * 4);
      for (let s = 0; s < serviceCount; s++) insertEntitlement.run(id, pick(serviceIds));
    }
    for (let i = 1; i < size.stbs; i++) {
      const pairedWith = cardPaired[i - 1] === true ? cardCaIds[i - 1]! : null;
      insertStb.run(
        hexId(random), `dc2${pad(i, 6)}`, `STB${pad(i, 8)}`, `2${pad(i, 10)}`,
        subscriptionNumbers[i % subscriptionNumbers.length]!, pairedWith, SEED_DATE,
      );
    }
    setMeta(db, 'seeded_at', new Date().toISOString());
    setMeta(db, 'seed', String(seed));
    setMeta(db, 'seed_size', JSON.stringify(size));
    setMeta(db, 'revision', '0');
  })();
  return true;
}
