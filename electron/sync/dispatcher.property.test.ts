import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store';
import { Dispatcher } from './dispatcher';
import { HeadendLink } from './headend-link';
import { Reconciler } from './reconciler';
import { SyncEvents } from './sync-events';
import { ScriptedHeadend, type ScriptedOutcome } from './testing/scripted-headend';
import { nagravisionInput, tempDir, type Card } from './testing/sync-fixtures';

// Model-based test of the dispatcher (fast-check commands) over the real
// store: the model is, per card, the queue in the order the operator gave it.
// Whatever the head-end does (ack, reject, transient failure, unknown outcome
// with or without the request having arrived), after every step the head-end
// has received, per card, a prefix of that queue, and nothing twice; once the
// head-end behaves and the operator retries what was refused, everything
// arrives exactly once, in order.

const CARDS: Card[] = Array.from({ length: 4 }, (_, i) => ({ id: `C${i}`, serial_number: `smrt9000000${i}`, subscription_number: `S9000${i}` }));

interface Model {
  queues: Map<string, string[]>;
}

interface Real {
  store: Store;
  headend: ScriptedHeadend;
  dispatcher: Dispatcher;
  reconciler: Reconciler;
  clock: { now: number };
  seq: number;
}

function checkPrefixes(m: Model, r: Real): void {
  for (const card of CARDS) {
    const queue = m.queues.get(card.serial_number) ?? [];
    const received = r.headend.receivedFor(card.serial_number);
    expect(new Set(received).size).toBe(received.length);
    expect(received).toEqual(queue.slice(0, received.length));
  }
  for (const request of r.store.listRequests({ limit: 1000 })) {
    const there = r.headend.created.some((c) => c.uuid === request.client_uuid);
    if (['QUEUED', 'RETRY_WAIT', 'NEEDS_ATTENTION'].includes(request.local_state)) expect(there).toBe(false);
    if (request.local_state === 'ACKNOWLEDGED') expect(there).toBe(true);
  }
}

class Enqueue implements fc.AsyncCommand<Model, Real> {
  constructor(readonly card: number, readonly count: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const card = CARDS[this.card]!;
    const inputs = Array.from({ length: this.count }, () => nagravisionInput(card, r.seq++));
    const result = r.store.enqueue(inputs);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const queue = m.queues.get(card.serial_number) ?? [];
    queue.push(...result.ids.map((id) => r.store.getRequest(id)!.client_uuid));
    m.queues.set(card.serial_number, queue);
  }
  toString = () => `Enqueue(card ${this.card}, ${this.count})`;
}

class Dispatch implements fc.AsyncCommand<Model, Real> {
  constructor(readonly script: ScriptedOutcome[]) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.headend.setScript(this.script);
    await r.dispatcher.drain();
    checkPrefixes(m, r);
  }
  toString = () => `Dispatch(${this.script.join(',')})`;
}

class Reconcile implements fc.AsyncCommand<Model, Real> {
  constructor(readonly listFails: boolean) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.headend.listFails = this.listFails;
    await r.reconciler.run();
    r.headend.listFails = false;
    checkPrefixes(m, r);
  }
  toString = () => `Reconcile(${this.listFails ? 'list fails' : 'ok'})`;
}

class AdvanceTime implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    r.clock.now += this.ms;
  }
  toString = () => `AdvanceTime(${this.ms})`;
}

class OperatorRetry implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    for (const request of r.store.listRequests({ states: ['NEEDS_ATTENTION'], limit: 100 })) r.store.retry(request.id, 'operator', 'fixed');
    checkPrefixes(m, r);
  }
  toString = () => 'OperatorRetry';
}

const outcome = fc.constantFrom<ScriptedOutcome>('ack', 'ack', 'reject', 'transient', 'unknown_created', 'unknown_absent');
const commands = [
  fc.tuple(fc.integer({ min: 0, max: CARDS.length - 1 }), fc.integer({ min: 1, max: 3 })).map(([c, n]) => new Enqueue(c, n)),
  fc.array(outcome, { maxLength: 6 }).map((s) => new Dispatch(s)),
  fc.boolean().map((fails) => new Reconcile(fails)),
  fc.integer({ min: 0, max: 2_000 }).map((ms) => new AdvanceTime(ms)),
  fc.constant(new OperatorRetry()),
];

function setup(dir: string): Real {
  const clock = { now: Date.parse('2026-01-05T09:00:00Z') };
  const now = () => clock.now;
  const store = openStore(path.join(dir, `store-${Math.random().toString(36).slice(2)}.sqlite`), { clock: now });
  const headend = new ScriptedHeadend();
  const links = new Map([['nagravision' as const, new HeadendLink('nagravision', headend, now, { failureThreshold: 1_000, openBackoff: { baseMs: 1, capMs: 1 } })]]);
  const events = new SyncEvents();
  const retry = { backoff: { baseMs: 100, capMs: 1_000 }, authRetryMs: 1_000, random: () => 1 };
  // The scripted head-end never finishes a request: a card goes on once it is created.
  const dispatcher = new Dispatcher(store, links, events, { maxInFlightPerHeadend: 3, claimBatch: 4, retry, now, cardOrder: 'acknowledged' });
  const reconciler = new Reconciler(store, links, events, { graceMs: 0, pageSize: 1000, maxPerPass: 1000, now });
  return { store, headend, dispatcher, reconciler, clock, seq: 0 };
}

describe('dispatcher against a model of per-card queues', () => {
  it('never sends out of order nor twice, and delivers everything once the head-end behaves', async () => {
    const dir = tempDir();
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
          const real = setup(dir);
          const model: Model = { queues: new Map() };
          try {
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            // The head-end now behaves and the operator retries what it refused.
            for (let round = 0; round < 20; round++) {
              real.headend.setScript([]);
              real.clock.now += 5_000;
              for (const r of real.store.listRequests({ states: ['NEEDS_ATTENTION'], limit: 100 })) real.store.retry(r.id, 'operator', 'fixed');
              await real.reconciler.run();
              await real.dispatcher.drain();
            }
            for (const card of CARDS) {
              expect(real.headend.receivedFor(card.serial_number)).toEqual(model.queues.get(card.serial_number) ?? []);
            }
            const counts = real.store.countByState();
            expect(counts.ACKNOWLEDGED).toBe([...model.queues.values()].reduce((n, q) => n + q.length, 0));
          } finally {
            real.store.close();
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
