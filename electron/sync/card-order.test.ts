import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadend, type RunningHeadend } from '../sandbox/start-headend';
import type { EnqueueInput } from '../store/enqueue';
import { openStore, type Store } from '../store/store';
import { SyncEngine, type SyncEngineOptions } from './sync-engine';
import { conaxClient, endpointsOf, nagravisionClient, sandboxCards, tempDir, type Card } from './testing/sync-fixtures';

// Order of effect per card, against the real sandbox (processing run by hand).
// The head-end processes EXPRESS before REGULAR, so two requests of one card
// open there at once may take effect in the other order. By default
// (cardOrder 'finished') a card has at most one request open at the head-end:
// its next goes once the previous is COMPLETED or REJECTED there, and a
// REJECTED one holds the card until an operator acts. Other cards go on.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: Partial<SyncEngineOptions> = {}) {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const headend = await startHeadend({ seedSize: 'tiny', processingDelayMs: 0, processingPaused: true });
  cleanups.push(() => headend.close());
  const store: Store = openStore(path.join(dir, 'store.sqlite'));
  cleanups.push(() => store.close());
  const nagra = nagravisionClient(endpointsOf(headend));
  const catalog = conaxClient(endpointsOf(headend));
  cleanups.push(() => nagra.close(), () => catalog.close());
  const [a, b] = (await sandboxCards(catalog, 2)) as [Card, Card];
  const engine = new SyncEngine({ store, headends: { nagravision: nagra }, statusPollMs: 0, reconcileGraceMs: 2_000, ...options });
  cleanups.push(() => engine.stop());
  return { headend, store, engine, a, b };
}

/** A service the card is not entitled to at the head-end. */
function serviceMissingOn(headend: RunningHeadend, card: Card): string {
  const has = (headend.card(card.serial_number)?.services ?? []) as string[];
  const code = ['Gold', 'Silver', 'Bronze', 'Platinum'].find((c) => !has.includes(c));
  if (!code) throw new Error(`card ${card.serial_number} has every test service`);
  return code;
}

function products(card: Card, method: 'add_enhanced_list_of_products' | 'cancel_list_of_products', code: string, priority: 'REGULAR' | 'EXPRESS' = 'REGULAR'): EnqueueInput {
  return {
    provider: 'nagravision',
    method,
    params: {
      subscription_identifier: { number: card.subscription_number },
      smartcard_identifier: { serial_number: card.serial_number },
      services_set: [{ service_identifier: { code } }],
      priority,
    },
    operator: 'maria',
  };
}

function enqueue(store: Store, inputs: EnqueueInput[]): number[] {
  const result = store.enqueue(inputs);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ids;
}

const uuidOf = (store: Store, id: number) => store.getRequest(id)!.client_uuid;
const stateOf = (store: Store, id: number) => store.getRequest(id)!.local_state;

/** The head-end's numbers of what it received for a card, in arrival order, as our UUIDs. */
function receivedUuids(headend: RunningHeadend, store: Store, card: Card): string[] {
  return headend.received(card.serial_number).map((e) => store.getByHeadendId(e.request_id)?.client_uuid ?? `foreign ${e.request_id}`);
}

describe('order of effect per card (real sandbox)', () => {
  it("by default sends a card's next request only once the head-end finished the previous one; other cards go on", async () => {
    const { headend, store, engine, a, b } = await setup();
    const code = serviceMissingOn(headend, a);
    // The operator adds a service, then cancels it in a hurry (EXPRESS).
    const [add, cancel, other] = enqueue(store, [products(a, 'add_enhanced_list_of_products', code), products(a, 'cancel_list_of_products', code, 'EXPRESS'), products(b, 'add_enhanced_list_of_products', serviceMissingOn(headend, b))]) as [number, number, number];

    await engine.syncNow();
    expect([add, cancel, other].map((id) => stateOf(store, id))).toEqual(['ACKNOWLEDGED', 'QUEUED', 'ACKNOWLEDGED']);
    await engine.syncNow();
    expect(stateOf(store, cancel)).toBe('QUEUED'); // the add is still open at the head-end
    expect(receivedUuids(headend, store, a)).toEqual([uuidOf(store, add)]);

    expect(headend.processNow()).toHaveLength(2);
    await engine.syncNow(); // learns COMPLETED
    expect(stateOf(store, add)).toBe('COMPLETED');
    await engine.syncNow(); // the card's next request goes
    expect(stateOf(store, cancel)).toBe('ACKNOWLEDGED');
    headend.processNow();
    await engine.syncNow();
    expect([add, cancel, other].map((id) => stateOf(store, id))).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(receivedUuids(headend, store, a)).toEqual([add, cancel].map((id) => uuidOf(store, id)));
    expect(headend.card(a.serial_number)?.services).not.toContain(code); // added, then cancelled: the operator's order
  });

  it("with cardOrder 'acknowledged' both go at once, and the head-end applies the EXPRESS one first", async () => {
    const { headend, store, engine, a } = await setup({ cardOrder: 'acknowledged' });
    const code = serviceMissingOn(headend, a);
    const [add, cancel] = enqueue(store, [products(a, 'add_enhanced_list_of_products', code), products(a, 'cancel_list_of_products', code, 'EXPRESS')]) as [number, number];
    await engine.syncNow();
    expect([add, cancel].map((id) => stateOf(store, id))).toEqual(['ACKNOWLEDGED', 'ACKNOWLEDGED']);
    expect(headend.processNow()).toEqual([store.getRequest(cancel)!.number, store.getRequest(add)!.number]);
    expect(headend.card(a.serial_number)?.services).toContain(code); // what the default order prevents
  });

  it('holds the card behind a request the head-end rejected after acknowledging it, until the operator acts', async () => {
    const { headend, store, engine, a, b } = await setup();
    const missing = serviceMissingOn(headend, a);
    // Cancelling a service the card does not have: acknowledged, then rejected when processed.
    const [wrong, later] = enqueue(store, [products(a, 'cancel_list_of_products', missing), products(a, 'add_enhanced_list_of_products', missing)]) as [number, number];
    await engine.syncNow();
    expect(stateOf(store, wrong)).toBe('ACKNOWLEDGED');
    headend.processNow();
    await engine.syncNow();
    expect(store.getRequest(wrong)).toMatchObject({ local_state: 'REJECTED', life_cycle_state: 'REJECTED' });
    expect(store.getRequest(wrong)!.error_code).not.toBeNull();

    // Held: pass after pass, the card's later request stays queued, and other cards go on.
    const [elsewhere] = enqueue(store, [products(b, 'add_enhanced_list_of_products', serviceMissingOn(headend, b))]) as [number];
    await engine.syncNow();
    await engine.syncNow();
    expect(stateOf(store, later)).toBe('QUEUED');
    expect(stateOf(store, elsewhere)).toBe('ACKNOWLEDGED');
    expect(receivedUuids(headend, store, a)).toEqual([uuidOf(store, wrong)]);
    expect(store.countOpenAttention()).toBe(1);
    expect(store.listRequests({ states: ['REJECTED'], openOnly: true, limit: 10 }).map((r) => r.id)).toEqual([wrong]);

    // The operator queues a corrected copy: it takes the rejection's place, ahead of the waiting request.
    const copy = store.enqueueReplacing(products(a, 'add_enhanced_list_of_products', missing), wrong);
    if (!copy.ok) throw new Error(JSON.stringify(copy.errors));
    const [corrected] = copy.ids as [number];
    expect(store.countOpenAttention()).toBe(0);
    await engine.syncNow();
    expect(stateOf(store, corrected)).toBe('ACKNOWLEDGED');
    expect(stateOf(store, later)).toBe('QUEUED');
    headend.processNow();
    await engine.syncNow();
    await engine.syncNow();
    expect(stateOf(store, later)).toBe('ACKNOWLEDGED');
    expect(receivedUuids(headend, store, a)).toEqual([wrong, corrected, later].map((id) => uuidOf(store, id)));
  });
});
