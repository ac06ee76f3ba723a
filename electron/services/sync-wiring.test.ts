import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeadend } from '../sandbox/start-headend';
import { openStore } from '../store/store';
import { nagravisionInput, conaxInput, conaxClient, endpointsOf, sandboxCards, SANDBOX_CREDENTIALS, tempDir } from '../sync/testing/sync-fixtures';
import { DEFAULT_CRMCOM_RELEASE } from '../sandbox/headend-options';
import { SANDBOX_CAPABILITIES } from '../../shared/domain/crmcom-v4';
import { HEADEND_PROFILE_IDS, SANDBOX_BASE_PATH } from '../../shared/domain/headend-profiles';
import { wireSync } from './sync-wiring';

// The runtime builds its sync engine here, from the connection settings: one
// client per head-end, the catalog read from the sandbox's export, and one
// close() for all it opened.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('wireSync', () => {
  it.each(HEADEND_PROFILE_IDS)('%s: is built from the connection plan, drains the queue, fills the catalog, and closes everything it opened', async (profile) => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const headend = await startHeadend({ seedSize: 'tiny', processingDelayMs: 50, processingIntervalMs: 20 });
    cleanups.push(() => headend.close());
    const store = openStore(path.join(dir, 'store.sqlite'));
    cleanups.push(() => store.close());
    const reader = conaxClient(endpointsOf(headend));
    cleanups.push(() => reader.close());
    const cards = await sandboxCards(reader, 2);

    const origin = headend.baseUrl;
    const wired = wireSync(
      store,
      {
        profile,
        nagravisionTcp: { host: '127.0.0.1', port: headend.tcpPort, destinationId: headend.destinationId, timeoutMs: 2_000 },
        conaxOrigin: { baseUrl: origin, timeoutMs: 2_000 },
        crmcom: {
          baseUrl: origin + SANDBOX_BASE_PATH['crmcom-v4'],
          release: DEFAULT_CRMCOM_RELEASE,
          capabilities: SANDBOX_CAPABILITIES,
          login: { method: 'password', ...SANDBOX_CREDENTIALS },
          timeoutMs: 2_000,
        },
        credentials: SANDBOX_CREDENTIALS,
        catalogOrigin: origin,
      },
      { idleMs: 20 },
    );
    const enqueued = store.enqueue(cards.flatMap((card) => [nagravisionInput(card, 0), conaxInput(card, 0)]));
    expect(enqueued.ok).toBe(true);
    // A card's next request waits until its previous one is finished at the head-end (cardOrder 'finished'): a few passes.
    const deadline = Date.now() + 15_000;
    for (let pass = 0; pass < 200 && wired.engine.status().pendingCount > 0 && Date.now() < deadline; pass++) {
      await wired.engine.syncNow();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(wired.engine.status().pendingCount).toBe(0);
    expect(store.searchCatalog('smartcards', cards[1]!.serial_number, 5).map((r) => r.id)).toContain(cards[1]!.id);
    await wired.close();
    expect(wired.clients.nagravision.connected).toBe(false);
    expect(wired.clients.conax.connected).toBe(false);
  });
});
