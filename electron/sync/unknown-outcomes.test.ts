import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store';
import { Dispatcher } from './dispatcher';
import { HeadendLink } from './headend-link';
import { Reconciler, VERIFY_AT_HEADEND } from './reconciler';
import { SyncEngine } from './sync-engine';
import { SyncEvents } from './sync-events';
import { ScriptedHeadend } from './testing/scripted-headend';
import { nagravisionInput, tempDir } from './testing/sync-fixtures';
import { lineLogger } from '../logging/testing/line-logger';

// Unknown outcomes, never resent blindly (the head-end does not deduplicate).
// A lookup proves a request absent only when the head-end's records can show
// our UUID: records without the UUID field, or ours without a usable id, leave
// the request UNKNOWN. The grace before a lookup counts from the UNKNOWN
// transition. One unreadable answer makes only its own request UNKNOWN.

const CARD = { id: 'C1', serial_number: 'smrt90000001', subscription_number: 'S90001' };
const CARDS = [CARD, { id: 'C2', serial_number: 'smrt90000002', subscription_number: 'S90002' }, { id: 'C3', serial_number: 'smrt90000003', subscription_number: 'S90003' }];
const dirs: string[] = [];
const stores: Store[] = [];

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(graceMs = 0) {
  const dir = tempDir();
  dirs.push(dir);
  const clock = { now: Date.parse('2026-01-05T09:00:00Z') };
  const now = () => clock.now;
  const file = path.join(dir, 'store.sqlite');
  const store = openStore(file, { clock: now });
  stores.push(store);
  const headend = new ScriptedHeadend();
  const links = new Map([['nagravision' as const, new HeadendLink('nagravision', headend, now, { failureThreshold: 1_000, openBackoff: { baseMs: 1, capMs: 1 } })]]);
  const events = new SyncEvents();
  const retry = { backoff: { baseMs: 100, capMs: 1_000 }, authRetryMs: 1_000, random: () => 1 };
  // The scripted head-end never finishes a request: a card goes on once it is created.
  const dispatcher = new Dispatcher(store, links, events, { maxInFlightPerHeadend: 3, claimBatch: 4, retry, now, cardOrder: 'acknowledged' });
  const logs: string[] = [];
  const reconciler = new Reconciler(store, links, events, { graceMs, pageSize: 1000, maxPerPass: 1000, now, logger: lineLogger(logs) });
  return { store, headend, dispatcher, reconciler, logs, clock, links, events, now, file };
}

describe('reconciler', () => {
  it.each(['without-uuid-key', 'without-id', 'uuid-truncated'] as const)('hands a request to the operator when list items come %s, and resends nothing', async (shape) => {
    const { store, headend, dispatcher, reconciler, logs } = setup();
    const enqueued = store.enqueue([nagravisionInput(CARD, 0)]);
    if (!enqueued.ok) throw new Error('enqueue failed');
    const id = enqueued.ids[0]!;
    headend.setScript(['unknown_created']);
    await dispatcher.drain();
    expect(store.getRequest(id)?.local_state).toBe('UNKNOWN');

    headend.listItems = shape;
    const stats = await reconciler.run();
    expect(stats).toMatchObject({ found: 0, absent: 0, toOperator: 1 });
    expect(store.getRequest(id)).toMatchObject({ local_state: 'NEEDS_ATTENTION', error_code: VERIFY_AT_HEADEND, outcome_unknown: true });
    expect(logs.some((m) => m.includes('unverifiable listing'))).toBe(true);
    await dispatcher.drain();
    expect(headend.receivedFor(CARD.serial_number)).toHaveLength(1);

    // The operator asks for another lookup; once the head-end shows the field, the request is found, not resent.
    store.retry(id, 'operator', 'look again');
    expect(store.getRequest(id)?.local_state).toBe('UNKNOWN');
    headend.listItems = 'full';
    expect(await reconciler.run()).toMatchObject({ found: 1, absent: 0 });
    expect(store.getRequest(id)?.local_state).toBe('ACKNOWLEDGED');
    expect(headend.receivedFor(CARD.serial_number)).toHaveLength(1);
  });

  it('never concludes absence from a list without paging (a real CRM.COM list): the operator verifies', async () => {
    const { store, headend, dispatcher, reconciler } = setup();
    const enqueued = store.enqueue([nagravisionInput(CARD, 0)]);
    if (!enqueued.ok) throw new Error('enqueue failed');
    headend.setScript(['unknown_absent']);
    await dispatcher.drain();
    headend.listPaging = false;
    expect(await reconciler.run()).toMatchObject({ absent: 0, toOperator: 1 });
    expect(store.getRequest(enqueued.ids[0]!)).toMatchObject({ local_state: 'NEEDS_ATTENTION', error_code: VERIFY_AT_HEADEND });
    await dispatcher.drain();
    expect(headend.created).toHaveLength(0);
  });

  it('reads past a lying total until an empty page before it concludes absence', async () => {
    const { store, headend, dispatcher, links, events, now } = setup();
    const reconciler = new Reconciler(store, links, events, { graceMs: 0, pageSize: 2, maxPerPass: 1000, now });
    const inputs = [0, 1, 2, 3, 4].map((n) => nagravisionInput(CARDS[n % 3]!, n * 5));
    const enqueued = store.enqueue(inputs);
    if (!enqueued.ok) throw new Error('enqueue failed');
    headend.setScript(['ack', 'ack', 'ack', 'unknown_created']);
    for (let i = 0; i < 3; i++) await dispatcher.drain();
    const unknown = store.listRequests({ states: ['UNKNOWN'], limit: 10 });
    expect(unknown).toHaveLength(1);
    // total_pages 1 although ours is on page 2: a reader trusting it would resend.
    const honest = headend.list.bind(headend);
    headend.list = async (filter) => {
      const answer = await honest(filter);
      if (answer.kind === 'ok' && answer.data.paging) answer.data.paging = { ...answer.data.paging, total_pages: 1, total_records: 2 };
      return answer;
    };
    expect(await reconciler.run()).toMatchObject({ found: 1, absent: 0 });
    expect(store.getRequest(unknown[0]!.id)?.local_state).toBe('ACKNOWLEDGED');
  });

  it('proves absence when the records show the UUID field and ours is not there', async () => {
    const { store, headend, dispatcher, reconciler } = setup();
    const enqueued = store.enqueue([nagravisionInput(CARD, 0), nagravisionInput(CARD, 1)]);
    if (!enqueued.ok) throw new Error('enqueue failed');
    headend.setScript(['ack', 'unknown_absent']);
    await dispatcher.drain();
    expect(store.getRequest(enqueued.ids[1]!)?.local_state).toBe('UNKNOWN');
    expect(await reconciler.run()).toMatchObject({ found: 0, absent: 1 });
    expect(store.getRequest(enqueued.ids[1]!)?.local_state).not.toBe('UNKNOWN');
  });
});

describe('reconcile grace', () => {
  it('counts from when the request became UNKNOWN, not from when it was sent', async () => {
    const { store, reconciler, clock } = setup(1_000);
    const enqueued = store.enqueue([nagravisionInput(CARD, 0)]);
    if (!enqueued.ok) throw new Error('enqueue failed');
    const id = enqueued.ids[0]!;
    store.markSending(id);
    clock.now += 5_000; // the send waited out its timeout...
    store.markUnknown(id, 'no answer within the request timeout');
    expect(await reconciler.run()).toMatchObject({ waiting: 1, found: 0, absent: 0 });
    expect(reconciler.nextEligibleAt()).toBe(clock.now + 1_000);
    clock.now += 1_000;
    expect(await reconciler.run()).toMatchObject({ waiting: 0, absent: 1 });
  });

  it('is refused by the engine when shorter than a client request timeout', () => {
    const { store } = setup();
    const client = Object.assign(new ScriptedHeadend(), { requestTimeoutMs: 2_000 });
    expect(() => new SyncEngine({ store, headends: { nagravision: client }, reconcileGraceMs: 1_999 })).toThrow(/shorter than the nagravision request timeout/);
    expect(() => new SyncEngine({ store, headends: { nagravision: client }, reconcileGraceMs: 2_000 })).not.toThrow();
    expect(() => new SyncEngine({ store, headends: { nagravision: client } })).not.toThrow();
  });
});

describe('dispatcher answers', () => {
  it('turns only the request with a malformed answer UNKNOWN, not the whole group commit', async () => {
    const { store, headend, dispatcher } = setup();
    const enqueued = store.enqueue(CARDS.map((card) => nagravisionInput(card, 0)));
    if (!enqueued.ok) throw new Error('enqueue failed');
    headend.setScript(['ack', 'ack_malformed', 'ack']);
    const stats = await dispatcher.drain();
    expect(stats).toMatchObject({ sent: 3, acknowledged: 2, unknown: 1 });
    expect(enqueued.ids.map((id) => store.getRequest(id)?.local_state)).toEqual(['ACKNOWLEDGED', 'UNKNOWN', 'ACKNOWLEDGED']);
  });
});

describe('PIN hygiene while reconciling', () => {
  it('wipes the PINs of the requests found and checkpoints the WAL once per run', async () => {
    const { store, headend, dispatcher, links, events, now, file } = setup();
    const enqueued = store.enqueue(CARDS.map((card) => nagravisionInput(card, 3))); // n = 3: set_pin_to_given_value
    if (!enqueued.ok) throw new Error('enqueue failed');
    headend.setScript(['unknown_created', 'unknown_created', 'unknown_created']);
    await dispatcher.drain();
    expect(store.countByState().UNKNOWN).toBe(3);
    let checkpoints = 0;
    const counting = Object.assign(Object.create(store) as typeof store, {
      checkpoint: () => {
        checkpoints += 1;
        return store.checkpoint();
      },
    });
    const reconciler = new Reconciler(counting, links, events, { graceMs: 0, pageSize: 1000, maxPerPass: 1000, now });
    expect(await reconciler.run()).toMatchObject({ found: 3 });
    expect(checkpoints).toBe(1);
    for (const id of enqueued.ids) expect(store.getRequest(id)!.params.pin).not.toMatch(/^\d+$/);
    expect(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0).toBe(0);
  });
});
