import fs from 'node:fs';
import path from 'node:path';
import type { LocalRequest } from '../../../shared/domain/local-request';
import { openStore, type Store } from '../../store/store';
import { SyncEngine } from '../sync-engine';
import { HostileHeadend, type HostileBehaviour } from './hostile-headend';
import { conaxClient, conaxInput, nagravisionClient, nagravisionInput, tempDir, type Card } from './sync-fixtures';

// Runs the real sync engine (real store file, real clients, real sockets)
// against the hostile head-end for a bounded time and measures the promises:
// copies at the head-end per local request, completions the head-end does not
// back, the longest sync pass, and memory growth.

export const HOSTILE_TIMEOUT_MS = 300;

export interface ScenarioReport {
  /** Most copies of one local request at the head-end. */
  maxCopies: number;
  /** Local requests ACKNOWLEDGED/COMPLETED/REJECTED that no head-end record of theirs backs. */
  falseCompletions: string[];
  /** Requests QUEUED/RETRY_WAIT locally although the head-end holds them (a resend would duplicate). */
  wronglyAbsent: string[];
  longestPassMs: number;
  memoryGrowthBytes: number;
  states: Record<string, number>;
}

export interface ScenarioOptions {
  behaviour: Partial<HostileBehaviour>;
  /** Requests of other clients already at the head-end, so ours are not on the first page. */
  foreign?: number;
  /** How long to run passes under the misbehaviour. */
  runMs?: number;
  /** Called once half-way (e.g. a restart). */
  midway?: (h: HostileHeadend) => Promise<void>;
  providers?: readonly ('nagravision' | 'conax')[];
}

const CARDS: Card[] = Array.from({ length: 2 }, (_, i) => ({ id: `H${i}`, serial_number: `smrt8000000${i}`, subscription_number: `S8000${i}` }));

export async function runHostileScenario(options: ScenarioOptions): Promise<ScenarioReport> {
  const dir = tempDir();
  const headend = new HostileHeadend();
  await headend.start();
  const providers = options.providers ?? ['nagravision', 'conax'];
  // Requests of other clients of the head-end (no UUID of ours), made honestly.
  for (let i = 0; i < (options.foreign ?? 3); i++) {
    headend.records.push(
      { id: `F${i}`.padEnd(32, '0'), number: String(40_000 + i), type: 'ADD_ENHANCED_LIST_OF_PRODUCTS', uuid: null, card: 'other', provider: 'nagravision', life_cycle_state: 'COMPLETED' },
      { id: `G${i}`.padEnd(32, '0'), number: String(41_000 + i), type: 'ADD_SUBSCRIPTIONS', uuid: null, card: 'other', provider: 'conax', life_cycle_state: 'COMPLETED' },
      { id: `K${i}`.padEnd(32, '0'), number: String(42_000 + i), type: 'CANCEL_SUBSCRIPTIONS', uuid: null, card: 'other', provider: 'conax', life_cycle_state: 'COMPLETED' },
      { id: `L${i}`.padEnd(32, '0'), number: String(43_000 + i), type: 'CANCEL_LIST_OF_PRODUCTS', uuid: null, card: 'other', provider: 'nagravision', life_cycle_state: 'COMPLETED' },
    );
  }
  headend.set(options.behaviour);
  const endpoints = { tcpPort: headend.tcpPort, baseUrl: `http://127.0.0.1:${headend.httpPort}`, destinationId: 'HOSTILE' };
  const nagra = nagravisionClient(endpoints, { requestTimeoutMs: HOSTILE_TIMEOUT_MS, connectTimeoutMs: HOSTILE_TIMEOUT_MS, heartbeatIntervalMs: 200, heartbeatTimeoutMs: HOSTILE_TIMEOUT_MS });
  const conax = conaxClient(endpoints, HOSTILE_TIMEOUT_MS);
  const store: Store = openStore(path.join(dir, 'store.sqlite'));
  const headends = Object.fromEntries(providers.map((p) => [p, p === 'nagravision' ? nagra : conax]));
  const engine = new SyncEngine({
    store,
    headends,
    idleMs: 20,
    statusPollMs: 0,
    reconcileGraceMs: HOSTILE_TIMEOUT_MS,
    reconcilePageSize: 2,
    retry: { backoff: { baseMs: 10, capMs: 40 }, authRetryMs: 50 },
    breaker: { failureThreshold: 1_000, openBackoff: { baseMs: 1, capMs: 1 } },
  });
  const before = memory();
  let longestPassMs = 0;
  try {
    const inputs = CARDS.flatMap((card) =>
      [0, 1].flatMap((n) => providers.map((p) => (p === 'nagravision' ? nagravisionInput(card, n * 2) : conaxInput(card, n)))),
    );
    const enqueued = store.enqueue(inputs);
    if (!enqueued.ok) throw new Error('enqueue failed');
    const runMs = options.runMs ?? 2_000;
    const started = Date.now();
    let midwayDone = options.midway === undefined;
    // Bounded in count and time: a pass that outlives 10 s is a stall and ends the run.
    for (let pass = 0; pass < 200 && Date.now() - started < runMs; pass++) {
      if (!midwayDone && Date.now() - started > runMs / 2) {
        midwayDone = true;
        await options.midway!(headend);
      }
      const t0 = Date.now();
      const finished = await Promise.race([engine.syncNow().then(() => true), sleep(10_000).then(() => false)]);
      longestPassMs = Math.max(longestPassMs, Date.now() - t0);
      if (!finished) break;
      await sleep(30);
    }
    return { ...judge(store, headend), longestPassMs, memoryGrowthBytes: memory() - before };
  } finally {
    await headend.close(); // frees any stalled exchange, so stop() below returns
    await engine.stop();
    await Promise.all([nagra.close(), conax.close()]);
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function judge(store: Store, headend: HostileHeadend): Omit<ScenarioReport, 'longestPassMs' | 'memoryGrowthBytes'> {
  const copies = headend.copies();
  const local = store.listRequests({ limit: 1_000, order: 'asc' });
  const falseCompletions: string[] = [];
  const wronglyAbsent: string[] = [];
  const states: Record<string, number> = {};
  let maxCopies = 0;
  for (const r of local) {
    states[r.local_state] = (states[r.local_state] ?? 0) + 1;
    maxCopies = Math.max(maxCopies, copies.get(r.client_uuid) ?? 0);
    if (['ACKNOWLEDGED', 'COMPLETED', 'REJECTED'].includes(r.local_state) && !backed(r, headend)) {
      falseCompletions.push(`${r.id} ${r.local_state} as head-end ${r.headend_id ?? '-'}/${r.number ?? '-'}`);
    }
    if (['QUEUED', 'RETRY_WAIT'].includes(r.local_state) && (copies.get(r.client_uuid) ?? 0) > 0) wronglyAbsent.push(`${r.id} ${r.local_state}`);
  }
  return { maxCopies, falseCompletions, wronglyAbsent, states };
}

/** A head-end record carrying our UUID, and (when we recorded one) the same id or number. */
function backed(r: LocalRequest, headend: HostileHeadend): boolean {
  return headend.records.some(
    (h) => h.uuid === r.client_uuid && (r.headend_id === null || h.id === r.headend_id) && (r.number === null || h.number === r.number),
  );
}

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
