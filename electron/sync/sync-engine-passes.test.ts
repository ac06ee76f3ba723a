import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store';
import { SyncEngine } from './sync-engine';
import { ScriptedHeadend } from './testing/scripted-headend';
import { nagravisionInput, tempDir, type Card } from './testing/sync-fixtures';

// How passes, start(), stop() and syncNow() interleave, against the real
// store and a scripted head-end (the remote part, whose timing a test picks).

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const cards = (n: number): Card[] =>
  Array.from({ length: n }, (_, i) => ({ id: `C${i}`, serial_number: `smrt8${String(i).padStart(7, '0')}`, subscription_number: `S8${i}` }));

function setup(): { store: Store; headend: ScriptedHeadend; engine: SyncEngine } {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = openStore(path.join(dir, 'store.sqlite'));
  cleanups.push(() => store.close());
  const headend = new ScriptedHeadend();
  const engine = new SyncEngine({
    store,
    headends: { nagravision: headend },
    idleMs: 10,
    statusPollMs: 3_600_000,
    // The scripted head-end never finishes a request: a card goes on once it is created.
    cardOrder: 'acknowledged',
    maxInFlightPerHeadend: 4,
    reconcileGraceMs: 0,
    breaker: { failureThreshold: 1_000, openBackoff: { baseMs: 1, capMs: 1 } },
  });
  cleanups.push(() => engine.stop());
  return { store, headend, engine };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** One request of `card` left UNKNOWN, so the next pass reconciles (lists) before it drains. */
function unknownRequest(store: Store, card: Card): number {
  const result = store.enqueue([nagravisionInput(card, 0)]);
  if (!result.ok) throw new Error('enqueue failed');
  const id = result.ids[0]!;
  store.markSending(id);
  store.markUnknown(id, 'test: the answer was lost');
  return id;
}

describe('sync engine passes', () => {
  it('Sync now sends at once a request waiting for its next attempt (it certainly did not arrive), and nothing else twice', async () => {
    const { store, headend, engine } = setup();
    const [card] = cards(1);
    const queued = store.enqueue([nagravisionInput(card!, 0)]);
    if (!queued.ok) throw new Error('enqueue failed');
    const id = queued.ids[0]!;
    store.markSending(id);
    store.scheduleRetry(id, Date.now() + 3_600_000, 'connection refused');
    await engine.syncNow();
    expect(headend.created).toHaveLength(1);
    expect(store.getRequest(id)?.local_state).toBe('ACKNOWLEDGED');
    await engine.syncNow();
    expect(headend.created).toHaveLength(1);
  });

  it('does not lose a stop() that lands while the pass reconciles: the backlog is not drained', async () => {
    const { store, headend, engine } = setup();
    const [first, ...others] = cards(41);
    unknownRequest(store, first!);
    const backlog = store.enqueue(others.flatMap((card) => [nagravisionInput(card, 1), nagravisionInput(card, 2)]));
    expect(backlog.ok).toBe(true);
    headend.listDelayMs = 50;
    const pass = engine.syncNow();
    await until(() => headend.listCalls > 0);
    await engine.stop(); // lands during the reconciler's list, before the drain
    await pass;
    expect(headend.created).toHaveLength(0);
    const counts = store.countByState();
    expect(counts.QUEUED + counts.UNKNOWN).toBe(81); // the backlog and the reconciled one, none sent
    // syncNow after a stop sends again.
    await engine.syncNow();
    expect(headend.created.length).toBeGreaterThan(0);
  });

  it('start() while a syncNow() pass is sending leaves the live sends alone', async () => {
    const { store, headend, engine } = setup();
    const enqueued = store.enqueue(cards(3).map((card) => nagravisionInput(card, 0)));
    if (!enqueued.ok) throw new Error('enqueue failed');
    headend.submitDelayMs = 100;
    const pass = engine.syncNow();
    await until(() => store.countByState().SENDING === 3);
    engine.start();
    expect(store.countByState().SENDING).toBe(3);
    await pass;
    await engine.stop();
    for (const id of enqueued.ids) {
      expect(store.getRequest(id)?.local_state).toBe('ACKNOWLEDGED');
      expect(store.eventsFor(id).map((e) => e.kind)).not.toContain('outcome_unknown');
    }
    expect(headend.created).toHaveLength(3);
  });

  it('a request left SENDING (its markUnknown failed) is settled by the next pass, without a restart', async () => {
    const { store, headend, engine } = setup();
    const [card] = cards(1);
    const result = store.enqueue([nagravisionInput(card!, 0), nagravisionInput(card!, 1)]);
    if (!result.ok) throw new Error('enqueue failed');
    const [stuck, next] = result.ids as [number, number];
    store.markSending(stuck); // what a failed markUnknown leaves behind: no send of this engine is in flight
    await engine.syncNow();
    expect(store.getRequest(stuck)?.local_state).not.toBe('SENDING');
    // Never sent, so proven absent and sent once; then the card's next request goes too.
    await engine.syncNow();
    expect(headend.receivedFor(card!.serial_number)).toEqual([store.getRequest(stuck)!.client_uuid, store.getRequest(next)!.client_uuid]);
  });
});
