import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadend } from '../sandbox/start-headend';
import { openStore, type Store } from '../store/store';
import { CLIENT_UUID_UDF } from '../../shared/domain/client-uuid';
import type { HeadendClient } from './headend-client';
import { SyncEngine, type SyncEngineOptions } from './sync-engine';
import type { SyncEvent } from './sync-events';
import { checkInvariants } from './testing/invariants';
import {
  conaxClient,
  conaxInput,
  endpointsOf,
  nagravisionClient,
  nagravisionInput,
  sandboxCards,
  closeOpenRejections,
  tempDir,
  type Card,
} from './testing/sync-fixtures';
import { lineLogger } from '../logging/testing/line-logger';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(headendOptions: Parameters<typeof startHeadend>[0] = {}) {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const headend = await startHeadend({ seedSize: 'tiny', processingDelayMs: 50, processingIntervalMs: 20, ...headendOptions });
  cleanups.push(() => headend.close());
  const store = openStore(path.join(dir, 'store.sqlite'));
  cleanups.push(() => store.close());
  const nagra = nagravisionClient(endpointsOf(headend));
  const conax = conaxClient(endpointsOf(headend));
  cleanups.push(() => nagra.close(), () => conax.close());
  const cards = await sandboxCards(conax, 4);
  return { dir, headend, store, nagra, conax, cards };
}

function engineFor(store: Store, headends: Partial<Record<'nagravision' | 'conax', HeadendClient>>, extra: Partial<SyncEngineOptions> = {}) {
  const logs: string[] = [];
  const engine = new SyncEngine({
    store,
    headends,
    idleMs: 20,
    statusPollMs: 0,
    reconcileGraceMs: 2_000, // the clients' request timeout (sync-fixtures)
    retry: { backoff: { baseMs: 10, capMs: 50 }, authRetryMs: 50 },
    breaker: { failureThreshold: 3, openBackoff: { baseMs: 20, capMs: 100 } },
    logger: lineLogger(logs),
    ...extra,
  });
  const events: SyncEvent[] = [];
  engine.onChange((e) => events.push(e));
  // A test that closed the store itself has stopped its engine first.
  cleanups.push(() => (store.isOpen ? engine.stop() : undefined));
  return { engine, events, logs };
}

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Runs passes until `check` holds, closing the head-end's rejections as an
 * operator would (a card waits behind an open one): by default a card's next
 * request goes only once the head-end has finished the previous one.
 */
async function syncUntil(engine: SyncEngine, store: Store, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    closeOpenRejections(store);
    await engine.syncNow();
    await new Promise((r) => setTimeout(r, 10));
  }
}

function enqueueFor(store: Store, cards: Card[], perCard: number, conaxToo = false): string[] {
  const inputs = [];
  for (let n = 0; n < perCard; n++) {
    for (const card of cards) {
      inputs.push(nagravisionInput(card, n));
      if (conaxToo) inputs.push(conaxInput(card, n));
    }
  }
  const result = store.enqueue(inputs);
  if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
  return result.ids.map((id) => store.getRequest(id)!.client_uuid);
}

describe('SyncEngine against the sandbox', () => {
  it('sends every queued request once, in order per card, over TCP and HTTP, and follows them to the end', async () => {
    const { headend, store, nagra, conax, cards } = await setup();
    const uuids = enqueueFor(store, cards, 5, true);
    const { engine, events, logs } = engineFor(store, { nagravision: nagra, conax });
    await syncUntil(engine, store, () => {
      const c = store.countByState();
      return c.QUEUED + c.SENDING + c.UNKNOWN + c.RETRY_WAIT + c.ACKNOWLEDGED === 0;
    });
    await until(() => {
      const requests = (headend.state() as { requests: Record<string, number> }).requests;
      return (requests.PENDING ?? 0) === 0; // the sandbox processed them all
    });
    await engine.syncNow();
    const counts = store.countByState();
    expect(counts.COMPLETED + counts.REJECTED).toBe(uuids.length);
    const report = await checkInvariants({ store, headend, nagravision: nagra, conax, enqueued: uuids, cards: cards.map((c) => c.serial_number) });
    expect(report.problems).toEqual([]);
    expect(report.atHeadend).toBe(uuids.length);

    const changed = events.filter((e) => e.type === 'request-changed');
    expect(changed.some((e) => e.type === 'request-changed' && e.localState === 'ACKNOWLEDGED')).toBe(true);
    expect(changed.some((e) => e.type === 'request-changed' && e.localState === 'COMPLETED')).toBe(true);
    expect(events.some((e) => e.type === 'status-changed' && e.status.perHeadend.nagravision?.connected === true)).toBe(true);
    // PIN hygiene: acknowledged PIN requests keep no PIN, and none travelled through events or logs.
    const pinRequests = store.listRequests({ type: 'UPDATE_CA_PIN_TO_GIVEN_VALUE', limit: 100 });
    expect(pinRequests.length).toBeGreaterThan(0);
    for (const r of pinRequests) {
      expect(r.params.pin).toBe('[redacted]');
      expect(r.secrets_wiped).toBe(true);
    }
    const pin = (nagravisionInput(cards[0]!, 3).params as { pin: string }).pin;
    expect(JSON.stringify(events)).not.toMatch(/"pin"/);
    expect(JSON.stringify(events)).not.toContain(`"${pin}"`);
    expect(logs.join('\n')).not.toContain(pin);
    expect(engine.status().pendingCount).toBe(0);
  });

  it('leaves no byte of a drained PIN in the SQLite file or its WAL', async () => {
    const { dir, store, nagra, cards } = await setup();
    // A PIN searched for standing alone: no longer run of digits, hex letters or
    // uuid dashes around it, so no serial, number or uuid can match by chance.
    const PIN = '7391';
    const standalone = new RegExp(`(?<![0-9A-Za-z-])${PIN}(?![0-9A-Za-z-])`);
    const file = path.join(dir, 'store.sqlite');
    const holdsPin = (f: string) => fs.existsSync(f) && standalone.test(fs.readFileSync(f).toString('latin1'));
    const anywhere = () => holdsPin(file) || holdsPin(`${file}-wal`);
    const inputs = cards.map((card) => {
      const input = nagravisionInput(card, 3);
      return { ...input, params: { ...(input.params as object), pin: PIN } };
    });
    expect(inputs.every((i) => i.method === 'set_pin_to_given_value')).toBe(true);
    expect(store.enqueue(inputs).ok).toBe(true);
    store.checkpoint();
    expect(holdsPin(file)).toBe(true); // the search does find a PIN at rest, before the send

    const { engine } = engineFor(store, { nagravision: nagra });
    await engine.syncNow();
    await until(() => {
      const c = store.countByState();
      return c.ACKNOWLEDGED + c.COMPLETED + c.REJECTED === inputs.length;
    });
    await engine.stop();
    for (const r of store.listRequests({ limit: 100 })) expect(r.secrets_wiped).toBe(true);
    store.checkpoint();
    expect(anywhere()).toBe(false);
    store.close();
    expect(anywhere()).toBe(false);
  });

  it('has its invariant check flag a request at the head-end whose local state says it was never created there', async () => {
    const { dir, headend, store, nagra, cards } = await setup();
    enqueueFor(store, cards.slice(0, 3), 1);
    const { engine } = engineFor(store, { nagravision: nagra });
    await engine.syncNow();
    await engine.stop();
    const sent = store.listRequests({ limit: 10, order: 'asc' });
    expect(sent.filter((r) => ['ACKNOWLEDGED', 'COMPLETED', 'REJECTED'].includes(r.local_state))).toHaveLength(3);
    store.close();
    // What a wrong failure class would leave: the head-end created them, the store says otherwise.
    const raw = new Database(path.join(dir, 'store.sqlite'));
    const set = raw.prepare('UPDATE requests SET local_state = ?, outcome_unknown = ? WHERE id = ?');
    set.run('RETRY_WAIT', 0, sent[0]!.id);
    set.run('NEEDS_ATTENTION', 0, sent[1]!.id);
    set.run('DISCARDED', 1, sent[2]!.id); // discarded while unknown: may well be there
    raw.close();
    const reopened = openStore(path.join(dir, 'store.sqlite'));
    cleanups.push(() => reopened.close());
    const report = await checkInvariants({ store: reopened, headend, nagravision: nagra, cards: [] });
    expect(report.problems).toHaveLength(2);
    expect(report.problems[0]).toMatch(new RegExp(`^request ${sent[0]!.id} is RETRY_WAIT .* at the head-end`));
    expect(report.problems[1]).toMatch(new RegExp(`^request ${sent[1]!.id} is NEEDS_ATTENTION .* at the head-end`));
  });

  it('is offline while the head-end is down and drains by itself when it comes up', async () => {
    const { headend, store, conax, cards } = await setup();
    const { tcpPort, destinationId, dataDir } = headend;
    await headend.close();
    const nagra = nagravisionClient({ tcpPort, baseUrl: '', destinationId });
    cleanups.push(() => nagra.close());
    const uuids = enqueueFor(store, cards, 3);
    const { engine } = engineFor(store, { nagravision: nagra });
    engine.start();
    await until(() => (engine.status().perHeadend.nagravision?.breaker.consecutiveFailures ?? 0) >= 3);
    const offline = engine.status().perHeadend.nagravision!;
    expect(offline.connected).toBe(false);
    expect(offline.offlineSince).not.toBeNull();
    expect(engine.status().pendingCount).toBe(uuids.length);
    const back = await startHeadend({ seedSize: 'tiny', tcpPort, dataDir, processingDelayMs: 50 });
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }), () => back.close());
    await until(() => {
      closeOpenRejections(store); // as an operator would: a card waits behind an open rejection
      return engine.status().pendingCount === 0 && engine.status().perHeadend.nagravision?.lastSync != null;
    });
    const status = engine.status().perHeadend.nagravision!;
    expect(status.connected).toBe(true);
    expect(status.offlineSince).toBeNull();
    expect(status.lastSync).not.toBeNull();
    const report = await checkInvariants({ store, headend: back, nagravision: nagra, enqueued: uuids, cards: cards.map((c) => c.serial_number) });
    expect(report.problems).toEqual([]);
    void conax;
  });

  it('logs in again when the token expires between passes, and duplicates nothing', async () => {
    const { headend, store, nagra, cards } = await setup({ tokenIdleTimeoutMs: 100 });
    const { engine } = engineFor(store, { nagravision: nagra });
    enqueueFor(store, cards.slice(0, 2), 2);
    await engine.syncNow();
    await new Promise((r) => setTimeout(r, 250)); // the token expires
    const uuids = enqueueFor(store, cards.slice(2), 2);
    await syncUntil(engine, store, () => store.countByState().QUEUED === 0);
    expect(nagra.session.loginCount).toBeGreaterThanOrEqual(2); // 2, or more if this machine stalled past 100 ms
    const report = await checkInvariants({ store, headend, nagravision: nagra, enqueued: uuids, cards: cards.map((c) => c.serial_number) });
    expect(report.problems).toEqual([]);
  });

  it("puts a request the head-end refuses into NEEDS_ATTENTION with the head-end's words, and holds that card", async () => {
    const { headend, store, cards } = await setup({ maxBodyBytes: 400 });
    const conax = conaxClient(endpointsOf(headend));
    cleanups.push(() => conax.close());
    const big = conaxInput(cards[0]!, 0);
    const result = store.enqueue([
      { ...big, params: { ...(big.params as object), udf_string_1: 'x'.repeat(250) } },
      conaxInput(cards[0]!, 1),
    ]);
    expect(result.ok).toBe(true);
    const { engine } = engineFor(store, { conax });
    await engine.syncNow();
    const [first, second] = store.listRequests({ limit: 10, order: 'asc' });
    expect(first!.local_state).toBe('NEEDS_ATTENTION');
    expect(first!.error_code).toBe('INVALID_PARAMETERS');
    expect(first!.error_description).toMatch(/body exceeds the limit/);
    expect(second!.local_state).toBe('QUEUED'); // the card waits for the operator
    expect(headend.received()).toHaveLength(0);
    const report = await checkInvariants({ store, headend, conax, cards: [cards[0]!.serial_number] });
    expect(report.problems).toEqual([]);
  });

  it('pauses a head-end that refuses our login, keeps the requests, and says why', async () => {
    const { headend, store, nagra, cards } = await setup();
    const wrong = nagravisionClient({ ...endpointsOf(headend), destinationId: 'NOT-THIS-ONE' });
    cleanups.push(() => wrong.close());
    enqueueFor(store, cards.slice(0, 2), 2);
    const { engine } = engineFor(store, { nagravision: wrong }, { retry: { backoff: { baseMs: 10, capMs: 50 }, authRetryMs: 60_000 } });
    await engine.syncNow();
    const status = engine.status().perHeadend.nagravision!;
    expect(status.authProblem).toMatch(/destination_id/);
    expect(status.nextRetryAt).toBeGreaterThan(Date.now());
    const states = store.listRequests({ limit: 10 }).map((r) => r.local_state);
    // The two card heads were tried together; the cards' next requests wait behind them.
    expect(states.filter((s) => s === 'RETRY_WAIT')).toHaveLength(2);
    expect(states.filter((s) => s === 'QUEUED')).toHaveLength(2);
    expect(headend.received()).toHaveLength(0);
    const report = await checkInvariants({ store, headend, nagravision: nagra, cards: cards.map((c) => c.serial_number) });
    expect(report.problems).toEqual([]);
  });

  it('refuses to send a request whose reserved UDF the operator filled', async () => {
    const { headend, store, nagra, cards } = await setup();
    const input = nagravisionInput(cards[0]!, 0);
    const result = store.enqueue([{ ...input, params: { ...(input.params as object), [CLIENT_UUID_UDF]: 'my note' } }]);
    expect(result.ok).toBe(true);
    const { engine } = engineFor(store, { nagravision: nagra });
    await engine.syncNow();
    const [request] = store.listRequests({ limit: 1 });
    expect(request!.local_state).toBe('NEEDS_ATTENTION');
    expect(request!.error_code).toBe('RESERVED_UDF');
    expect(headend.received()).toHaveLength(0);
  });

  it('fills the offline catalog, then only fetches what changed', async () => {
    const { headend, store, conax, nagra, cards } = await setup();
    // Rows read from full pages (the one-record probe that opens each kind is not a page of rows).
    let rows = 0;
    const fetch = async (kind: string, query: Record<string, unknown>) => {
      const answer = await conax.getWithToken(`/sandbox/catalog/${kind}`, query);
      if (answer.kind === 'ok' && query.records_per_page === 5) rows += (answer.data as unknown[]).length;
      return answer;
    };
    const { engine } = engineFor(store, { nagravision: nagra }, { catalog: { fetch, intervalMs: 0, pageSize: 5 } });
    await engine.syncNow();
    const state = headend.state() as { catalog: Record<string, number> };
    expect(rows).toBe(Object.values(state.catalog).reduce((a, b) => a + b, 0));
    expect(store.searchCatalog('smartcards', cards[0]!.serial_number, 5).map((r) => r.id)).toContain(cards[0]!.id);
    expect(store.catalogCursor('smartcards')).not.toBeNull();
    // A PIN change at the head-end touches one card: the next syncs fetch just
    // that. The pass that sends may already see the change (the head-end can
    // process before that pass reads the catalog), so count both passes.
    rows = 0;
    enqueueFor(store, [cards[0]!], 4);
    await syncUntil(engine, store, () => {
      const requests = (headend.state() as { requests: Record<string, number> }).requests;
      return (requests.PENDING ?? 0) === 0 && (requests.COMPLETED ?? 0) + (requests.REJECTED ?? 0) === 4;
    });
    await engine.syncNow();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(5);
  });
});
