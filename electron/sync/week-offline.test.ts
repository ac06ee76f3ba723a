import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadend } from '../sandbox/start-headend';
import type { EnqueueInput } from '../store/enqueue';
import { openStore } from '../store/store';
import { SyncEngine } from './sync-engine';
import { checkInvariants } from './testing/invariants';
import { conaxClient, endpointsOf, nagravisionClient, nagravisionInput, sandboxCards, tempDir } from './testing/sync-fixtures';

// An office offline for a week: 5,000 requests over 500 cards are queued
// while the head-end is unreachable; when it comes back, everything drains,
// each card's requests arrive in the order queued, and nothing arrives twice.

const CARDS = 500;
const PER_CARD = 10;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a week offline', () => {
  it('drains 5,000 requests over 500 cards once, in order per card, when the head-end comes back', async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const seed = { seedSize: { subscriptions: 600, smartcards: 620, stbs: 10, services: 10 }, processingPaused: true } as const;
    // Learn the sandbox's ports and cards, then take it down: the office is offline.
    const first = await startHeadend({ ...seed, dataDir: path.join(dir, 'headend') });
    const endpoints = endpointsOf(first);
    const catalog = conaxClient(endpoints);
    const cards = await sandboxCards(catalog, CARDS);
    await catalog.close();
    await first.close();

    const store = openStore(path.join(dir, 'store.sqlite'));
    cleanups.push(() => store.close());
    const inputs: EnqueueInput[] = [];
    // Queued day by day, card after card, as operators would.
    for (let n = 0; n < PER_CARD; n++) for (const card of cards) inputs.push(nagravisionInput(card, n));
    const enqueued = store.enqueue(inputs);
    expect(enqueued.ok).toBe(true);
    const uuids = store.listRequests({ limit: 10_000 }).map((r) => r.client_uuid);
    expect(uuids).toHaveLength(CARDS * PER_CARD);

    const nagra = nagravisionClient(endpoints, { requestTimeoutMs: 10_000 });
    cleanups.push(() => nagra.close());
    const engine = new SyncEngine({
      store,
      headends: { nagravision: nagra },
      idleMs: 20,
      statusPollMs: 60_000,
      // Processing is paused: this measures the sends, so a card goes on once its request is created.
      cardOrder: 'acknowledged',
      maxInFlightPerHeadend: 256,
      reconcileGraceMs: 10_000, // not shorter than the request timeout
      retry: { backoff: { baseMs: 20, capMs: 200 }, authRetryMs: 200 },
      breaker: { failureThreshold: 3, openBackoff: { baseMs: 50, capMs: 200 } },
    });
    cleanups.push(() => engine.stop());
    engine.start();
    const offlineUntil = Date.now() + 500;
    while (Date.now() < offlineUntil) await new Promise((r) => setTimeout(r, 20));
    expect(engine.status().perHeadend.nagravision?.connected).toBe(false);
    expect(engine.status().pendingCount).toBe(CARDS * PER_CARD);
    const offline = store.countByState();
    expect(offline.ACKNOWLEDGED + offline.UNKNOWN).toBe(0); // a refused connection proves nothing left

    const back = await startHeadend({ ...seed, dataDir: path.join(dir, 'headend'), tcpPort: endpoints.tcpPort, httpPort: first.httpPort });
    cleanups.push(() => back.close());
    const deadline = Date.now() + 120_000;
    while (engine.status().pendingCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await engine.stop();
    const counts = store.countByState();
    expect(counts.ACKNOWLEDGED).toBe(CARDS * PER_CARD);

    const report = await checkInvariants({ store, headend: back, nagravision: nagra, enqueued: uuids, cards: cards.map((c) => c.serial_number) });
    expect(report.problems.slice(0, 10)).toEqual([]);
    expect(report.atHeadend).toBe(CARDS * PER_CARD);
    // Order per card, checked directly too: the head-end's log of each card is the queue.
    const card = cards[123]!;
    const queued = store.listRequests({ limit: 100, order: 'asc', cardKey: store.cardKeyFor('smartcard', { serial_number: card.serial_number }) });
    const received = back.received(card.serial_number).map((e) => e.request_id);
    expect(received).toEqual(queued.map((r) => r.headend_id));
  }, 180_000);
});
