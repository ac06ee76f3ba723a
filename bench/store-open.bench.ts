// Opening a large store: a store of N requests (1M; quick: 20k) is built,
// closed and opened again. Figures: the open (target ≤ 1 s: over 64 MiB the
// open leaves the page check to the background), what quick_check at open
// would cost on this store, and the background integrity_check as the runtime
// runs it (a page-for-page copy in steps on the writer's thread, then
// integrity_check in a worker), with the longest stall of the writer's event
// loop meanwhile. Each answer is checked: the store reopens with every
// request, quick_check and integrity_check say ok.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { EnqueueInput } from '../electron/store/enqueue';
import { checkOpenStoreIntegrity, QUICK_CHECK_AT_OPEN_MAX_BYTES } from '../electron/store/integrity-check';
import { openStore } from '../electron/store/store';
import { check, figure, megabytes, type BenchOptions } from './bench-report';

const BATCH = 10_000;
const OPENS = 3;

function input(i: number): EnqueueInput {
  return {
    provider: 'nagravision',
    method: 'add_enhanced_list_of_products',
    operator: 'bench',
    batchId: `import-${Math.floor(i / BATCH)}`,
    params: {
      subscription_identifier: { number: `S${100_000 + (i % 50_000)}` },
      smartcard_identifier: { serial_number: `smrt4${String((i * 7919) % 200_000).padStart(7, '0')}` },
      services_set: [{ service_identifier: { code: 'Gold' } }],
    },
  };
}

function build(file: string, total: number): number {
  const start = performance.now();
  const store = openStore(file);
  try {
    for (let from = 0; from < total; from += BATCH) {
      const inputs = Array.from({ length: Math.min(BATCH, total - from) }, (_, k) => input(from + k));
      const result = store.enqueue(inputs);
      check(result.ok && result.ids.length === inputs.length, `building the store: the batch from ${from} was refused`);
    }
  } finally {
    store.close();
  }
  return performance.now() - start;
}

export async function run(options: BenchOptions): Promise<void> {
  const total = options.quick ? 20_000 : 1_000_000;
  console.log(`store-open (${total.toLocaleString('en-US')} requests)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-bench-open-'));
  const file = path.join(dir, 'open.db');
  try {
    const buildMs = build(file, total);
    const bytes = fs.statSync(file).size;
    console.log(`    (built in ${(buildMs / 1000).toFixed(1)} s; store ${megabytes(bytes).toFixed(0)} MiB: quick_check at open ${bytes <= QUICK_CHECK_AT_OPEN_MAX_BYTES ? 'runs' : 'is left to the background'})`);

    const opens: number[] = [];
    for (let n = 0; n < OPENS; n++) {
      const start = performance.now();
      const store = openStore(file);
      opens.push(performance.now() - start);
      const counts = store.countByState();
      store.close();
      check(counts.QUEUED === total, `after reopening: ${counts.QUEUED} queued, expected ${total}`);
    }
    opens.sort((a, b) => a - b);
    figure(`open the store (median of ${OPENS})`, opens[Math.floor(OPENS / 2)]!, 'ms', { max: 1000 }, `fastest ${opens[0]!.toFixed(0)} ms, slowest ${opens[OPENS - 1]!.toFixed(0)} ms`);

    const raw = new Database(file, { readonly: true });
    let quickMs: number;
    try {
      const start = performance.now();
      const quick = (raw.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
      quickMs = performance.now() - start;
      check(quick.join() === 'ok', `quick_check: ${quick.slice(0, 3).join('; ')}`);
    } finally {
      raw.close();
    }
    figure('quick_check of the whole store', quickMs, 'ms', null, `what the open would spend on it; it runs at open only up to ${megabytes(QUICK_CHECK_AT_OPEN_MAX_BYTES)} MiB`);

    // The same stall measured while nothing runs: what the shared machine alone costs.
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    idle.disable();
    const store = openStore(file);
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    try {
      stalls.enable();
      const start = performance.now();
      const problems = await checkOpenStoreIntegrity(file, (target) => store.copyTo(target));
      const checkMs = performance.now() - start;
      stalls.disable();
      check(problems.length === 0, `integrity_check: ${problems.slice(0, 3).join('; ')}`);
      figure('background integrity_check (copy + worker)', checkMs, 'ms', null, 'off the open: 60 s after start, then daily');
      figure('longest stall of the writer thread during it', stalls.max / 1e6, 'ms', { max: 100 }, `the copy runs in steps between the writer's transactions; idle for 1 s before: ${(idle.max / 1e6).toFixed(0)} ms`);
    } finally {
      stalls.disable();
      store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
