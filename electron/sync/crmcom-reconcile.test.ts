import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REAL_SERVER_CAPABILITIES, type CrmcomRelease } from '../../shared/domain/crmcom-v4';
import type { Provider } from '../../shared/domain/request-types';
import { openStore, type Store } from '../store/store';
import { CrmcomClient } from './crmcom-client';
import { CrmcomConnection } from './crmcom-connection';
import { Dispatcher } from './dispatcher';
import { HeadendLink } from './headend-link';
import { Reconciler, VERIFY_AT_HEADEND } from './reconciler';
import { SyncEvents } from './sync-events';
import { ERROR, OK, startScriptedServer, type RecordedCall, type ScriptedServer } from './testing/crmcom-scripted-server';
import { conaxInput, nagravisionInput, tempDir } from './testing/sync-fixtures';

// Unknown outcomes on a CRM.COM V4 server: settled by the Conax list only
// where it can prove absence (R13+ offset paging read to an empty page, our
// UUID echoed on every item); otherwise the operator verifies. Never resent
// on a guess.

const CARD = { id: 'C1', serial_number: 'smrt90000001', subscription_number: 'S90001' };
const BASE = '/crmapi/rest/v2';
const dirs: string[] = [];
const stores: Store[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * A server whose creates answer SYSTEM_ERROR (creating them when `create`),
 * and whose Conax list pages by offset, never more than `cap` records a page
 * (real servers may cap below number_of_results).
 */
async function serverWith(create: boolean, otherRecords: number, cap = Infinity): Promise<ScriptedServer> {
  const records: Record<string, unknown>[] = Array.from({ length: otherRecords }, (_, i) => ({
    id: String(i).padStart(32, '0'),
    number: `N${i}`,
    life_cycle_state: 'COMPLETED',
    udf_string_8: null,
  }));
  const server = await startScriptedServer(BASE, (call: RecordedCall) => {
    if (call.path === 'authentication/token') return OK({ token: 'opaque-token-of-any-shape' });
    if (call.path === 'authentication/token/release') return OK(null);
    if (call.method === 'POST') {
      if (create) records.push({ id: 'E'.repeat(32), number: 'NEW1', life_cycle_state: 'PENDING', udf_string_8: call.body?.udf_string_8 });
      return ERROR('SYSTEM_ERROR', null, 500);
    }
    const size = Math.min(cap, Number(call.query.get('number_of_results') ?? records.length));
    const offset = Number(call.query.get('offset') ?? 0);
    return OK(records.slice(offset, offset + size));
  });
  closers.push(() => server.close());
  return server;
}

function setup(server: ScriptedServer, provider: Provider, release: CrmcomRelease, echoes: boolean, pageSize = 2) {
  const dir = tempDir();
  dirs.push(dir);
  const now = () => Date.parse('2026-01-05T09:00:00Z');
  const store = openStore(path.join(dir, 'store.sqlite'), { clock: now });
  stores.push(store);
  const connection = new CrmcomConnection({ baseUrl: server.baseUrl, release, capabilities: { ...REAL_SERVER_CAPABILITIES, echoesClientUuid: echoes }, login: { method: 'password', username: 'u', password: 'p', organisation: 'o' }, timeoutMs: 2_000 });
  const client = new CrmcomClient(provider, connection);
  closers.push(() => client.close());
  const links = new Map([[provider, new HeadendLink(provider, client, now, { failureThreshold: 1_000, openBackoff: { baseMs: 1, capMs: 1 } })]]);
  const events = new SyncEvents();
  const retry = { backoff: { baseMs: 100, capMs: 1_000 }, authRetryMs: 1_000, random: () => 1 };
  const dispatcher = new Dispatcher(store, links, events, { maxInFlightPerHeadend: 2, claimBatch: 4, retry, now });
  const reconciler = new Reconciler(store, links, events, { graceMs: 0, pageSize, maxPerPass: 100, now });
  return { store, dispatcher, reconciler };
}

async function sendOneUnknown(s: ReturnType<typeof setup>, provider: Provider): Promise<number> {
  const enqueued = s.store.enqueue([provider === 'conax' ? conaxInput(CARD, 0) : nagravisionInput(CARD, 0)]);
  if (!enqueued.ok) throw new Error('enqueue failed');
  const id = enqueued.ids[0]!;
  await s.dispatcher.drain();
  expect(s.store.getRequest(id)?.local_state).toBe('UNKNOWN');
  return id;
}

const creates = (server: ScriptedServer) => server.calls.filter((c) => c.method === 'POST' && !c.path.startsWith('authentication/')).length;

describe('reconciling on a CRM.COM V4 server', () => {
  it('finds a created request on a later offset page and does not resend it', async () => {
    const server = await serverWith(true, 3);
    const s = setup(server, 'conax', 'R13', true);
    const id = await sendOneUnknown(s, 'conax');
    expect(await s.reconciler.run()).toMatchObject({ found: 1, absent: 0, toOperator: 0 });
    expect(s.store.getRequest(id)).toMatchObject({ local_state: 'ACKNOWLEDGED', number: 'NEW1' });
    const offsets = server.calls.filter((c) => c.method === 'GET').map((c) => c.query.get('offset'));
    expect(offsets).toEqual(['0', '2']);
    await s.dispatcher.drain();
    expect(creates(server)).toBe(1);
  });

  it('reads on past pages a server cut short, so a page size cap cannot make a created request look absent', async () => {
    const server = await serverWith(true, 5, 2);
    const s = setup(server, 'conax', 'R13', true, 4);
    const id = await sendOneUnknown(s, 'conax');
    expect(await s.reconciler.run()).toMatchObject({ found: 1, absent: 0 });
    expect(s.store.getRequest(id)).toMatchObject({ local_state: 'ACKNOWLEDGED', number: 'NEW1' });
    // Asked 4 a page, given 2: the next offset is what was received, never what was asked.
    expect(server.calls.filter((c) => c.method === 'GET').map((c) => c.query.get('offset'))).toEqual(['0', '2', '4']);
    await s.dispatcher.drain();
    expect(creates(server)).toBe(1);
  });

  it('concludes absence only after an empty page, then the request may go again', async () => {
    const server = await serverWith(false, 4);
    const s = setup(server, 'conax', 'R13', true);
    const id = await sendOneUnknown(s, 'conax');
    expect(await s.reconciler.run()).toMatchObject({ found: 0, absent: 1 });
    // Pages of 2 at offsets 0, 2 were full; offset 4 came back empty: the listing is complete.
    expect(server.calls.filter((c) => c.method === 'GET').map((c) => c.query.get('offset'))).toEqual(['0', '2', '4']);
    expect(s.store.getRequest(id)?.local_state).not.toBe('UNKNOWN');
  });

  it.each([
    ['conax', 'R13', false, 'does not echo our UUID'],
    ['conax', 'R12', true, 'no list that can show itself complete'],
    ['nagravision', 'R17_3', true, 'no list that can show itself complete'],
  ] as const)('%s on %s (echo %s): the operator verifies, nothing is listed or resent', async (provider, release, echoes, why) => {
    const server = await serverWith(true, 0);
    const s = setup(server, provider, release, echoes);
    const id = await sendOneUnknown(s, provider);
    expect(await s.reconciler.run()).toMatchObject({ toOperator: 1, found: 0, absent: 0 });
    const request = s.store.getRequest(id)!;
    expect(request).toMatchObject({ local_state: 'NEEDS_ATTENTION', error_code: VERIFY_AT_HEADEND });
    expect(request.error_description).toContain(why);
    expect(server.calls.filter((c) => c.method === 'GET')).toHaveLength(0);
    await s.dispatcher.drain();
    expect(creates(server)).toBe(1);
  });
});
