// Store enqueue: the latency of one request in its own transaction
// (synchronous=FULL: each commit waits for the disk), and the rate of a bulk
// import in ONE transaction per batch, validated (zod) and durable. Every
// figure is checked: each batch answers ok with one id per input, and after
// the store is closed and reopened it holds exactly the rows queued (requests
// and outbox) and passes integrity_check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EnqueueInput } from '../electron/store/enqueue';
import { definitionFor, validateParams } from '../electron/store/request-params';
import { openStore, type Store } from '../electron/store/store';
import { check, figure, percentile, type BenchOptions } from './bench-report';

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

function tempStoreFile(): { file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadesk-bench-'));
  return { file: path.join(dir, 'bench.db'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function enqueueChecked(store: Store, inputs: readonly EnqueueInput[]): void {
  const result = store.enqueue(inputs);
  check(result.ok, `enqueue refused the batch: ${result.ok ? '' : JSON.stringify(result.errors.slice(0, 3))}`);
  check(result.ids.length === inputs.length, `enqueue answered ${result.ids.length} ids for ${inputs.length} inputs`);
}

/** Reopens the file and checks it holds `expected` requests, each with its outbox row, and is sound. */
function checkDurable(file: string, expected: number): void {
  const store = openStore(file);
  try {
    const counts = store.countByState();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    check(total === expected && counts.QUEUED === expected, `after reopening: ${total} requests (${counts.QUEUED} queued), expected ${expected}`);
    const page = store.listRequests({ limit: 1 });
    check(page[0]?.id === expected, `after reopening: newest id ${page[0]?.id}, expected ${expected}`);
    check(store.claimDue(Date.now(), 1).length === 1, 'after reopening: nothing is due to send');
    const sound = store.integrityCheck();
    check(sound.length === 1 && sound[0] === 'ok', `integrity_check: ${sound.join('; ')}`);
  } finally {
    store.close();
  }
}

export async function run(options: BenchOptions): Promise<void> {
  const singles = options.quick ? 50 : 1000;
  const bulk = options.quick ? 10_000 : 100_000;
  const runs = options.quick ? 1 : 3;
  console.log(`store-enqueue (${bulk.toLocaleString('en-US')}-request batches, synchronous=FULL)`);

  const single = tempStoreFile();
  try {
    const store = openStore(single.file);
    const latencies: number[] = [];
    try {
      for (let i = 0; i < singles; i++) {
        const one = [input(i)];
        const start = performance.now();
        enqueueChecked(store, one);
        latencies.push(performance.now() - start);
      }
    } finally {
      store.close();
    }
    checkDurable(single.file, singles);
    figure(`single enqueue, own transaction, p99 (n=${singles})`, percentile(latencies, 99), 'ms', null, `p50 ${percentile(latencies, 50).toFixed(3)} ms; each commit waits for the disk`);
  } finally {
    single.remove();
  }

  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const inputs = Array.from({ length: bulk }, (_, i) => input(i));
    const target = tempStoreFile();
    try {
      const store = openStore(target.file);
      try {
        const start = performance.now();
        enqueueChecked(store, inputs);
        rates.push(bulk / ((performance.now() - start) / 1000));
      } finally {
        store.close();
      }
      checkDurable(target.file, bulk);
    } finally {
      target.remove();
    }
  }

  // Validation alone (zod + derived fields), to tell JavaScript time from SQLite time.
  const inputs = Array.from({ length: bulk }, (_, i) => input(i));
  const start = performance.now();
  for (const one of inputs) {
    const definition = definitionFor(one.provider, one.method);
    check(!('field' in definition), 'the bench input names an unknown method');
    check(!Array.isArray(validateParams(definition, one.params)), 'the bench input does not validate');
  }
  const validationRate = bulk / ((performance.now() - start) / 1000);
  const rateList = rates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ');
  figure(`bulk enqueue, one transaction per batch (median of ${runs})`, percentile(rates, 50), 'req/s', { min: 100_000 }, `runs ${rateList} req/s; reopened after each: every row and outbox entry there, integrity ok`);
  figure('validation alone (zod + derived fields)', validationRate, 'req/s', null);
  await Promise.resolve();
}
