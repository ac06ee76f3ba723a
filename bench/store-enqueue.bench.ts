// Store enqueue figures (printed, never asserted): the latency of one request
// in its own transaction (synchronous=FULL: each commit waits for the disk),
// and the rate of one 100k-request import in a single transaction.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../electron/store/store';
import type { EnqueueInput } from '../electron/store/enqueue';
import { definitionFor, validateParams } from '../electron/store/request-params';

const SINGLE_COUNT = 1000;
const BULK_COUNT = 100_000;
const BULK_RUNS = 3;

// Fresh objects per row, as a parsed CSV or an IPC message would give them.
function input(i: number): EnqueueInput {
  return {
    provider: 'nagravision',
    method: 'add_enhanced_list_of_products',
    operator: 'bench',
    batchId: 'bench',
    params: {
      subscription_identifier: { number: `S${60_000 + (i % 5000)}` },
      smartcard_identifier: { serial_number: `smrt${20_000_000 + (i % 20_000)}` },
      services_set: [{ service_identifier: { code: i % 2 ? 'Gold' : 'Cartoons 1' } }],
      priority: i % 10 === 0 ? 'EXPRESS' : 'REGULAR',
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function withStore<T>(body: (store: ReturnType<typeof openStore>) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-bench-'));
  const store = openStore(path.join(dir, 'bench.db'));
  try {
    return body(store);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  console.log('store-enqueue');
  withStore((store) => {
    const latencies: number[] = [];
    for (let i = 0; i < SINGLE_COUNT; i++) {
      const one = [input(i)];
      const start = performance.now();
      const result = store.enqueue(one);
      latencies.push(performance.now() - start);
      if (!result.ok) throw new Error('enqueue refused');
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `  single enqueue (own transaction, synchronous=FULL), n=${SINGLE_COUNT}: ` +
        `p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${percentile(latencies, 99).toFixed(3)} ms`,
    );
  });
  const rates: number[] = [];
  for (let r = 0; r < BULK_RUNS; r++) {
    const inputs = Array.from({ length: BULK_COUNT }, (_, i) => input(i));
    withStore((store) => {
      const start = performance.now();
      const result = store.enqueue(inputs);
      const seconds = (performance.now() - start) / 1000;
      if (!result.ok) throw new Error('enqueue refused');
      rates.push(BULK_COUNT / seconds);
    });
  }
  // Validation alone (zod + derived fields), to tell JavaScript time from SQLite time.
  const inputs = Array.from({ length: BULK_COUNT }, (_, i) => input(i));
  const start = performance.now();
  for (const one of inputs) {
    const definition = definitionFor(one.provider, one.method);
    if ('field' in definition || Array.isArray(validateParams(definition, one.params))) throw new Error('invalid');
  }
  const validationRate = BULK_COUNT / ((performance.now() - start) / 1000);
  console.log(`  validation alone of ${BULK_COUNT}: ${Math.round(validationRate).toLocaleString('en')} req/s`);
  console.log(
    `  bulk enqueue of ${BULK_COUNT} in one transaction: ` +
      rates.map((r) => `${Math.round(r).toLocaleString('en')} req/s`).join(', ') +
      ` (best ${Math.round(Math.max(...rates)).toLocaleString('en')} req/s)`,
  );
  await Promise.resolve();
}
