import fs from 'node:fs';
import { openStore } from '../../store/store';
import type { EnqueueInput } from '../../store/enqueue';
import { crashPoint } from '../crash-points';
import { SyncEngine } from '../sync-engine';
import { nagravisionClient } from './sync-fixtures';

// A CA Desk sync process, for crash tests: it opens the store, queues a batch,
// syncs until nothing is left to send, and exits. The parent kills it with
// SIGKILL at random moments, or CADESK_CRASH_AT makes it kill itself at a
// named point (crash-points.ts). It reports progress on stdout, one line each.

export interface ChildConfig {
  storeFile: string;
  tcpPort: number;
  destinationId: string;
  enqueue: EnqueueInput[];
  /** Give up (exit 3) after this long. */
  timeLimitMs: number;
}

function say(line: string): void {
  fs.writeSync(1, `${line}\n`);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.CADESK_CHILD_CONFIG ?? '') as ChildConfig;
  const store = openStore(config.storeFile);
  if (config.enqueue.length > 0) {
    const result = store.enqueue(config.enqueue);
    if (!result.ok) {
      say(`ENQUEUE_FAILED ${JSON.stringify(result.errors.slice(0, 3))}`);
      process.exit(2);
    }
    say(`ENQUEUED ${result.ids.length}`);
    crashPoint('after-enqueue');
  }
  const client = nagravisionClient({ tcpPort: config.tcpPort, baseUrl: '', destinationId: config.destinationId }, { requestTimeoutMs: 300 });
  const engine = new SyncEngine({
    store,
    headends: { nagravision: client },
    idleMs: 10,
    statusPollMs: 3_600_000,
    // Statuses are never polled here: a card goes on once its request is created.
    cardOrder: 'acknowledged',
    maxInFlightPerHeadend: 8,
    reconcileGraceMs: 300, // not shorter than the request timeout
    retry: { backoff: { baseMs: 5, capMs: 20 }, authRetryMs: 20 },
    breaker: { failureThreshold: 50, openBackoff: { baseMs: 10, capMs: 20 } },
  });
  const deadline = Date.now() + config.timeLimitMs;
  while (engine.status().pendingCount > 0 && Date.now() < deadline) {
    await engine.syncNow();
    if (engine.status().pendingCount > 0) await new Promise((r) => setTimeout(r, 10));
  }
  const pending = engine.status().pendingCount;
  await client.close();
  store.close();
  say(pending === 0 ? 'DONE' : `GAVE_UP ${pending}`);
  process.exit(pending === 0 ? 0 : 3);
}

main().catch((error: unknown) => {
  say(`FAILED ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
