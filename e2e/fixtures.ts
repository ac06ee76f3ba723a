import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBrowserMode, type BrowserMode } from '../electron/bridge/browser-mode';
import { silentLogger } from '../electron/logging/logger';

// Each test gets its own CA Desk in browser mode: a temp data folder, the
// embedded sandbox head-end on port 0 (fast processing), the sync engine and
// the bridge. The back end runs in its worker thread, as in `npm start`; the
// fixture reaches it through the host (app.runtime) to stop and start the
// sandbox and to seed or inspect the store.

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

const quiet = silentLogger;

/** The operator every fixture desk is signed in as. */
export const E2E_OPERATOR = { name: 'E2E Operator', password: 'e2e operator password' };

export interface Fixtures {
  app: BrowserMode;
  /** The console, opened through its launch link. */
  console: Page;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-e2e-'));
    const app = await startBrowserMode({
      dataDir,
      logger: quiet,
      // No OS keychain in browser mode: the desk seals PINs with the operator's passphrase.
      passphrase: 'e2e desk passphrase',
      // Signed in at start, as an operator would at the sign-in screen (e2e/operator-sign-in.spec.ts drives that screen).
      operator: E2E_OPERATOR,
      headend: { processingDelayMs: 300, processingIntervalMs: 100, seedSize: 'small' },
      sync: { idleMs: 200, statusPollMs: 300, catalogIntervalMs: 2_000 },
    });
    // Operators pick cards from the catalog; wait for its first sync so card
    // names resolve to one queue per card (electron/store/card-key.ts).
    await expect.poll(async () => (await app.runtime.store.searchCatalog('smartcards', 'smrt20000054', 1)).length, { timeout: 20_000 }).toBe(1);
    await use(app);
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
  console: async ({ page, app }, use) => {
    await page.goto(app.launchUrl);
    await expect(page.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible();
    await use(page);
  },
});

export { expect };

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}
