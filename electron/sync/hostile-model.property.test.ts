import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LocalRequest } from '../../shared/domain/local-request';
import { openStore, type Store } from '../store/store';
import { Dispatcher } from './dispatcher';
import { HeadendLink } from './headend-link';
import { Reconciler, VERIFY_AT_HEADEND } from './reconciler';
import { SyncEvents } from './sync-events';
import { ScriptedHeadend, type ScriptedOutcome } from './testing/scripted-headend';
import { nagravisionInput, tempDir, type Card } from './testing/sync-fixtures';

// Model-based test of the whole send/settle cycle over the real store file,
// against a head-end that misbehaves (SYSTEM_ERROR after creating, crossed
// answers naming another request, lost answers, lists without paging or
// with lying totals or without our UUID field, failing lists), with kill -9
// (the store closed mid-send and opened again) and operator actions (retry,
// edit, discard, and "it arrived" / "it did not arrive" after checking the
// head-end). After every step: at most one copy per request at the head-end;
// nothing ACKNOWLEDGED/COMPLETED the head-end does not hold under that id;
// nothing sendable (QUEUED, RETRY_WAIT) or refused the head-end holds; each
// card's requests arrive in queue order.

const CARDS: Card[] = Array.from({ length: 3 }, (_, i) => ({ id: `M${i}`, serial_number: `smrt6000000${i}`, subscription_number: `S6000${i}` }));
const MIN_STEPS = 10_000;
let steps = 0;

interface Real {
  file: string;
  store: Store;
  headend: ScriptedHeadend;
  dispatcher: Dispatcher;
  reconciler: Reconciler;
  clock: { now: number };
  seq: number;
}

function wire(r: Pick<Real, 'store' | 'headend' | 'clock'>): Pick<Real, 'dispatcher' | 'reconciler'> {
  const now = () => r.clock.now;
  const links = new Map([['nagravision' as const, new HeadendLink('nagravision', r.headend, now, { failureThreshold: 1_000_000, openBackoff: { baseMs: 1, capMs: 1 } })]]);
  const events = new SyncEvents();
  const retry = { backoff: { baseMs: 10, capMs: 100 }, authRetryMs: 100, random: () => 1 };
  return {
    dispatcher: new Dispatcher(r.store, links, events, { maxInFlightPerHeadend: 4, claimBatch: 8, retry, now }),
    reconciler: new Reconciler(r.store, links, events, { graceMs: 0, pageSize: 3, maxPerPass: 1000, now }),
  };
}

function all(r: Real): LocalRequest[] {
  return r.store.listRequests({ limit: 10_000, order: 'asc' });
}

function checkInvariants(r: Real): void {
  const copies = new Map<string, number>();
  for (const c of r.headend.created) copies.set(c.uuid, (copies.get(c.uuid) ?? 0) + 1);
  for (const [uuid, n] of copies) expect(n, `copies of ${uuid}`).toBe(1);
  const local = all(r);
  for (const q of local) {
    const record = r.headend.created.find((c) => c.uuid === q.client_uuid);
    if (q.local_state === 'ACKNOWLEDGED' || (q.local_state === 'COMPLETED' && q.number !== null)) {
      expect(record, `request ${q.id} ${q.local_state} is at the head-end`).toBeDefined();
      if (q.headend_id !== null) expect(q.headend_id).toBe(record!.id);
      if (q.number !== null) expect(q.number).toBe(record!.number);
    }
    if (q.local_state === 'COMPLETED') expect(record, `request ${q.id} COMPLETED is at the head-end`).toBeDefined();
    const neverThere = ['QUEUED', 'RETRY_WAIT'].includes(q.local_state) || (['NEEDS_ATTENTION', 'DISCARDED'].includes(q.local_state) && !q.outcome_unknown);
    if (neverThere) expect(record, `request ${q.id} ${q.local_state} is not at the head-end`).toBeUndefined();
  }
  const seqOf = new Map(local.map((q) => [q.client_uuid, q.card_seq]));
  for (const card of CARDS) {
    const seqs = r.headend.receivedFor(card.serial_number).map((u) => seqOf.get(u) ?? -1);
    expect(seqs, `order on ${card.serial_number}`).toEqual([...seqs].sort((a, b) => a - b));
  }
}

type Cmd = fc.AsyncCommand<object, Real>;
const cmd = (name: string, run: (r: Real) => Promise<void> | void): Cmd => ({
  check: () => true,
  run: async (_m, r) => {
    steps += 1;
    await run(r);
    checkInvariants(r);
  },
  toString: () => name,
});

const outcome = fc.constantFrom<ScriptedOutcome>('ack', 'ack', 'reject', 'transient', 'unknown_created', 'unknown_absent', 'system_error_created', 'crossed');
const listMode = fc.constantFrom('paged', 'paged', 'no_paging', 'lying_totals', 'no_uuid_field', 'fails');

const commands = [
  fc.tuple(fc.integer({ min: 0, max: CARDS.length - 1 }), fc.integer({ min: 1, max: 3 })).map(([c, n]) =>
    cmd(`Enqueue(${c}, ${n})`, (r) => {
      const result = r.store.enqueue(Array.from({ length: n }, () => nagravisionInput(CARDS[c]!, r.seq++ * 5)));
      expect(result.ok).toBe(true);
    }),
  ),
  fc.array(outcome, { maxLength: 5 }).map((script) =>
    cmd(`Dispatch(${script.join(',')})`, async (r) => {
      r.headend.setScript(script);
      await r.dispatcher.drain();
    }),
  ),
  listMode.map((mode) =>
    cmd(`Reconcile(${mode})`, async (r) => {
      r.headend.listPaging = mode !== 'no_paging';
      r.headend.listLyingTotals = mode === 'lying_totals';
      r.headend.listItems = mode === 'no_uuid_field' ? 'without-uuid-key' : 'full';
      r.headend.listFails = mode === 'fails';
      try {
        await r.reconciler.run();
      } finally {
        Object.assign(r.headend, { listPaging: true, listLyingTotals: false, listItems: 'full', listFails: false });
      }
    }),
  ),
  fc.integer({ min: 0, max: 500 }).map((ms) => cmd(`AdvanceTime(${ms})`, (r) => void (r.clock.now += ms))),
  fc.boolean().map((arrives) =>
    cmd(`Kill(mid-send, ${arrives ? 'arrived' : 'lost'})`, (r) => {
      const head = r.store.claimDue(r.clock.now, 1)[0];
      if (head) {
        r.store.markSending(head.id);
        if (arrives) r.headend.arrive(head.method, head.params, head.client_uuid);
      }
      r.store.close(); // as kill -9 leaves it: SENDING on disk
      r.store = openStore(r.file, { clock: () => r.clock.now });
      Object.assign(r, wire(r));
    }),
  ),
  fc.constant(
    cmd('OperatorRetry', (r) => {
      for (const q of r.store.listRequests({ states: ['NEEDS_ATTENTION'], limit: 100 })) r.store.retry(q.id, 'op', 'retry');
    }),
  ),
  fc.constant(
    cmd('OperatorEdit', (r) => {
      const q = r.store.listRequests({ states: ['NEEDS_ATTENTION'], limit: 100 }).find((x) => !x.outcome_unknown);
      if (q) expect(r.store.edit(q.id, q.params, 'op', 'edited').ok).toBe(true);
    }),
  ),
  fc.constant(
    cmd('OperatorDiscard', (r) => {
      const q = r.store.listRequests({ states: ['NEEDS_ATTENTION', 'QUEUED'], limit: 1 })[0];
      if (q) r.store.discard(q.id, 'op', 'withdrawn');
    }),
  ),
  fc.constant(
    cmd('OperatorVerifies', (r) => {
      // The operator looks at the head-end and reports what is there.
      for (const q of r.store.listRequests({ states: ['NEEDS_ATTENTION'], limit: 100 }).filter((x) => x.error_code === VERIFY_AT_HEADEND)) {
        const record = r.headend.created.find((c) => c.uuid === q.client_uuid);
        if (record) r.store.confirmArrived(q.id, 'op', record.number, 'found it');
        else r.store.confirmNotArrived(q.id, 'op', 'not there');
      }
    }),
  ),
];

function setup(dir: string): Real {
  const clock = { now: Date.parse('2026-01-05T09:00:00Z') };
  const file = path.join(dir, `store-${Math.random().toString(36).slice(2)}.sqlite`);
  const store = openStore(file, { clock: () => clock.now });
  const base = { file, store, headend: new ScriptedHeadend(), clock, seq: 0 };
  return { ...base, ...wire(base) };
}

/** A real SQLite file on tmpfs where there is one: the same code, without an fsync per step. */
function fastDir(): string {
  return fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/cadesk-model-') : tempDir();
}

describe('send and settle against a hostile head-end, with kills and operator actions (model)', () => {
  it(`keeps every invariant over at least ${MIN_STEPS.toLocaleString('en-US')} random steps`, async () => {
    const dir = fastDir();
    steps = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 80, size: 'max' }), async (cmds) => {
          if (steps >= MIN_STEPS) return; // enough: the remaining runs are not needed
          const real = setup(dir);
          try {
            await fc.asyncModelRun(() => ({ model: {}, real }), cmds);
          } finally {
            real.store.close();
            fs.rmSync(real.file, { force: true });
            fs.rmSync(`${real.file}-wal`, { force: true });
            fs.rmSync(`${real.file}-shm`, { force: true });
          }
        }),
        { numRuns: 1_000 },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    console.log(`hostile model: ${steps} steps without a violation`);
    expect(steps).toBeGreaterThanOrEqual(MIN_STEPS);
  }, 300_000);
});
