import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startBrowserMode } from '../electron/bridge/browser-mode';
import { silentLogger } from '../electron/logging/logger';
import { DEFAULT_CREDENTIALS } from '../electron/sandbox/headend-options';
import { startHeadend } from '../electron/sandbox/start-headend';
import { REAL_SERVER_CAPABILITIES } from '../shared/domain/crmcom-v4';
import { sendableKinds } from '../shared/domain/headend-sendability';
import { REQUEST_DEFINITIONS } from '../shared/domain/request-catalog';
import { E2E_OPERATOR, expect, test } from './fixtures';
import { fillIdentifier, openCompose, openRequest, queue } from './helpers';

// Issue 11 "Done when": a new user with only a CRM.COM V4 URL, a user name, a
// password and an organisation connects in Settings (remote, CRM.COM V4 Web
// API), picks cards by serial in Compose, sends each documented request type
// the connection allows, and sees each reach its final state. The server is
// the sandbox in CRM.COM V4 mode, started apart (port 0), reached through a
// recording loopback proxy so the spec proves the desk made no sandbox-only
// call (no /sandbox/catalog export: pickers are served by the lookups).
//
// Capabilities are off by default on a real server, so the Conax PIN kinds
// (no documented Web API path) are hidden in Compose and not sent here.
//
// The desk's own embedded sandbox (its first state, before the user connects)
// is 'tiny'; the server is 'small': the cards, STBs and subscription used here
// exist only on the server, so only a lookup can put them in the pickers.

const CARD = 'smrt30000300'; // card 300: beyond any STB, so unpaired
const CARD_CA = '10000000300';
const SUB = 'S100150';
const STB = 'dc2000299';
const SECOND_STB = 'dc2000298';
const NAGRA_STB = 'dc2000297';

test('a new user connects to a CRM.COM V4 server, picks cards by serial and sends every documented type to its final state', async ({ page }) => {
  test.setTimeout(240_000);
  const server = await startHeadend({ seedSize: 'small', processingDelayMs: 300, processingIntervalMs: 100 });
  const target = new URL(server.crmcomUrl);
  const seen: string[] = [];
  const proxy = http.createServer((req, res) => {
    seen.push(`${req.method} ${(req.url ?? '').split('?')[0]}`);
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`;

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-e2e-crmcom-'));
  const app = await startBrowserMode({
    dataDir,
    logger: silentLogger,
    passphrase: 'e2e desk passphrase',
    operator: E2E_OPERATOR,
    headend: { seedSize: 'tiny' },
    sync: { idleMs: 200, statusPollMs: 300 },
  });
  try {
    await page.goto(app.launchUrl);
    await expect(page.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible();

    // Settings: what the new user has — URL, user name, password, organisation.
    await page.keyboard.press(',');
    await expect(page.getByRole('heading', { level: 1, name: 'Connections and settings' })).toBeVisible();
    await page.getByRole('radio', { name: 'Real head-ends at these addresses' }).check();
    await page.getByRole('radio', { name: 'CRM.COM V4 Web API' }).check();
    await page.getByLabel(/^Base URL \(e\.g\. https/).fill(proxyUrl);
    await page.getByLabel('Username', { exact: true }).fill(DEFAULT_CREDENTIALS.username);
    await page.getByLabel('Organisation', { exact: true }).fill(DEFAULT_CREDENTIALS.organisation);
    await page.getByLabel(/^Password \(none saved\)|^New password/).fill(DEFAULT_CREDENTIALS.password);
    // Every capability stays off, as for a real server: an OK answer to a create is ours by the UUID it
    // carries or, without one, by its type and number (outcome-classes.ts ok_numbered); no error code is
    // confirmed as "not created" (the field stays empty).
    await expect(page.getByTestId('capability-echoesClientUuid')).not.toBeChecked();
    await expect(page.getByLabel(/^Error codes that mean "refused, not created"/)).toHaveValue('');
    await page.getByRole('button', { name: 'Save and reconnect' }).click();
    await expect(page.getByText('Saved. The sync engine reconnected')).toBeVisible();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('connection-state')).toHaveText('Online', { timeout: 20_000 });
    // Nothing of the server's catalog is known yet: only the lookups can bring it.
    expect(await app.runtime.store.searchCatalog('smartcards', CARD, 1)).toHaveLength(0);

    const subscription = () => fillIdentifier(page, 'Subscription', 'number', SUB);
    const smartcard = () => fillIdentifier(page, 'Smartcard', 'serial_number', CARD);
    /** The card through the picker: typed by serial, offered by the lookup, picked. */
    const pickCard = async (label: string) => {
      const input = page.getByRole('combobox', { name: label, exact: true });
      await input.fill(CARD);
      await page.getByRole('option', { name: new RegExp(CARD) }).click();
      await expect(input).toHaveValue(CARD);
    };
    const caId = async () => {
      const input = page.getByRole('combobox', { name: 'Smartcard CA id (names the pairing)', exact: true });
      await input.fill(CARD_CA);
      await input.press('Escape');
    };

    const steps: { provider: 'Nagravision' | 'Conax'; action: string; fill: () => Promise<void> }[] = [
      { provider: 'Conax', action: 'ADD_SUBSCRIPTIONS', fill: async () => { await subscription(); await fillIdentifier(page, 'Service', 'code', 'Gold'); await pickCard('Smartcard'); } },
      { provider: 'Conax', action: 'CANCEL_SUBSCRIPTIONS', fill: async () => { await subscription(); await fillIdentifier(page, 'Service', 'code', 'Gold'); await smartcard(); } },
      { provider: 'Conax', action: 'CREATE_PAIRING', fill: async () => { await pickCard('Smartcards 1'); await fillIdentifier(page, 'STBs 1', 'serial_number', STB); } },
      { provider: 'Conax', action: 'ADD_TO_EXISTING_PAIRING', fill: async () => { await caId(); await page.getByRole('button', { name: 'Add stb' }).click(); await fillIdentifier(page, 'STBs 1', 'serial_number', SECOND_STB); } },
      { provider: 'Nagravision', action: 'ADD_ENHANCED_LIST_OF_PRODUCTS', fill: async () => { await subscription(); await fillIdentifier(page, 'Services 1', 'code', 'Gold'); await pickCard('Smartcard'); } },
      { provider: 'Nagravision', action: 'CANCEL_LIST_OF_PRODUCTS', fill: async () => { await subscription(); await fillIdentifier(page, 'Services 1', 'code', 'Gold'); await smartcard(); } },
      { provider: 'Nagravision', action: 'PAIR_SMARTCARD_AND_STB', fill: async () => { await smartcard(); await fillIdentifier(page, 'STB (set-top box)', 'serial_number', NAGRA_STB); } },
      { provider: 'Nagravision', action: 'UPDATE_CA_PIN_TO_DEFAULT_VALUE', fill: async () => { await subscription(); await smartcard(); } },
      { provider: 'Nagravision', action: 'UPDATE_CA_PIN_TO_GIVEN_VALUE', fill: async () => { await subscription(); await smartcard(); await page.getByLabel('New PIN').fill('2468'); } },
      { provider: 'Nagravision', action: 'CLEAR_CA_PIN', fill: async () => { await subscription(); await smartcard(); } },
    ];
    // Exactly the documented kinds a real server's default capabilities allow.
    const typeOf = (provider: string, method: string) => REQUEST_DEFINITIONS.find((d) => d.provider === provider && d.method === method)?.type;
    const allowed = sendableKinds('crmcom-v4', REAL_SERVER_CAPABILITIES).filter((k) => k.sendable).map((k) => `${k.provider} ${typeOf(k.provider, k.method)}`);
    expect(steps.map((s) => `${s.provider.toLowerCase()} ${s.action}`).sort()).toEqual(allowed.sort());
    // The Conax PIN kinds are hidden in Compose on this connection.
    await openCompose(page, 'Conax', 'ADD_SUBSCRIPTIONS');
    await expect(page.getByLabel('Action').locator('option', { hasText: 'UPDATE_CA_PIN_TO_DEFAULT_VALUE' })).toHaveCount(0);

    const queued: number[] = [];
    for (const step of steps) {
      await openCompose(page, step.provider, step.action);
      await step.fill();
      queued.push(await queue(page));
    }
    expect(queued).toHaveLength(steps.length);

    for (const id of queued) {
      await openRequest(page, id);
      const badge = page.getByTestId('request-state');
      await expect(badge).toHaveAttribute('data-request-id', String(id));
      await expect.poll(async () => badge.getAttribute('data-state'), { timeout: 60_000, intervals: [250] }).toMatch(/^(COMPLETED|REJECTED)$/);
      // A refusal shows the head-end's own reason; it holds the card's later requests until the operator closes it.
      if ((await badge.getAttribute('data-state')) === 'REJECTED') {
        await expect(page.getByTestId('request-reason')).not.toBeEmpty();
        await page.getByLabel('Reason (kept in the history)').fill('checked: refused by the head-end');
        await page.getByRole('button', { name: 'Close: checked, nothing to do' }).click();
        await expect(page.getByText('Closed: checked, nothing more to do.')).toBeVisible();
      }
    }
    expect(await app.runtime.store.searchCatalog('smartcards', CARD, 1)).toHaveLength(1);
    // Every call the desk made went to the CRM.COM V4 Web API; none to a sandbox-only route.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => !s.split(' ')[1]!.startsWith(target.pathname + '/'))).toEqual([]);
    expect(seen.some((s) => s.includes('/installed_items/show'))).toBe(true);
  } finally {
    await app.close();
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
