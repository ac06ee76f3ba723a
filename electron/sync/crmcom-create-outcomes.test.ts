import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import seeds from '../../shared/domain/fixtures/nagravision-seed-examples.json';
import { REAL_SERVER_CAPABILITIES } from '../../shared/domain/crmcom-v4';
import { openStore, type Store } from '../store/store';
import { CrmcomClient } from './crmcom-client';
import { CrmcomConnection } from './crmcom-connection';
import { Dispatcher } from './dispatcher';
import { HeadendLink } from './headend-link';
import { SyncEvents } from './sync-events';
import { ERROR, OK, startScriptedServer, type Script, type ScriptedAnswer, type ScriptedServer } from './testing/crmcom-scripted-server';
import { nagravisionInput, tempDir } from './testing/sync-fixtures';

// What the answer to a create proves on a CRM.COM V4 server (no error codes
// documented, no UUID echo promised), through the dispatcher and a real
// store: an error answer is "may have been created" unless the operator
// confirmed its code; a 401/403 (whatever its body) is "not processed" and
// goes once more after a fresh login; an OK answer is ours by its number only
// when it is of the type sent and names no other UUID.

const BASE = '/crmapi/rest/v2';
const CARD = { id: 'C1', serial_number: 'smrt90000001', subscription_number: 'S90001' };
/** The seed's answer to add_enhanced_list_of_products: type ADD_ENHANCED_LIST_OF_PRODUCTS, number 18570, no UDF. */
const CREATED = (seeds[0] as { response: { data: Record<string, unknown> } }).response.data;
const HTML = (status: number): ScriptedAnswer => ({ status, body: '<html><body><h1>Unauthorized</h1></body></html>', headers: { 'content-type': 'text/html' } });

const dirs: string[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A server that logs in (tokens T1, T2, ...) and answers every create by `create`. */
async function serverAnswering(create: Script): Promise<ScriptedServer> {
  let logins = 0;
  const server = await startScriptedServer(BASE, (call, calls) => {
    if (call.path === 'authentication/token') return OK({ token: `T${++logins}` });
    if (call.path === 'authentication/token/release') return OK(null);
    return create(call, calls);
  });
  closers.push(() => server.close());
  return server;
}

function rig(server: ScriptedServer, options: { notCreatedCodes?: string[]; echoes?: boolean } = {}) {
  const dir = tempDir();
  dirs.push(dir);
  const now = () => Date.parse('2026-01-05T09:00:00Z');
  const store: Store = openStore(path.join(dir, 'store.sqlite'), { clock: now });
  closers.push(() => store.close());
  const connection = new CrmcomConnection({
    baseUrl: server.baseUrl,
    release: 'R13',
    capabilities: { ...REAL_SERVER_CAPABILITIES, echoesClientUuid: options.echoes ?? false },
    notCreatedCodes: options.notCreatedCodes,
    login: { method: 'password', username: 'u', password: 'p', organisation: 'o' },
    timeoutMs: 2_000,
  });
  const client = new CrmcomClient('nagravision', connection);
  closers.push(() => client.close());
  const links = new Map([['nagravision' as const, new HeadendLink('nagravision', client, now, { failureThreshold: 1_000, openBackoff: { baseMs: 1, capMs: 1 } })]]);
  const retry = { backoff: { baseMs: 100, capMs: 1_000 }, authRetryMs: 1_000, random: () => 1 };
  const dispatcher = new Dispatcher(store, links, new SyncEvents(), { maxInFlightPerHeadend: 2, claimBatch: 4, retry, now });
  return { store, dispatcher };
}

/** Queues one add_enhanced_list_of_products, drains twice (a second pass must send nothing more), returns the request. */
async function sendOne(r: ReturnType<typeof rig>) {
  const enqueued = r.store.enqueue([nagravisionInput(CARD, 0)]);
  if (!enqueued.ok) throw new Error('enqueue failed');
  await r.dispatcher.drain();
  await r.dispatcher.drain();
  return r.store.getRequest(enqueued.ids[0]!)!;
}

/** Sends one create for a second card (the first waits behind its own request); returns it as recorded. */
async function sendForAnotherCard(r: ReturnType<typeof rig>, n = 4) {
  const enqueued = r.store.enqueue([nagravisionInput({ ...CARD, id: 'C2', serial_number: 'smrt90000002' }, n)]);
  if (!enqueued.ok) throw new Error('enqueue failed');
  await r.dispatcher.drain();
  return r.store.getRequest(enqueued.ids[0]!)!;
}

const creates = (server: ScriptedServer) => server.calls.filter((c) => c.method === 'POST' && !c.path.startsWith('authentication/'));
const logins = (server: ScriptedServer) => server.calls.filter((c) => c.path === 'authentication/token').length;

describe('what the answer to a create proves on a CRM.COM V4 server', () => {
  it.each([
    ['an INVALID_PARAMETERS envelope', ERROR('INVALID_PARAMETERS', 'bad smartcard')],
    ['a NOT_FOUND envelope with HTTP 404', ERROR('NOT_FOUND', 'no such card', 404)],
    ['an HTML 400 page', HTML(400)],
  ])('%s is an unknown outcome: never waiting to be resent, sent once', async (_, answer) => {
    const server = await serverAnswering(() => answer);
    const request = await sendOne(rig(server));
    expect(request.local_state).toBe('UNKNOWN');
    expect(creates(server)).toHaveLength(1);
  });

  it('a 429 (too many requests: not served) waits for its next attempt, sent once so far', async () => {
    const server = await serverAnswering(() => HTML(429));
    const request = await sendOne(rig(server));
    expect(request.local_state).toBe('RETRY_WAIT');
    expect(creates(server)).toHaveLength(1);
  });

  it.each([401, 403, 429])('an HTTP %i whose body is an OK answer with the request is read for what it says, never sent again', async (status) => {
    const server = await serverAnswering((call) => ({ ...OK({ ...CREATED, udf_string_8: call.body?.udf_string_8 }), status }));
    const request = await sendOne(rig(server));
    expect(request).toMatchObject({ local_state: 'ACKNOWLEDGED', number: '18570' });
    expect(creates(server)).toHaveLength(1);
  });

  it('an HTTP 403 whose error body carries a request record is an unknown outcome, never sent again', async () => {
    const server = await serverAnswering(() => ERROR('FORBIDDEN', 'policy', 403, { ...CREATED }));
    const request = await sendOne(rig(server));
    expect(request.local_state, request.last_error ?? '').toBe('UNKNOWN');
    expect(creates(server)).toHaveLength(1);
  });

  it('a code the operator confirmed means "not created" is a refusal for the operator to fix', async () => {
    const server = await serverAnswering(() => ERROR('INVALID_PARAMETERS', 'bad smartcard'));
    const request = await sendOne(rig(server, { notCreatedCodes: ['INVALID_PARAMETERS'] }));
    expect(request).toMatchObject({ local_state: 'NEEDS_ATTENTION', error_code: 'INVALID_PARAMETERS' });
    expect(creates(server)).toHaveLength(1);
  });

  it('a 401 with an HTML body drops the token; the create goes once more after a fresh login', async () => {
    const server = await serverAnswering((_, calls) => (creates({ calls } as ScriptedServer).length === 1 ? HTML(401) : OK({ ...CREATED })));
    const request = await sendOne(rig(server));
    expect(request).toMatchObject({ local_state: 'ACKNOWLEDGED', number: '18570' });
    expect(creates(server).map((c) => c.body?.token)).toEqual(['T1', 'T2']);
    expect(logins(server)).toBe(2);
  });

  it('a create refused 403 again after the fresh login waits for the login to be fixed: two sends, no more', async () => {
    const server = await serverAnswering(() => ERROR('FORBIDDEN', 'no permission', 403));
    const request = await sendOne(rig(server));
    expect(request.local_state).toBe('RETRY_WAIT');
    expect(creates(server)).toHaveLength(2);
  });

  it('an UNAUTHORIZED code without 401/403 drops the token but the create is not sent again', async () => {
    const server = await serverAnswering((call) => (call.body?.token === 'T1' ? ERROR('UNAUTHORIZED', 'session expired') : OK({ ...CREATED })));
    const r = rig(server);
    expect((await sendOne(r)).local_state).toBe('UNKNOWN');
    expect(creates(server)).toHaveLength(1);
    // The next create (another card: this one waits behind its unknown request) logs in afresh.
    await sendForAnotherCard(r);
    expect(creates(server).map((c) => c.body?.token)).toEqual(['T1', 'T2']);
  });

  it('an error whose words mention a token is not an auth failure: no relogin, no second send', async () => {
    const server = await serverAnswering(() => ERROR('AxisFault', 'token 42 of the CAS not found'));
    const r = rig(server);
    expect((await sendOne(r)).local_state).toBe('UNKNOWN');
    expect(creates(server)).toHaveLength(1);
    // The session's token is kept: the next create (another card) goes with it.
    await sendForAnotherCard(r);
    expect(creates(server).map((c) => c.body?.token)).toEqual(['T1', 'T1']);
    expect(logins(server)).toBe(1);
  });

  it('an OK without a UUID is ours by its number only when of the type sent; one naming another UUID never is', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...CREATED }, 'ACKNOWLEDGED'],
      [{ ...CREATED, type: 'CLEAR_CA_PIN' }, 'UNKNOWN'],
      [{ ...CREATED, life_cycle_state: 'COMPLETED', udf_string_8: '0190a1b2-c3d4-7e5f-8a9b-000000000000' }, 'UNKNOWN'],
    ];
    for (const [answer, state] of cases) {
      const server = await serverAnswering(() => OK(answer));
      const request = await sendOne(rig(server));
      expect(request.local_state, JSON.stringify(answer)).toBe(state);
      expect(creates(server)).toHaveLength(1);
    }
  });

  it('an OK without a UUID naming a head-end request another of ours already holds proves nothing about this one', async () => {
    const server = await serverAnswering(() => OK({ ...CREATED }));
    const r = rig(server);
    expect((await sendOne(r)).local_state).toBe('ACKNOWLEDGED');
    expect((await sendForAnotherCard(r, 0)).local_state).toBe('UNKNOWN');
    expect(creates(server)).toHaveLength(2);
  });

  it('where the server promises the UUID echo, an OK without it proves nothing', async () => {
    const server = await serverAnswering(() => OK({ ...CREATED }));
    expect((await sendOne(rig(server, { echoes: true }))).local_state).toBe('UNKNOWN');
  });
});
