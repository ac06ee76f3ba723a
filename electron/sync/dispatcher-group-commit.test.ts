import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SubmitHooks, SubmitOutcome } from './headend-client';
import { openStore, type Store } from '../store/store';
import { Dispatcher } from './dispatcher';
import { HeadendLink } from './headend-link';
import { SyncEvents } from './sync-events';
import type { SyncStore } from './sync-store';
import { ScriptedHeadend } from './testing/scripted-headend';
import { nagravisionInput, tempDir, type Card } from './testing/sync-fixtures';

// Group commit: the heads launched together are marked SENDING in one
// transaction that returns before any of them is submitted, and the answers
// are recorded in shared transactions; per card, one in flight, in order.

const cards: Card[] = Array.from({ length: 12 }, (_, i) => ({ id: `C${i}`, serial_number: `smrt8000000${i}`, subscription_number: `S8000${i}` }));

/** What happened, in order: a group commit returning, or a submit starting. */
type Step = { mark: number[] } | { apply: number } | { submit: string; state: string | undefined };

/** The real store, noting when its group commits return. */
function recording(store: Store, steps: Step[]): SyncStore {
  return Object.assign(Object.create(store) as Store, {
    markSendingMany(ids: readonly number[]) {
      const results = store.markSendingMany(ids);
      steps.push({ mark: results.filter((r) => r.ok).map((r) => r.id) });
      return results;
    },
    applyOutcomes(outcomes: Parameters<Store['applyOutcomes']>[0]) {
      const results = store.applyOutcomes(outcomes);
      steps.push({ apply: outcomes.length });
      return results;
    },
  });
}

/** The scripted head-end, noting what the store says of each request as its send starts. */
class WatchingHeadend extends ScriptedHeadend {
  constructor(
    private readonly store: Store,
    private readonly steps: Step[],
  ) {
    super();
  }
  override submit(method: string, params: Record<string, unknown>, clientUuid: string, hooks?: SubmitHooks): Promise<SubmitOutcome> {
    this.steps.push({ submit: clientUuid, state: this.store.getByClientUuid(clientUuid)?.local_state });
    return super.submit(method, params, clientUuid, hooks);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('dispatcher group commit', () => {
  it('commits SENDING for a whole group before the first submit, records answers together, and keeps per-card order', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = openStore(path.join(dir, 'store.sqlite'));
    try {
      const inputs = [0, 1, 2].flatMap((n) => cards.map((card) => nagravisionInput(card, n)));
      const queued = store.enqueue(inputs);
      if (!queued.ok) throw new Error(JSON.stringify(queued.errors));
      const steps: Step[] = [];
      const headend = new WatchingHeadend(store, steps);
      const links = new Map([['nagravision' as const, new HeadendLink('nagravision', headend, Date.now)]]);
      const retry = { backoff: { baseMs: 100, capMs: 1_000 }, authRetryMs: 1_000, random: () => 1 };
      // The scripted head-end never finishes a request: a card goes on once it is created.
      const dispatcher = new Dispatcher(recording(store, steps), links, new SyncEvents(), { maxInFlightPerHeadend: 8, claimBatch: 16, retry, now: Date.now, cardOrder: 'acknowledged' });

      let stats = await dispatcher.drain();
      while (store.countByState().QUEUED > 0 && stats.sent > 0) stats = await dispatcher.drain();

      expect(store.countByState()).toMatchObject({ QUEUED: 0, SENDING: 0, UNKNOWN: 0 });
      expect(store.countByState().ACKNOWLEDGED + store.countByState().COMPLETED).toBe(inputs.length);
      // Every submit came after a group commit that named it, and saw it SENDING.
      const marked = new Set<number>();
      for (const step of steps) {
        if ('mark' in step) step.mark.forEach((id) => marked.add(id));
        if ('submit' in step) {
          expect(step.state).toBe('SENDING');
          expect(marked.has(store.getByClientUuid(step.submit)!.id)).toBe(true);
        }
      }
      const marks = steps.flatMap((s) => ('mark' in s ? [s.mark.length] : []));
      const applies = steps.flatMap((s) => ('apply' in s ? [s.apply] : []));
      expect(marks[0]).toBe(8); // the first group fills the window in one commit
      expect(marks.reduce((a, b) => a + b, 0)).toBe(inputs.length);
      expect(applies.reduce((a, b) => a + b, 0)).toBe(inputs.length);
      expect(applies.length).toBeLessThan(inputs.length); // answers share commits
      // Per card, the head-end received the queue in order.
      for (const card of cards) {
        const expected = store
          .listRequests({ limit: 100, order: 'asc' })
          .filter((r) => (r.params.smartcard_identifier as { serial_number: string }).serial_number === card.serial_number)
          .map((r) => r.client_uuid);
        expect(headend.receivedFor(card.serial_number)).toEqual(expected);
      }
    } finally {
      store.close();
    }
  });
});
