// Import of the operator's catalog export into a real SQLite store: 100k
// smartcards checked in a dry run (nothing written) and committed; bad rows and
// bad files refuse the commit and name line and column; an import keeps what a
// lookup taught (merge), subscription numbers resolve to local subscriptions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/store';
import { tempStore } from '../store/testing/temp-store';
import { CATALOG_IMPORT_COLUMNS, importCatalogCsv } from './catalog-import';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.done());

const DEVICES = 100_000;
const pad = (n: number) => String(n).padStart(8, '0');

function deviceExport(count: number): string {
  const lines = ['id,serial_number,alternative_code,ca_id,subscription_id,updated_date'];
  for (let i = 0; i < count; i++) {
    lines.push(`SC${pad(i)},smrt${pad(i)},ALT${pad(i)},100${pad(i)},SUB${pad(i % 5000)},2026-11-30T12:00:00`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('catalog import from the operator\'s CSV export', () => {
  it('100k smartcards: a dry run writes nothing, the commit writes them all into the SQLite file', async () => {
    const csv = deviceExport(DEVICES);
    let progressCalls = 0;
    const dry = await importCatalogCsv(t.store, 'smartcards', csv, { dryRun: true, onProgress: () => void (progressCalls += 1) });
    expect(dry).toMatchObject({ total: DEVICES, valid: DEVICES, invalid: 0, imported: 0, fileErrors: [], errors: [] });
    expect(progressCalls).toBeGreaterThan(10);
    expect(t.store.searchCatalog('smartcards', 'smrt', 5)).toEqual([]);

    const started = Date.now();
    const commit = await importCatalogCsv(t.store, 'smartcards', csv, { dryRun: false });
    expect(commit).toMatchObject({ total: DEVICES, valid: DEVICES, imported: DEVICES });
    expect(Date.now() - started).toBeLessThan(60_000);

    // reopen the file: the rows are on disk
    t.store.close();
    t.store = openStore(t.file);
    const last = `smrt${pad(DEVICES - 1)}`;
    expect(t.store.searchCatalog('smartcards', last, 5)).toEqual([
      expect.objectContaining({ id: `SC${pad(DEVICES - 1)}`, ca_id: `100${pad(DEVICES - 1)}`, data: { log_information: { updated_date: '2026-11-30T12:00:00' } } }),
    ]);
    expect(t.store.searchCatalog('smartcards', `100${pad(4242)}`, 5).map((r) => r.serial_number)).toEqual([`smrt${pad(4242)}`]);
  }, 120_000);

  it('one bad row refuses the commit, naming line and column, never the value', async () => {
    const csv = [
      'id,serial_number,ca_id,updated_date',
      'SC1,smrt1,1001,2026-11-30T12:00:00',
      'SC2,smrt2,1002,30/11/2026',
      ',smrt3,1003,',
      'SC1,smrt4,1004,',
    ].join('\n');
    const report = await importCatalogCsv(t.store, 'smartcards', csv, { dryRun: false });
    expect(report).toMatchObject({ total: 4, valid: 1, invalid: 3, imported: 0 });
    expect(report.errors).toEqual([
      { line: 3, field: 'updated_date', message: expect.stringContaining('YYYY-MM-DDTHH:MM:SS') },
      { line: 4, field: 'id', message: expect.any(String) },
      { line: 5, field: 'id', message: 'the same id is on line 2' },
    ]);
    expect(JSON.stringify(report.errors)).not.toContain('30/11/2026');
    expect(t.store.getCatalogItem('smartcards', 'SC1')).toBeUndefined();
  });

  it('refuses a file with unknown or missing columns, and a binary file', async () => {
    const unknown = await importCatalogCsv(t.store, 'services', 'id,code,colour\nS1,Gold,red\n', { dryRun: true });
    expect(unknown.fileErrors).toEqual([`unknown column "colour" for services: the columns are ${CATALOG_IMPORT_COLUMNS.services.join(', ')}`]);
    const noId = await importCatalogCsv(t.store, 'stbs', 'serial_number\ndc1\n', { dryRun: true });
    expect(noId.fileErrors[0]).toContain('missing column "id"');
    const binary = await importCatalogCsv(t.store, 'stbs', 'PK\u0003\u0004\u0000\u0000binary', { dryRun: true });
    expect(binary.fileErrors[0]).toContain('not a CSV file');
  });

  it('services with CA ids; subscription numbers resolve to local subscriptions; a lookup\'s data survives', async () => {
    const subs = await importCatalogCsv(t.store, 'subscriptions', 'id,number,state\nSUBID1,S60507,EFFECTIVE\n', { dryRun: false });
    expect(subs.imported).toBe(1);
    const stbs = await importCatalogCsv(t.store, 'stbs', 'id,serial_number,ca_id,subscription_number\nB1,dc1000015,20010000015,S60507\nB2,dc2,2002,S99999\n', { dryRun: false });
    expect(stbs.errors).toEqual([{ line: 3, field: 'subscription_number', message: 'is not in the local catalog: import the subscriptions first' }]);
    const fixed = await importCatalogCsv(t.store, 'stbs', 'id,serial_number,ca_id,subscription_number\nB1,dc1000015,20010000015,S60507\n', { dryRun: false });
    expect(fixed.imported).toBe(1);
    expect(t.store.getCatalogItem('stbs', 'B1')).toMatchObject({ subscription_id: 'SUBID1', ca_id: '20010000015' });

    // a CRM.COM lookup cached this service (no CA id); the import adds the CA id and keeps the rest
    t.store.mergeCatalog('services', [{ id: 'P1', code: 'Gold', name: 'Gold package', data: { log_information: { updated_date: '2026-11-01T00:00:00' } } }]);
    const services = await importCatalogCsv(t.store, 'services', 'id,code,ca_id\nP1,Gold,0042\n', { dryRun: false });
    expect(services.imported).toBe(1);
    expect(t.store.getCatalogItem('services', 'P1')).toMatchObject({ code: 'Gold', name: 'Gold package', ca_id: '0042', data: { log_information: { updated_date: '2026-11-01T00:00:00' } } });
  });
});
