import { silentLogger } from '../electron/logging/logger';
import { chromium, expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { startBrowserMode } from '../electron/bridge/browser-mode';
import { filesWithPin, unusedPin } from '../electron/services/testing/pin-canary';
import { E2E_OPERATOR } from './fixtures';
import { fillIdentifier, openCompose, queue } from './helpers';

// The PIN canary with the browser profile: the PIN is typed into
// the Compose form of a real Chromium whose profile (local storage, cache,
// form history, session) lives under the data folder, queued while the
// head-end is down; every file under the folder — store, WAL, backups, the
// sandbox's files and the whole browser profile — holds no trace of it while
// queued (with the browser closed, its profile flushed) and after the send.

const quiet = silentLogger;

test('a PIN typed in the browser rests in no file under the data folder, browser profile included', async () => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-e2e-canary-'));
  const profile = path.join(dataDir, 'browser-profile');
  mkdirSync(profile);
  const app = await startBrowserMode({
    dataDir,
    logger: quiet,
    passphrase: 'e2e desk passphrase',
    operator: E2E_OPERATOR,
    headend: { processingDelayMs: 200, processingIntervalMs: 100, seedSize: 'small' },
    sync: { idleMs: 200, statusPollMs: 300, catalogIntervalMs: 2_000 },
  });
  try {
    await expect.poll(async () => (await app.runtime.store.searchCatalog('smartcards', FIXTURE.smartcardSerial, 1)).length, { timeout: 20_000 }).toBe(1);
    // The renderer's bundles are cached in the profile (immutable assets; IPC answers are no-store).
    const pin = unusedPin(dataDir, path.resolve('dist/renderer'));
    // The search reaches into the profile (it can fail).
    writeFileSync(path.join(profile, 'control'), `pin=${pin}`);
    expect(filesWithPin(dataDir, pin)).toEqual([path.join(profile, 'control')]);
    rmSync(path.join(profile, 'control'));

    await app.runtime.stopHeadend(); // offline: the request waits in the queue
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    let id: number;
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(app.launchUrl);
      await expect(page.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible();
      await openCompose(page, 'Nagravision', 'UPDATE_CA_PIN_TO_GIVEN_VALUE');
      await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
      await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.smartcardSerial);
      await page.getByLabel('New PIN').fill(pin);
      id = await queue(page);
      // Visit the request, as an operator would, before closing.
      await page.goto(`${new URL(page.url()).origin}/#/request/${id}`);
      await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^Request #${id}\\b`) })).toBeVisible();
    } finally {
      await browser.close(); // flushes the profile to disk
    }
    // Not sent: still queued, or waiting for its next attempt after a refused connection (proven not sent).
    expect(['QUEUED', 'RETRY_WAIT']).toContain((await app.runtime.store.getRequest(id))?.local_state);
    await app.runtime.store.checkpoint();
    expect(filesWithPin(dataDir, pin)).toEqual([]);

    await app.runtime.startHeadend();
    await expect.poll(async () => (await app.runtime.store.getRequest(id))?.local_state, { timeout: 30_000 }).toBe('COMPLETED');
    await app.runtime.store.checkpoint();
    expect(filesWithPin(dataDir, pin)).toEqual([]);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
