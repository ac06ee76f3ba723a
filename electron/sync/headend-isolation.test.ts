import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/store';
import { Dispatcher } from './dispatcher';
import { HeadendLink } from './headend-link';
import { SyncEngine } from './sync-engine';
import { SyncEvents } from './sync-events';
import { HostileHeadend } from './testing/hostile-headend';
import { ScriptedHeadend } from './testing/scripted-headend';
import { conaxClient, conaxInput, nagravisionClient, nagravisionInput, tempDir } from './testing/sync-fixtures';

// One head-end that stalls holds only its own sends: requests for the other
// head-end, queued while the stalled send waits out its deadline, go out at
// once; and the stalled send itself ends at its absolute deadline, trickled
// bytes or not.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CONAX_DEADLINE_MS = 4_000;

async function setup() {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const stalled = new HostileHeadend();
  const healthy = new HostileHeadend();
  await Promise.all([stalled.start(), healthy.start()]);
  cleanups.push(() => stalled.close(), () => healthy.close());
  stalled.set({ create: 'trickle', trickleMs: 500 });
  const conax = conaxClient({ tcpPort: 0, baseUrl: `http://127.0.0.1:${stalled.httpPort}`, destinationId: 'X' }, CONAX_DEADLINE_MS);
  const nagra = nagravisionClient({ tcpPort: healthy.tcpPort, baseUrl: '', destinationId: 'X' });
  cleanups.push(() => conax.close(), () => nagra.close());
  const store = openStore(path.join(dir, 'store.sqlite'));
  cleanups.push(() => store.close());
  // The hostile head-end never finishes a request: a card goes on once it is created.
  const engine = new SyncEngine({ store, headends: { nagravision: nagra, conax }, idleMs: 20, statusPollMs: 0, reconcileGraceMs: CONAX_DEADLINE_MS, cardOrder: 'acknowledged' });
  cleanups.push(() => engine.stop());
  return { store, engine, stalled, healthy };
}

describe('head-end isolation', () => {
  it('sends Nagravision requests queued while a Conax answer trickles, and ends the Conax send at its deadline', async () => {
    const { store, engine, stalled, healthy } = await setup();
    const card = { id: 'I1', serial_number: 'smrt70000001', subscription_number: 'S70001' };
    const conaxQueued = store.enqueue([conaxInput(card, 0)]);
    if (!conaxQueued.ok) throw new Error('enqueue failed');
    const started = Date.now();
    engine.start();
    await expect.poll(() => stalled.records.length, { timeout: 2_000, interval: 10 }).toBe(1);

    // Three requests of one card: each goes only after the previous was answered.
    // (Another card: a card's requests wait behind its request in flight, whatever the provider.)
    const other = { id: 'I2', serial_number: 'smrt70000002', subscription_number: 'S70002' };
    const nagraQueued = store.enqueue([0, 1, 2].map((n) => nagravisionInput(other, n * 2)));
    if (!nagraQueued.ok) throw new Error('enqueue failed');
    engine.wake();
    await expect
      .poll(() => nagraQueued.ids.every((id) => store.getRequest(id)?.local_state !== 'QUEUED' && store.getRequest(id)?.local_state !== 'SENDING'), { timeout: CONAX_DEADLINE_MS, interval: 10 })
      .toBe(true);
    const nagraDoneAfter = Date.now() - started;
    expect(healthy.records).toHaveLength(3);
    expect(store.getRequest(conaxQueued.ids[0]!)?.local_state).toBe('SENDING'); // still trickling
    expect(nagraDoneAfter).toBeLessThan(CONAX_DEADLINE_MS);

    // The trickle would take minutes; the absolute deadline ends it.
    await expect.poll(() => store.getRequest(conaxQueued.ids[0]!)?.local_state, { timeout: CONAX_DEADLINE_MS + 2_000, interval: 20 }).toBe('UNKNOWN');
    expect(Date.now() - started).toBeLessThan(CONAX_DEADLINE_MS + 2_000);
    expect(stalled.records).toHaveLength(1);
  }, 20_000);
});

describe('politeness per head-end', () => {
  it('keeps at most maxInFlight sends in flight and starts them at least minSendIntervalMs apart', async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const store = openStore(path.join(dir, 'store.sqlite'));
    cleanups.push(() => store.close());
    const headend = new ScriptedHeadend();
    headend.submitDelayMs = 40;
    let open = 0;
    let most = 0;
    const starts: number[] = [];
    const submit = headend.submit.bind(headend);
    headend.submit = async (...args) => {
      starts.push(Date.now());
      most = Math.max(most, ++open);
      try {
        return await submit(...args);
      } finally {
        open -= 1;
      }
    };
    const links = new Map([['nagravision' as const, new HeadendLink('nagravision', headend, Date.now, { failureThreshold: 1_000, openBackoff: { baseMs: 1, capMs: 1 } })]]);
    const retry = { backoff: { baseMs: 100, capMs: 1_000 }, authRetryMs: 1_000 };
    const dispatcher = new Dispatcher(store, links, new SyncEvents(), {
      maxInFlightPerHeadend: 128,
      politeness: { nagravision: { maxInFlight: 2, minSendIntervalMs: 15 } },
      claimBatch: 64,
      retry,
      now: Date.now,
    });
    const cards = Array.from({ length: 8 }, (_, i) => ({ id: `P${i}`, serial_number: `smrt7100000${i}`, subscription_number: `S7100${i}` }));
    const queued = store.enqueue(cards.map((card) => nagravisionInput(card, 0)));
    if (!queued.ok) throw new Error('enqueue failed');
    expect(await dispatcher.drain()).toMatchObject({ sent: 8, acknowledged: 8 });
    expect(most).toBe(2);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(15);
  });
});
