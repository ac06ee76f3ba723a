import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_UUID_UDF } from '../../shared/domain/client-uuid';
import { SANDBOX_CAPABILITIES, type CrmcomRelease } from '../../shared/domain/crmcom-v4';
import { startHeadend, type RunningHeadend } from '../sandbox/start-headend';
import { openStore, type Store } from '../store/store';
import { CrmcomClient } from './crmcom-client';
import { CrmcomConnection } from './crmcom-connection';
import { SyncEngine } from './sync-engine';
import { closeOpenRejections, conaxClient, conaxInput, endpointsOf, nagravisionInput, SANDBOX_CREDENTIALS, sandboxCards, tempDir, type Card } from './testing/sync-fixtures';

// The CRM.COM V4 client and the sync engine against the embedded sandbox in
// its CRM.COM V4 profile (/crmapi/rest/v2, real sockets on port 0): both
// providers drain to their final state, the Conax list pages by offset, a JWT
// that dies mid-drain is replaced before it is refused, a revoked token is
// replaced by one relogin, and a lost answer is settled by the list, never
// resent blindly.

const dirs: string[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

interface Rig {
  headend: RunningHeadend;
  store: Store;
  connection: CrmcomConnection;
  clients: { nagravision: CrmcomClient; conax: CrmcomClient };
  engine: SyncEngine;
  cards: Card[];
  clock: { now: number };
}

async function rig(release: CrmcomRelease = 'R17_3', heartbeatMs?: number): Promise<Rig> {
  const dir = tempDir();
  dirs.push(dir);
  const clock = { now: Date.parse('2026-12-01T08:00:00Z') };
  const headend = await startHeadend({ dataDir: path.join(dir, 'headend'), seedSize: 'tiny', processingDelayMs: 0, processingIntervalMs: 20, crmcomRelease: release, now: () => clock.now });
  closers.push(() => headend.close());
  const catalog = conaxClient(endpointsOf(headend));
  const cards = await sandboxCards(catalog, 4);
  await catalog.close();
  const store = openStore(path.join(dir, 'store.sqlite'), { clock: () => clock.now });
  closers.push(() => store.close());
  const connection = new CrmcomConnection({
    baseUrl: headend.crmcomUrl,
    release,
    capabilities: SANDBOX_CAPABILITIES,
    login: { method: 'password', ...SANDBOX_CREDENTIALS },
    timeoutMs: 2_000,
    now: () => clock.now,
  });
  const clients = { nagravision: new CrmcomClient('nagravision', connection), conax: new CrmcomClient('conax', connection) };
  closers.push(() => Promise.all([clients.nagravision.close(), clients.conax.close()]).then(() => undefined));
  const engine = new SyncEngine({ store, headends: clients, idleMs: 50, statusPollMs: 0, heartbeatMs, reconcileGraceMs: 2_000, reconcilePageSize: 3, now: () => clock.now });
  closers.push(() => engine.stop());
  return { headend, store, connection, clients, engine, cards, clock };
}

/** Passes until every request is final (bounded); a rejection holds its card until closed, as an operator would. */
async function drain(r: Rig, ids: number[], passes = 40): Promise<void> {
  for (let i = 0; i < passes; i++) {
    await r.engine.syncNow();
    closeOpenRejections(r.store);
    if (ids.every((id) => ['COMPLETED', 'REJECTED'].includes(r.store.getRequest(id)!.local_state))) return;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error(`not final: ${ids.map((id) => r.store.getRequest(id)!.local_state).join(',')}`);
}

function enqueue(r: Rig, count: number, from = 0): number[] {
  const inputs = Array.from({ length: count }, (_, i) => (i % 2 === 0 ? nagravisionInput : conaxInput)(r.cards[i % r.cards.length]!, from + i));
  const result = r.store.enqueue(inputs);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ids;
}

/** Each UUID of ours the sandbox holds, with how often: read by the client's own offset paging. */
async function conaxHeld(r: Rig, type: string): Promise<string[]> {
  const uuids: string[] = [];
  for (let offset = 0; ; offset += 3) {
    const page = await r.clients.conax.list({ type, fields_set: `id,${CLIENT_UUID_UDF}`, number_of_results: 3, offset });
    if (page.kind !== 'ok') throw new Error(page.description);
    uuids.push(...page.data.items.map((i) => String(i[CLIENT_UUID_UDF])));
    if (page.data.items.length < 3) return uuids;
  }
}

describe('CRM.COM V4 client against the sandbox', () => {
  it('shows an idle HTTP head-end offline once it stops answering (heartbeat)', async () => {
    const r = await rig('R17_3', 0);
    await r.engine.syncNow();
    expect(r.engine.status().perHeadend.conax?.connected).toBe(true);
    await r.headend.close();
    await r.engine.syncNow();
    // Nothing was sent: only the heartbeat can have noticed.
    expect(r.engine.status().perHeadend.conax?.connected).toBe(false);
    expect(r.engine.status().perHeadend.nagravision?.connected).toBe(false);
  });

  it('drains both providers to their final state over /crmapi/rest/v2 and pages the Conax list by offset', async () => {
    const r = await rig();
    const ids = enqueue(r, 8);
    await drain(r, ids);
    // Final as the sandbox decided (a cancel of what a card lacks is REJECTED with its reason), each sent once.
    expect(ids.map((id) => r.store.getRequest(id)!).filter((q) => q.local_state === 'REJECTED' && q.error_code === null)).toEqual([]);
    const held = [...(await conaxHeld(r, 'ADD_SUBSCRIPTIONS')), ...(await conaxHeld(r, 'CANCEL_SUBSCRIPTIONS'))];
    const ours = ids.map((id) => r.store.getRequest(id)!).filter((q) => q.provider === 'conax').map((q) => q.client_uuid);
    expect(held.filter((u) => ours.includes(u)).sort()).toEqual([...ours].sort());
    expect(r.connection.session.loginCount).toBe(1);
  }, 30_000);

  it('replaces a JWT before it dies mid-drain, and a revoked token with one relogin', async () => {
    const r = await rig();
    const first = enqueue(r, 4);
    await drain(r, first);
    r.clock.now += 2 * 3600_000; // the first token is dead on the server: the client must not send it
    const second = enqueue(r, 4, 4);
    await drain(r, second);
    // No send was refused for its token (that would have left its outcome unknown): a new login came first.
    expect(r.store.listRequests({ states: ['UNKNOWN', 'NEEDS_ATTENTION'], limit: 10 })).toEqual([]);
    expect(r.connection.session.loginCount).toBe(2);

    // The server forgets the token (released elsewhere): a read is refused, one relogin, the read answers.
    const token = r.connection.session.peek()!;
    await r.connection.post('authentication/token/release', { token });
    const number = r.store.getRequest(second[1]!)!.number!;
    const shown = await r.clients.conax.show({ number }, 'id,number,life_cycle_state');
    expect(shown).toMatchObject({ kind: 'ok', data: { number } });
    expect(r.connection.session.loginCount).toBe(3);
  }, 30_000);

  it('after the head-end was down and came back (its sessions forgotten), logs in again before the next send: no outcome unknown', async () => {
    const r = await rig();
    const before = enqueue(r, 2);
    await drain(r, before);
    const options = { dataDir: r.headend.dataDir, seedSize: 'tiny' as const, crmcomRelease: 'R17_3' as const, processingDelayMs: 0, processingIntervalMs: 20, httpPort: r.headend.httpPort, tcpPort: r.headend.tcpPort, now: () => r.clock.now };
    await r.headend.close();
    // A real outage lasts: the client has seen its idle keep-alive sockets closed
    // (a POST written on one the server just closed would be maybe-sent).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = enqueue(r, 2, 2);
    await r.engine.syncNow(); // connection refused: proven not sent, they wait to be retried
    expect(during.map((id) => r.store.getRequest(id)!.local_state)).toEqual(['RETRY_WAIT', 'RETRY_WAIT']);
    const back = await startHeadend(options); // a restarted server: the old token is unknown to it
    closers.push(() => back.close());
    r.clock.now += 60_000; // past the retry wait
    await drain(r, during);
    expect(r.store.listRequests({ states: ['UNKNOWN', 'NEEDS_ATTENTION'], limit: 10 })).toEqual([]);
    expect(r.connection.session.loginCount).toBe(2);
  }, 30_000);

  it('settles a request whose answer never came by the Conax list, and sends it only once', async () => {
    const r = await rig('R13');
    // The server creates it after our 2 s deadline: the client gave up, the request exists.
    r.headend.setFaults({ createLateMs: 2_500 });
    const conaxOnly = r.store.enqueue([conaxInput(r.cards[0]!, 0)]);
    if (!conaxOnly.ok) throw new Error('enqueue failed');
    const id = conaxOnly.ids[0]!;
    await r.engine.syncNow();
    expect(r.store.getRequest(id)!.local_state).toBe('UNKNOWN');
    r.headend.resetFaults();
    await new Promise((resolve) => setTimeout(resolve, 800)); // the late creation lands
    r.clock.now += 3_000; // past the reconcile grace
    await drain(r, [id]);
    const uuid = r.store.getRequest(id)!.client_uuid;
    expect((await conaxHeld(r, 'ADD_SUBSCRIPTIONS')).filter((u) => u === uuid)).toHaveLength(1);
  }, 30_000);
});
