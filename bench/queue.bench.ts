// The request queue at operator scale: 1M requests (quick: 20k) queued over
// two days in batches of 10k, as a busy office's imports would be, over 200k
// cards, both providers, six methods, some sent, acknowledged, finished,
// needing attention or discarded. Then each question the console asks, through
// the services the IPC calls (RequestService): the first page with its total,
// every filter the queue offers (state, provider, type, card, date, search),
// oldest first, counts and the 24-hour dashboard. Each query is timed 15
// times; the figure is the p90 (the machine is shared) and each answer is
// checked against what was queued.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LocalState } from '../shared/domain/local-request';
import { EventHub } from '../electron/services/service-registry';
import { RequestService } from '../electron/services/request-service';
import type { EnqueueInput } from '../electron/store/enqueue';
import { openStore, type Store } from '../electron/store/store';
import { check, figure, megabytes, percentile, rssMiB, type BenchOptions } from './bench-report';
import { silentLogger } from '../electron/logging/logger';

const HOUR = 3_600_000;
const BATCH = 10_000;
const TIMES = 15;

const METHODS: { provider: 'nagravision' | 'conax'; method: string; type: string; params: (serial: string, i: number) => Record<string, unknown> }[] = [
  { provider: 'nagravision', method: 'add_enhanced_list_of_products', type: 'ADD_ENHANCED_LIST_OF_PRODUCTS', params: (s, i) => ({ subscription_identifier: { number: `S${100_000 + (i % 50_000)}` }, smartcard_identifier: { serial_number: s }, services_set: [{ service_identifier: { code: 'Gold' } }] }) },
  { provider: 'nagravision', method: 'cancel_list_of_products', type: 'CANCEL_LIST_OF_PRODUCTS', params: (s, i) => ({ subscription_identifier: { number: `S${100_000 + (i % 50_000)}` }, smartcard_identifier: { serial_number: s }, services_set: [{ service_identifier: { code: 'Gold' } }] }) },
  { provider: 'conax', method: 'add_subscriptions', type: 'ADD_SUBSCRIPTIONS', params: (s, i) => ({ subscription_identifier: { number: `S${100_000 + (i % 50_000)}` }, service_identifier: { code: 'Gold' }, smartcard_identifier: { serial_number: s } }) },
  { provider: 'conax', method: 'send_mail_message_to_client', type: 'SEND_MAIL_MESSAGE_TO_CLIENT', params: (s) => ({ smartcard_identifier: { serial_number: s }, message_text: 'notice' }) },
];

interface Built {
  store: Store;
  file: string;
  total: number;
  batchId: string;
  buildMs: number;
}

/** Queues `total` requests over the last 48 hours; moves a few thousand through the sync states. */
function build(dir: string, total: number, cards: number): Built {
  const file = path.join(dir, 'queue.db');
  const end = Date.now();
  let clock = end - 48 * HOUR;
  const store = openStore(file, { clock: () => clock });
  const batches = Math.ceil(total / BATCH);
  const start = performance.now();
  for (let b = 0; b < batches; b++) {
    clock = end - 48 * HOUR + Math.floor(((b + 1) * 47 * HOUR) / batches);
    const kind = METHODS[b % METHODS.length]!;
    const inputs: EnqueueInput[] = [];
    for (let k = 0; k < BATCH && b * BATCH + k < total; k++) {
      const i = b * BATCH + k;
      inputs.push({ provider: kind.provider, method: kind.method, params: kind.params(`smrt4${String((i * 7919) % cards).padStart(7, '0')}`, i), operator: 'bench', batchId: `import-${b}` });
    }
    const result = store.enqueue(inputs);
    check(result.ok && result.ids.length === inputs.length, `building the queue: batch ${b} refused`);
  }
  const buildMs = performance.now() - start;
  clock = end;
  // A few thousand through the sync states, in two group commits as the engine does it.
  const due = store.claimDue(end, 5_000).map((r) => r.id);
  check(due.length === Math.min(5_000, cards), `only ${due.length} requests due`);
  check(store.markSendingMany(due).every((r) => r.ok), 'markSendingMany refused');
  const outcomes = store.applyOutcomes(
    due.map((id, n) =>
      n % 10 === 0
        ? { id, kind: 'needs_attention' as const, code: 'INVALID_SMARTCARD', description: 'bench' }
        : n % 10 === 1
          ? { id, kind: 'final' as const, state: 'COMPLETED' as const, fields: { headend_id: id.toString(16).toUpperCase().padStart(32, '0'), number: `PR${id}` } }
          : { id, kind: 'acknowledged' as const, fields: { headend_id: id.toString(16).toUpperCase().padStart(32, '0'), number: `PR${id}` } },
    ),
  );
  check(outcomes.every((r) => r.ok), 'applyOutcomes refused');
  for (let id = total - 49; id <= total; id++) check(store.discard(id, 'bench', 'bench').local_state === 'DISCARDED', `discard ${id}`);
  return { store, file, total, batchId: `import-${Math.floor(batches / 2)}`, buildMs };
}

/** p90 of TIMES runs of `query` (ms); `verify` checks the first answer. */
async function time<T>(query: () => T | Promise<T>, verify: (answer: T) => void): Promise<{ p90: number; max: number }> {
  verify(await query());
  const times: number[] = [];
  for (let i = 0; i < TIMES; i++) {
    const start = performance.now();
    await query();
    times.push(performance.now() - start);
  }
  return { p90: percentile(times, 90), max: Math.max(...times) };
}

export async function run(options: BenchOptions): Promise<void> {
  const total = options.quick ? 20_000 : 1_000_000;
  const cards = options.quick ? 4_000 : 200_000;
  console.log(`queue (${total.toLocaleString('en-US')} requests over ${cards.toLocaleString('en-US')} cards, queued in ${BATCH.toLocaleString('en-US')}-request batches over 48 h)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-bench-queue-'));
  const rssBefore = rssMiB();
  let built: Built;
  try {
    built = build(dir, total, cards);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { store } = built;
  try {
    const service = new RequestService(store, new EventHub(silentLogger), () => 'bench');
    console.log(`    (built in ${(built.buildMs / 1000).toFixed(1)} s: ${Math.round(total / (built.buildMs / 1000)).toLocaleString('en-US')} req/s; store ${megabytes(fs.statSync(built.file).size).toFixed(0)} MiB + WAL ${megabytes(fs.statSync(`${built.file}-wal`).size).toFixed(0)} MiB)`);
    const counts = store.countByState();
    const expect = (state: LocalState) => counts[state];
    check(Object.values(counts).reduce((a, b) => a + b, 0) === total, `countByState sums to ${JSON.stringify(counts)}, expected ${total}`);

    const first = await time(() => service.list({}, undefined, 100), (a) => check(a.rows.length === 100 && a.total === total && a.rows[0]!.id === total, `first page: ${a.rows.length} rows, total ${a.total}`));
    figure('first page (100 rows + total), newest first', first.p90, 'ms', { max: 50 }, `p90 of ${TIMES}, max ${first.max.toFixed(1)} ms`);

    const filters: { name: string; filter: Parameters<RequestService['list']>[0]; expected: number | null }[] = [
      { name: 'state QUEUED (most rows)', filter: { states: ['QUEUED'] }, expected: expect('QUEUED') },
      { name: 'state NEEDS_ATTENTION (few rows)', filter: { states: ['NEEDS_ATTENTION'] }, expected: expect('NEEDS_ATTENTION') },
      { name: 'state UNKNOWN (no row)', filter: { states: ['UNKNOWN'] }, expected: 0 },
      { name: 'states ACKNOWLEDGED + COMPLETED', filter: { states: ['ACKNOWLEDGED', 'COMPLETED'] }, expected: expect('ACKNOWLEDGED') + expect('COMPLETED') },
      { name: 'provider conax', filter: { provider: 'conax' }, expected: null },
      { name: 'type SEND_MAIL_MESSAGE_TO_CLIENT', filter: { type: 'SEND_MAIL_MESSAGE_TO_CLIENT' }, expected: null },
      { name: 'type with no row (REMOVE_SUBSCRIPTIONS)', filter: { type: 'REMOVE_SUBSCRIPTIONS' }, expected: null },
      { name: 'provider conax + state NEEDS_ATTENTION', filter: { provider: 'conax', states: ['NEEDS_ATTENTION'] }, expected: null },
      { name: 'one card', filter: { cardKey: store.cardKeyFor('smartcard', { serial_number: 'smrt40000007' }) }, expected: null },
      { name: 'created from yesterday on (the From date)', filter: { from: Date.now() - 24 * HOUR }, expected: null },
      { name: 'created in one hour, 24 h ago', filter: { from: Date.now() - 24 * HOUR, to: Date.now() - 23 * HOUR }, expected: null },
      { name: 'search a serial (substring)', filter: { search: 'smrt40000007' }, expected: null },
      { name: 'search a head-end number (PR…)', filter: { search: 'PR4242' }, expected: null },
    ];
    for (const f of filters) {
      const t = await time(() => service.list(f.filter, undefined, 100), (a) => {
        check(a.rows.length <= 100, `${f.name}: ${a.rows.length} rows`);
        if (f.expected !== null) check(a.total === f.expected && a.rows.length === Math.min(100, f.expected), `${f.name}: total ${a.total}, ${a.rows.length} rows; expected ${f.expected}`);
        if (f.filter.states) check(a.rows.every((r) => f.filter.states!.includes(r.local_state)), `${f.name}: a row of another state`);
      });
      figure(`filter: ${f.name}`, t.p90, 'ms', { max: 100 }, `p90 of ${TIMES}, max ${t.max.toFixed(1)} ms`);
    }
    const oldest = await time(() => store.listRequests({ limit: 101, order: 'asc', states: ['QUEUED'] }), (a) => check(a.length === 101 && a[0]!.id < a[100]!.id, 'oldest first: wrong order'));
    figure('sort: QUEUED oldest first', oldest.p90, 'ms', { max: 100 }, `p90 of ${TIMES}, max ${oldest.max.toFixed(1)} ms`);
    const deep = await time(() => service.list({ states: ['QUEUED'] }, Math.floor(total / 2), 500), (a) => check(a.rows.length === 500 && a.rows[0]!.id < total / 2, 'page from the middle: wrong rows'));
    figure('scroll: a 500-row page from the middle', deep.p90, 'ms', { max: 100 }, `p90 of ${TIMES}, max ${deep.max.toFixed(1)} ms`);

    const countTimes = await time(() => service.counts(), (a) => check(a.total === total, `counts: total ${a.total}`));
    figure('counts by state (status bar, chips)', countTimes.p90, 'ms', { max: 100 }, `p90 of ${TIMES}, max ${countTimes.max.toFixed(1)} ms`);
    const dash = await time(() => service.stats(24), (a) => {
      const inWindow = a.perHour.reduce((sum, h) => sum + h.total, 0);
      check(inWindow > 0 && inWindow < total, `dashboard: ${inWindow} requests in the last 24 h`);
    });
    figure('dashboard (24 h per hour and state + counts)', dash.p90, 'ms', { max: 100 }, `p90 of ${TIMES}, max ${dash.max.toFixed(1)} ms`);
    figure(`RSS of this process with the ${total.toLocaleString('en-US')}-request store open`, rssMiB(), 'MiB', { max: 400 }, `${rssBefore.toFixed(0)} MiB before building it`);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
