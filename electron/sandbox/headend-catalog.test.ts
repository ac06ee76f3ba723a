import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLocalDateTime } from '../../shared/domain/dates';
import { CatalogRepo } from './catalog-repo';
import { openHeadendDb } from './headend-db';
import { resolveOptions } from './headend-options';
import { FIXTURE, seedCatalogIfEmpty } from './seed-catalog';
import { startFixture, type Fixture } from './testing/headend-fixture';
import { httpCall } from './testing/sandbox-probe';

type Item = Record<string, unknown>;

describe('seed catalog', () => {
  const dirs: string[] = [];
  const tempDb = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-'));
    dirs.push(dir);
    return openHeadendDb(dir);
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('defaults to 10k subscriptions, 20k smartcards, 15k STBs, 50 services with 11-digit card CA ids', () => {
    const { seedSize, seed } = resolveOptions();
    expect(seedSize).toEqual({ subscriptions: 10_000, smartcards: 20_000, stbs: 15_000, services: 50 });
    const db = tempDb();
    expect(seedCatalogIfEmpty(db, seed, seedSize)).toBe(true);
    const repo = new CatalogRepo(db);
    expect(repo.counts()).toEqual({ subscriptions: 10_000, smartcards: 20_000, stbs: 15_000, services: 50 });
    const bad = db.prepare("SELECT count(*) AS n FROM smartcards WHERE ca_id NOT GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'").get() as { n: number };
    expect(bad.n).toBe(0);
    expect(seedCatalogIfEmpty(db, seed, seedSize)).toBe(false);
    db.close();
  });

  it('is deterministic for a seed, different for another, and always holds the seed examples\' items', () => {
    const size = { subscriptions: 30, smartcards: 50, stbs: 40, services: 12 };
    const dump = (seed: number) => {
      const db = tempDb();
      seedCatalogIfEmpty(db, seed, size);
      const repo = new CatalogRepo(db);
      const out = Object.fromEntries(
        (['subscriptions', 'smartcards', 'stbs', 'services'] as const).map((k) => [k, repo.exportPage(k, 1, 1000, {}).items]),
      );
      db.close();
      return out;
    };
    const a = dump(7);
    expect(dump(7)).toEqual(a);
    expect(dump(8)).not.toEqual(a);
    const card = (a.smartcards as Item[]).find((c) => c.serial_number === FIXTURE.smartcardSerial)!;
    expect(card).toMatchObject({ ca_id: FIXTURE.smartcardCaId, subscription_number: 'S60507', services: ['Cartoons 1'], pairing_id: null });
    expect((a.stbs as Item[]).some((s) => s.serial_number === 'dc1000015')).toBe(true);
    expect((a.services as Item[]).map((s) => s.code)).toEqual(expect.arrayContaining(['Gold', 'Cartoons 1']));
    expect((a.subscriptions as Item[]).some((s) => s.number === 'S60507')).toBe(true);
    expect(a.services).toHaveLength(12);
  });
});

describe('catalog export over HTTP', () => {
  let fx: Fixture;
  afterEach(() => fx.stop());

  it('pages every kind, needs a token, and serves what changed by revision or date', async () => {
    fx = await startFixture({ processingDelayMs: 0 });
    const token = await fx.login();
    const page = (kind: string, query: Record<string, string> = {}) =>
      httpCall(fx.headend.baseUrl, 'GET', `/sandbox/catalog/${kind}`, undefined, { token, ...query });

    expect((await httpCall(fx.headend.baseUrl, 'GET', '/sandbox/catalog/smartcards')).body.status.code).toBe('INVALID_PARAMETERS');
    expect((await httpCall(fx.headend.baseUrl, 'GET', '/sandbox/catalog/smartcards', undefined, { token: 'F'.repeat(32) })).body.status.code).toBe('UNAUTHORIZED');
    expect((await page('printers')).body.status.code).toBe('NOT_FOUND');
    expect((await page('stbs', { records_per_page: '5000' })).body.status.description).toContain('records_per_page');

    const seen: Item[] = [];
    for (let p = 1; ; p++) {
      const res = await page('smartcards', { page: String(p), records_per_page: '15' });
      seen.push(...(res.body.data as Item[]));
      if (p >= res.body.paging!.total_pages!) break;
    }
    expect(seen).toHaveLength(40);
    expect(new Set(seen.map((c) => c.id)).size).toBe(40);
    expect(seen.every((c) => !('pin_hash' in c))).toBe(true);
    for (const kind of ['subscriptions', 'stbs', 'services']) {
      const res = await page(kind);
      expect(res.body.paging!.total_records).toBe(res.body.data instanceof Array ? (res.body.data as Item[]).length : -1);
    }

    const revision = (await page('smartcards', { records_per_page: '1' })).body.paging!.catalog_revision!;
    const since = formatLocalDateTime(new Date());
    const done = await fx.nagra('pair_smartcard_decoder', {
      token, smartcard_identifier: { serial_number: 'smrt20000054' }, stb_identifier: { serial_number: 'dc1000015' }, process_immediately: true,
    });
    expect((done.data as { life_cycle_state: string }).life_cycle_state).toBe('COMPLETED');
    const changedCards = (await page('smartcards', { revision_after: String(revision) })).body.data as Item[];
    expect(changedCards.map((c) => c.serial_number)).toEqual(['smrt20000054']);
    expect(changedCards[0]!.pairing_id).toMatch(/^PAIR-/);
    const changedStbs = (await page('stbs', { updated_after: since })).body.data as Item[];
    expect(changedStbs.map((s) => s.serial_number)).toEqual(['dc1000015']);
    expect((await page('subscriptions', { revision_after: String(revision) })).body.data).toEqual([]);
    expect((await page('stbs', { updated_after: 'yesterday' })).body.status.description).toContain('updated_after');
  });
});
