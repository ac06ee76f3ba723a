import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import { HeadendLink } from './headend-link';
import { SyncEvents } from './sync-events';
import { ScriptedHeadend } from './testing/scripted-headend';
import { nagravisionInput, tempDir } from './testing/sync-fixtures';

// Order of effect per card. With cardOrder 'finished' a card has at most one
// request open at the head-end: its next request goes only once the previous
// one is COMPLETED or REJECTED there, so a head-end that processes EXPRESS
// before REGULAR cannot apply them out of the operator's order. Other cards
// still go in parallel.

const A = { id: 'A', serial_number: 'smrt50000001', subscription_number: 'S50001' };
const B = { id: 'B', serial_number: 'smrt50000002', subscription_number: 'S50002' };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function setup(cardOrder: DispatcherOptions['cardOrder']) {
  const dir = tempDir();
  const store: Store = openStore(path.join(dir, 'store.sqlite'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }), () => store.close());
  const headend = new ScriptedHeadend();
  const links = new Map([['nagravision' as const, new HeadendLink('nagravision', headend, Date.now, { failureThreshold: 1_000, openBackoff: { baseMs: 1, capMs: 1 } })]]);
  const retry = { backoff: { baseMs: 10, capMs: 100 }, authRetryMs: 100 };
  const dispatcher = new Dispatcher(store, links, new SyncEvents(), { maxInFlightPerHeadend: 8, claimBatch: 16, retry, now: Date.now, cardOrder });
  return { store, headend, dispatcher };
}

describe('order of effect per card', () => {
  it("'finished': a card's next request waits until the head-end finished the previous one; other cards go on", async () => {
    const { store, headend, dispatcher } = setup('finished');
    const queued = store.enqueue([nagravisionInput(A, 0), nagravisionInput(A, 1), nagravisionInput(B, 0)]);
    if (!queued.ok) throw new Error('enqueue failed');
    const [a1, a2, b1] = queued.ids as [number, number, number];
    expect(await dispatcher.drain()).toMatchObject({ sent: 2 });
    expect([a1, a2, b1].map((id) => store.getRequest(id)?.local_state)).toEqual(['ACKNOWLEDGED', 'QUEUED', 'ACKNOWLEDGED']);
    expect(await dispatcher.drain()).toMatchObject({ sent: 0 }); // still open at the head-end
    // The head-end rejects it (the status poller would record this): the card goes on.
    store.markFinal(a1, 'REJECTED', { error_code: 'INPUT_VALIDATION_ERROR', error_description: 'no such service' });
    expect(await dispatcher.drain()).toMatchObject({ sent: 1 });
    expect(store.getRequest(a2)?.local_state).toBe('ACKNOWLEDGED');
    expect(headend.receivedFor(A.serial_number)).toEqual([a1, a2].map((id) => store.getRequest(id)!.client_uuid));
  });

  it("'acknowledged' (default): the next request goes as soon as the previous one is created", async () => {
    const { store, dispatcher } = setup(undefined);
    const queued = store.enqueue([nagravisionInput(A, 0), nagravisionInput(A, 1)]);
    if (!queued.ok) throw new Error('enqueue failed');
    expect(await dispatcher.drain()).toMatchObject({ sent: 2 });
  });
});
