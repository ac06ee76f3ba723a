// Catalog lookups against the real sandbox's CRM.COM V4 profile (port 0) into a
// real SQLite store: each lookup is cached with its updated_date, pickers find it
// offline after one online lookup, a lookup never erases an imported CA id, and
// the services list pages until an empty page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIALS } from '../sandbox/headend-options';
import { FIXTURE } from '../sandbox/seed-catalog';
import { startHeadend, type RunningHeadend } from '../sandbox/start-headend';
import { tempStore } from '../store/testing/temp-store';
import { CrmcomCatalogLookup, CrmcomLookupError, type CrmcomGet } from './crmcom-catalog-lookup';
import { OK, startScriptedServer, type ScriptedServer } from './testing/crmcom-scripted-server';

const SERVICES = 8;

describe('CRM.COM V4 catalog lookups cached in the local catalog', () => {
  let headend: RunningHeadend;
  let t: ReturnType<typeof tempStore>;
  let token: string;
  let calls: string[];
  /** What the client transport provides: GET below the base path, token added, the envelope back. */
  const get: CrmcomGet = async (path, query) => {
    calls.push(path);
    const url = new URL(`${headend.crmcomUrl}/${path}`);
    for (const [k, v] of Object.entries({ ...query, token })) url.searchParams.set(k, v);
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.json();
  };
  let lookup: CrmcomCatalogLookup;

  beforeAll(async () => {
    headend = await startHeadend({ seedSize: { subscriptions: 20, smartcards: 40, stbs: 30, services: SERVICES }, processingPaused: true });
    const login = await fetch(`${headend.crmcomUrl}/authentication/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DEFAULT_CREDENTIALS),
    });
    token = ((await login.json()) as { data: { token: string } }).data.token;
    t = tempStore();
    calls = [];
    lookup = new CrmcomCatalogLookup(get, t.store, { release: 'R17_3', pageSize: 3 });
  });
  afterAll(async () => {
    await headend.close();
    t.done();
  });

  it('caches a smartcard by serial and by CA id, an STB, a subscription with its devices, a product; updated_date kept', async () => {
    // an operator import gave this card's CA id before any lookup
    expect(t.store.mergeCatalog('smartcards', [{ id: 'IMPORTED-ONLY', serial_number: 'other', ca_id: 'x' }]).ok).toBe(true);
    const card = await lookup.device('serial_number', FIXTURE.smartcardSerial);
    if (!card.found) throw new Error(card.reason);
    expect(card).toMatchObject({ source: 'online', kind: 'smartcards', row: { serial_number: FIXTURE.smartcardSerial, ca_id: null } });
    expect((card.row.data as { log_information: { updated_date: string } }).log_information.updated_date).toMatch(/^\d{4}-\d\d-\d\dT/);

    const byCa = await lookup.deviceByCaId('smartcards', FIXTURE.smartcardCaId);
    expect(byCa).toMatchObject({ found: true, row: { id: card.row.id, ca_id: FIXTURE.smartcardCaId } });
    // a later lookup by serial (no CA id in its answer) keeps the CA id learnt
    const again = await lookup.device('alternative_code', card.row.alternative_code!);
    expect(again).toMatchObject({ found: true, row: { ca_id: FIXTURE.smartcardCaId } });

    const stb = await lookup.device('serial_number', FIXTURE.stbSerial);
    expect(stb).toMatchObject({ found: true, kind: 'stbs' });

    const sub = await lookup.subscription('number', FIXTURE.subscriptionNumber);
    if (!sub.found) throw new Error(sub.reason);
    expect(sub.row).toMatchObject({ number: FIXTURE.subscriptionNumber, state: 'EFFECTIVE' });
    expect(t.store.getCatalogItem('smartcards', card.row.id ?? '')).toMatchObject({ subscription_id: sub.row.id, ca_id: FIXTURE.smartcardCaId });

    const gold = await lookup.product('code', FIXTURE.otherService);
    expect(gold).toMatchObject({ found: true, row: { code: FIXTURE.otherService } });
    const missing = await lookup.device('serial_number', 'no-such-card');
    expect(missing).toMatchObject({ found: false, source: 'online' });
  });

  it('lists the services of the services type, paging until an empty page', async () => {
    calls = [];
    expect(await lookup.listServices()).toBe(SERVICES);
    // Pages of 3 by offset, the last one empty (a short page may be a server's cap, not the end).
    expect(calls.filter((c) => c === 'products/list')).toHaveLength(Math.floor((SERVICES + 1) / 3) + 1);
    expect(t.store.searchCatalog('services', FIXTURE.entitledService, 5).map((r) => r.code)).toContain(FIXTURE.entitledService);
    const old = new CrmcomCatalogLookup(get, t.store, { release: 'R12', pageSize: 3 });
    calls = [];
    expect(await old.listServices()).toBe(SERVICES);
    expect(calls).toEqual(['products/list']);
  });

  it('offline after one online lookup: the same lookups answer from the local catalog', async () => {
    await headend.close();
    const card = await lookup.device('serial_number', FIXTURE.smartcardSerial);
    expect(card).toMatchObject({ found: true, source: 'cache', row: { ca_id: FIXTURE.smartcardCaId } });
    expect(await lookup.deviceByCaId('stbs', FIXTURE.stbCaId)).toMatchObject({ found: false, source: 'cache' });
    expect(await lookup.subscription('number', FIXTURE.subscriptionNumber)).toMatchObject({ found: true, source: 'cache' });
    expect(await lookup.product('code', FIXTURE.otherService)).toMatchObject({ found: true, source: 'cache' });
    // the picker's own search works on what was learnt
    expect(t.store.searchCatalog('smartcards', FIXTURE.smartcardSerial.slice(0, 8), 10).map((r) => r.serial_number ?? '')).toContain(FIXTURE.smartcardSerial);
    await expect(lookup.listServices()).rejects.toThrow(CrmcomLookupError);
  });
});

describe('a lookup answered with another item than the one asked for', () => {
  // A hostile server (port 0) that answers every show with the same other item.
  const other = {
    id: 'B'.repeat(32),
    serial_number: 'smrt-someone-else',
    alternative_code: 'ALT-ELSE',
    number: 'S-ELSE',
    code: 'Other service',
    life_cycle_state: 'EFFECTIVE',
    product: { code: 'STB', type: { name: 'Set-top boxes' } },
    log_information: { updated_date: '2026-01-01T00:00:00' },
  };
  let server: ScriptedServer;
  let t: ReturnType<typeof tempStore>;
  let lookup: CrmcomCatalogLookup;
  beforeAll(async () => {
    server = await startScriptedServer('/crmapi/rest/v2', () => OK(other));
    t = tempStore();
    const get: CrmcomGet = async (path, query) => (await fetch(`${server.baseUrl}/${path}?${new URLSearchParams(query)}`)).json();
    lookup = new CrmcomCatalogLookup(get, t.store, { release: 'R17_3' });
  });
  afterAll(async () => {
    await server.close();
    t.done();
  });

  it.each([
    ['a serial number', () => lookup.device('serial_number', 'smrt30000300'), /asked for serial_number smrt30000300 and answered an item with serial_number smrt-someone-else/],
    ['an alternative code', () => lookup.device('alternative_code', 'ALT-300'), /alternative_code ALT-300/],
    ['a subscription number', () => lookup.subscription('number', 'S100150'), /asked for number S100150 and answered an item with number S-ELSE/],
    ['a product code', () => lookup.product('code', 'Gold'), /asked for code Gold/],
    ['a smartcard CA id (an STB answered)', () => lookup.deviceByCaId('smartcards', '10000000300'), /an STB, for a smartcard CA id 10000000300/],
  ])('by %s: refused with what was asked and answered, nothing cached', async (_, ask, message) => {
    await expect(ask()).rejects.toThrow(CrmcomLookupError);
    await expect(ask()).rejects.toThrow(message);
    for (const kind of ['smartcards', 'stbs', 'subscriptions', 'services'] as const) expect(t.store.getCatalogItem(kind, other.id)).toBeUndefined();
  });

  it('by an STB CA id that the local catalog knows for another CA id: refused, the known CA id kept', async () => {
    expect(t.store.mergeCatalog('stbs', [{ id: other.id, serial_number: other.serial_number, ca_id: 'CA-KNOWN' }]).ok).toBe(true);
    await expect(lookup.deviceByCaId('stbs', 'CA-ASKED')).rejects.toThrow(/known here by CA id CA-KNOWN, for CA id CA-ASKED/);
    expect(t.store.getCatalogItem('stbs', other.id)).toMatchObject({ ca_id: 'CA-KNOWN' });
    // The same item asked for by its own serial is taken.
    expect(await lookup.device('serial_number', other.serial_number)).toMatchObject({ found: true, row: { id: other.id, ca_id: 'CA-KNOWN' } });
  });
});
