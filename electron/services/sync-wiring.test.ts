import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadend } from '../headend/start-headend';
import { openStore } from '../store/store';
import { nagravisionInput, conaxInput, conaxClient, endpointsOf, sandboxCards, SANDBOX_CREDENTIALS, tempDir } from '../sync/testing/sync-fixtures';
import { wireSync } from './sync-wiring';

// The runtime builds its sync engine here, from the connection settings: one
// client per head-end, the catalog read from the sandbox's export, and one
// close() for all it opened.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('wireSync', () => {
  it('is built from the connection settings, drains the queue, fills the catalog, and closes everything it opened', async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const headend = await startHeadend({ seedSize: 'tiny', processingDelayMs: 50, processingIntervalMs: 20 });
    cleanups.push(() => headend.close());
    const store = openStore(path.join(dir, 'store.sqlite'));
    cleanups.push(() => store.close());
    const reader = conaxClient(endpointsOf(headend));
    cleanups.push(() => reader.close());
    const cards = await sandboxCards(reader, 2);

    const wired = wireSync(
      store,
      {
        nagravision: { host: '127.0.0.1', port: headend.tcpPort, destinationId: headend.destinationId, timeoutMs: 2_000 },
        conax: { baseUrl: headend.baseUrl, timeoutMs: 2_000 },
        credentials: SANDBOX_CREDENTIALS,
        catalog: true,
      },
      { idleMs: 20 },
    );
    const enqueued = store.enqueue(cards.flatMap((card) => [nagravisionInput(card, 0), conaxInput(card, 0)]));
    expect(enqueued.ok).toBe(true);
    await wired.engine.syncNow();
    expect(wired.engine.status().pendingCount).toBe(0);
    expect(store.searchCatalog('smartcards', cards[1]!.serial_number, 5).map((r) => r.id)).toContain(cards[1]!.id);
    await wired.close();
    expect(wired.clients.nagravision.connected).toBe(false);
    expect(wired.clients.conax.connected).toBe(false);
  });
});
