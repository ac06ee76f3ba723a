import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Faults } from '../sandbox/faults';
import { startHeadend, type RunningHeadend } from '../sandbox/start-headend';
import type { EnqueueInput } from '../store/enqueue';
import { openStore, type Store } from '../store/store';
import { SyncEngine } from './sync-engine';
import { checkInvariants } from './testing/invariants';
import { closeOpenRejections, conaxClient, conaxInput, endpointsOf, nagravisionClient, nagravisionInput, sandboxCards, tempDir, type Card } from './testing/sync-fixtures';

// Under every fault the sandbox can inject, the same promises hold: all
// requests drain, none reaches the head-end twice, each card keeps its order.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Scenario {
  name: string;
  /** The fault must have left some sends with an unknown outcome. */
  expectUnknown?: boolean;
  expectRejected?: boolean;
  faults?: Partial<Faults>;
  /** Runs while the engine drains (turn a fault off later, restart, ...). */
  during?: (headend: RunningHeadend) => Promise<void>;
  requestTimeoutMs?: number;
  /** Default: the request timeout (the least the engine accepts). */
  reconcileGraceMs?: number;
  /** Some UNKNOWN request must have been found at the head-end (it was created after the client gave up). */
  expectFoundThere?: boolean;
  conax?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SCENARIOS: Scenario[] = [
  { name: 'latency longer than the request timeout, then short', expectUnknown: true, faults: { latencyMs: 250 }, requestTimeoutMs: 150, during: async (h) => { await sleep(800); h.setFaults({ latencyMs: 10 }); } },
  { name: 'connection dropped after N frames', expectUnknown: true, faults: { dropAfterFrames: 7, connectionFaultLimit: 6 } },
  { name: 'requests acted on but never answered', expectUnknown: true, faults: { answerNever: true }, requestTimeoutMs: 200, during: async (h) => { await sleep(700); h.setFaults({ answerNever: false }); } },
  // The head-end creates each request 250 ms after it arrived, later than the 150 ms timeout: the
  // client closes the connection on the timeout, and the grace (counted from UNKNOWN) outlasts the backlog.
  { name: 'requests created later than the client timeout', expectUnknown: true, expectFoundThere: true, faults: { createLateMs: 250 }, requestTimeoutMs: 150, reconcileGraceMs: 400, during: async (h) => { await sleep(1_000); h.setFaults({ createLateMs: 0 }); } },
  { name: 'half-close after N frames', expectUnknown: true, faults: { halfCloseAfterFrames: 6, connectionFaultLimit: 6 } },
  { name: 'garbage frame after N frames', expectUnknown: true, faults: { garbageAfterFrames: 5, connectionFaultLimit: 6 } },
  { name: 'head-end restarts twice', during: async (h) => { await sleep(30); await h.restart(); await sleep(80); await h.restart(); } },
  { name: 'processing rejects a share with SYSTEM_ERROR', expectRejected: true, faults: { rejectRate: 0.3 } },
  { name: 'HTTP socket dropped every Nth call (Conax)', expectUnknown: true, faults: { httpDropAfterRequests: 4, connectionFaultLimit: 8 }, conax: true },
];

async function run(scenario: Scenario, cards: Card[]) {
  // A fresh sandbox per scenario; the same seed gives the same cards.
  const headend = await startHeadend({ seedSize: 'tiny', processingDelayMs: 30, processingIntervalMs: 20, answerJitterMs: 5 });
  cleanups.push(() => headend.close());
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store: Store = openStore(path.join(dir, 'store.sqlite'));
  cleanups.push(() => store.close());
  const inputs: EnqueueInput[] = [];
  for (let n = 0; n < 5; n++) for (const card of cards) inputs.push(scenario.conax ? conaxInput(card, n) : nagravisionInput(card, n));
  expect(store.enqueue(inputs).ok).toBe(true);
  const uuids = store.listRequests({ limit: 1000 }).map((r) => r.client_uuid);

  const requestTimeoutMs = scenario.requestTimeoutMs ?? 400;
  const nagra = nagravisionClient(endpointsOf(headend), { requestTimeoutMs });
  const conax = conaxClient(endpointsOf(headend), requestTimeoutMs);
  cleanups.push(() => nagra.close(), () => conax.close());
  // The office was online (logged in) when the fault began.
  expect(await (scenario.conax ? conax : nagra).session.token()).toMatch(/^[0-9A-F]{32}$/);
  headend.setFaults(scenario.faults ?? {});
  const engine = new SyncEngine({
    store,
    headends: scenario.conax ? { conax } : { nagravision: nagra },
    idleMs: 20,
    statusPollMs: 50,
    maxInFlightPerHeadend: 16,
    reconcileGraceMs: scenario.reconcileGraceMs ?? requestTimeoutMs, // never shorter than the request timeout
    retry: { backoff: { baseMs: 10, capMs: 100 }, authRetryMs: 100 },
    breaker: { failureThreshold: 5, openBackoff: { baseMs: 20, capMs: 100 } },
  });
  cleanups.push(() => engine.stop());
  engine.start();
  await scenario.during?.(headend);
  const deadline = Date.now() + 30_000;
  const settled = () => {
    const c = store.countByState();
    return c.QUEUED + c.SENDING + c.UNKNOWN + c.RETRY_WAIT + c.ACKNOWLEDGED === 0;
  };
  while (!settled() && Date.now() < deadline) {
    // As an operator would: a card waits behind the head-end's rejection until it is closed.
    closeOpenRejections(store);
    await sleep(20);
  }
  await engine.stop();
  headend.resetFaults();
  const counts = store.countByState();
  const report = await checkInvariants({
    store,
    headend,
    ...(scenario.conax ? { conax } : { nagravision: nagra }),
    enqueued: uuids,
    cards: cards.map((c) => c.serial_number),
  });
  // What the faults did: how many sends ended unknown, and how reconciliation settled them.
  const effects = { unknown: 0, foundThere: 0, provenAbsent: 0, retried: 0 };
  for (const r of store.listRequests({ limit: 1000 })) {
    for (const e of store.eventsFor(r.id)) {
      if (e.kind === 'outcome_unknown') effects.unknown += 1;
      if (e.kind === 'retry_scheduled') effects.retried += 1;
      if (e.kind === 'reconciled') effects[e.detail?.found === true ? 'foundThere' : 'provenAbsent'] += 1;
    }
  }
  return { counts, report, total: uuids.length, effects };
}

describe('the sync engine under sandbox faults', () => {
  let cards: Card[] = [];

  it('reads the cards of the sandbox seed', async () => {
    const h = await startHeadend({ seedSize: 'tiny' });
    const c = conaxClient(endpointsOf(h));
    cards = await sandboxCards(c, 6);
    await c.close();
    await h.close();
    expect(cards).toHaveLength(6);
  });

  for (const scenario of SCENARIOS) {
    it(`keeps every promise: ${scenario.name}`, async () => {
      const { counts, report, total, effects } = await run(scenario, cards);
      console.log(`${scenario.name}: ${JSON.stringify({ ...counts, ...effects })}`);
      expect(report.problems).toEqual([]);
      if (scenario.expectUnknown) {
        expect(effects.unknown).toBeGreaterThan(0);
        expect(effects.foundThere + effects.provenAbsent).toBe(effects.unknown);
      }
      if (scenario.expectFoundThere) expect(effects.foundThere).toBeGreaterThan(0);
      if (scenario.expectRejected) expect(counts.REJECTED).toBeGreaterThan(0);
      expect(counts.COMPLETED + counts.REJECTED).toBe(total);
      expect(report.atHeadend).toBe(total);
    }, 60_000);
  }
});
