import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HeadendClient, PartialRequest, QueryOutcome } from './headend-client';
import { openStore, type Store } from '../store/store';
import { HeadendLink } from './headend-link';
import { StatusPoller } from './status-poller';
import { SyncEvents } from './sync-events';
import type { SyncStore } from './sync-store';
import { ScriptedHeadend } from './testing/scripted-headend';
import { nagravisionInput, tempDir, type Card } from './testing/sync-fixtures';
import { CLIENT_UUID_UDF } from '../../shared/domain/client-uuid';

// Group commit of the status poller: the ends the head-end reports for a
// batch of acknowledged requests are recorded in one transaction, each with
// its own checks (a request the store refuses changes nothing, the others
// still end), and each told to the UI once recorded.

const cards: Card[] = Array.from({ length: 10 }, (_, i) => ({ id: `C${i}`, serial_number: `smrt8100000${i}`, subscription_number: `S8100${i}` }));

/** A head-end that finished every request it knows: even numbers COMPLETED, odd REJECTED. */
class FinishedHeadend extends ScriptedHeadend {
  // The key is optional only because the base class ignores it; the poller always gives one.
  override async show(key?: Parameters<HeadendClient['show']>[0]): Promise<QueryOutcome<PartialRequest>> {
    await Promise.resolve();
    const c = this.created.find((r) => key !== undefined && ('id' in key ? r.id === key.id : r.number === key.number));
    if (!c) return { kind: 'error', errorClass: 'permanent', code: 'NOT_FOUND', description: 'no such request' };
    const state = Number(c.number) % 2 === 0 ? 'COMPLETED' : 'REJECTED';
    return { kind: 'ok', data: { id: c.id, number: c.number, life_cycle_state: state, executed_date: '2026-01-05T09:00:01', [CLIENT_UUID_UDF]: c.uuid } };
  }
}

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The real store, counting its commits of ends: single markFinal calls and group applyOutcomes. */
function counting(store: Store, commits: { single: number; groups: number[] }): SyncStore {
  return Object.assign(Object.create(store) as Store, {
    markFinal(...args: Parameters<Store['markFinal']>) {
      commits.single += 1;
      return store.markFinal(...args);
    },
    applyOutcomes(outcomes: Parameters<Store['applyOutcomes']>[0]) {
      commits.groups.push(outcomes.length);
      return store.applyOutcomes(outcomes);
    },
  });
}

describe('status poller', () => {
  it('records the ends of a batch in one commit, each checked alone, and tells each once recorded', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = openStore(path.join(dir, 'store.sqlite'));
    stores.push(store);
    const queued = store.enqueue(cards.map((card) => nagravisionInput(card, 0)));
    if (!queued.ok) throw new Error(JSON.stringify(queued.errors));
    const headend = new FinishedHeadend();
    for (const id of queued.ids) {
      const request = store.markSending(id);
      const created = headend.arrive(request.method, request.params, request.client_uuid);
      store.markAcknowledged(id, { headend_id: created.id, number: created.number, life_cycle_state: 'PENDING' });
    }
    // One is recorded finished meanwhile (the poller read it as still acknowledged): the store refuses its end again.
    const settled = queued.ids[3]!;
    const pending = store.pendingHeadendRequests(100);
    store.markFinal(settled, 'COMPLETED');
    const stale: SyncStore = Object.assign(Object.create(store) as Store, { pendingHeadendRequests: (limit: number, afterId = 0) => pending.filter((r) => r.id > afterId).slice(0, limit) });

    const commits = { single: 0, groups: [] as number[] };
    const events = new SyncEvents();
    const told: number[] = [];
    events.onChange((e) => {
      if (e.type !== 'request-changed') return;
      // Told only once recorded: committed (this connection would also see its own uncommitted rows).
      const committed = !(store as unknown as { ctx: { db: { inTransaction: boolean } } }).ctx.db.inTransaction;
      if (committed && store.getRequest(e.requestId)?.local_state === e.localState) told.push(e.requestId);
    });
    const links = new Map([['nagravision' as const, new HeadendLink('nagravision', headend, Date.now)]]);
    links.get('nagravision')!.noteReachable();
    const poller = new StatusPoller(counting(stale as Store, commits), links, events, { batchSize: 500, concurrency: 4 });
    const stats = await poller.run();

    expect(commits).toEqual({ single: 0, groups: [cards.length] });
    expect(stats).toMatchObject({ polled: cards.length, completed: 4, rejected: 5, failed: 1 });
    const states = queued.ids.map((id) => store.getRequest(id)!.local_state);
    expect(states.filter((s) => s === 'COMPLETED')).toHaveLength(5); // four from the poller, one recorded before
    expect(states.filter((s) => s === 'REJECTED')).toHaveLength(5);
    expect(told.sort((a, b) => a - b)).toEqual(queued.ids.filter((id) => id !== settled));
  });
});
