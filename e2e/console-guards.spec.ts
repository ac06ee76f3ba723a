import type { RuntimeHost } from '../electron/services/runtime-host';
import { expect, test } from './fixtures';
import { fillIdentifier, openCompose, openRequest, queue } from './helpers';

// Guards an operator relies on without noticing: a screen never acts on the
// request it showed before, the status bar admits when the back end is gone,
// settings errors sit beside their fields, and keys do nothing behind a dialog.

const CARD = 'smrt20000054';

async function queueMail(page: import('@playwright/test').Page, text: string): Promise<number> {
  await openCompose(page, 'Conax', 'SEND_MAIL_MESSAGE_TO_CLIENT');
  await fillIdentifier(page, 'Smartcard', 'serial_number', CARD);
  await page.getByLabel('Message text').fill(text);
  return queue(page);
}

test('moving from one request to another never keeps the first one on screen or in its editor', async ({ console: page, app }) => {
  await app.runtime.stopHeadend(); // both stay queued, so both can be edited
  const first = await queueMail(page, 'first message');
  const second = await queueMail(page, 'second message');

  await openRequest(page, first);
  await page.getByRole('button', { name: 'Edit and resend' }).click();
  await expect(page.getByRole('heading', { name: `Edit request #${first}` })).toBeVisible();

  await openRequest(page, second);
  await expect(page.getByTestId('request-state')).toHaveAttribute('data-request-id', String(second));
  await expect(page.getByTestId('request-body')).toContainText('second message');
  await expect(page.getByTestId('request-body')).not.toContainText('first message');
  // The first request's editor must not stay open under the second one's title.
  await expect(page.getByRole('heading', { name: /^Edit request #/ })).toHaveCount(0);
});

test('the status bar says the back end is gone when its worker dies', async ({ console: page, app }) => {
  await expect(page.getByTestId('connection-state')).toHaveText('Online', { timeout: 30_000 });
  await (app.runtime as RuntimeHost).kill();
  // No event will come; the status bar asks by itself.
  await expect(page.getByTestId('connection-state')).toHaveText('Disconnected', { timeout: 15_000 });
  await expect(page.getByTestId('connection-problem')).not.toBeEmpty();
});

test('the status bar says so when the event stream drops', async ({ console: page, app }) => {
  await expect(page.getByTestId('connection-state')).toHaveText('Online', { timeout: 30_000 });
  await app.bridge.close();
  await expect(page.getByTestId('connection-state')).toHaveText('Disconnected', { timeout: 15_000 });
});

test('settings errors show beside the password and unit fields', async ({ console: page }) => {
  await page.keyboard.press(',');
  await expect(page.getByRole('heading', { level: 1, name: 'Connections and settings' })).toBeVisible();
  await page.getByRole('radio', { name: 'Real head-ends at these addresses' }).check();
  await page.getByLabel('Unit (optional)').fill('u'.repeat(129));
  await page.getByRole('button', { name: 'Save and reconnect' }).click();
  await expect(page.getByTestId('error-login-unit')).toBeVisible();
  await page.getByLabel('Unit (optional)').fill('');
  await page.getByLabel(/^Password|^New password/).fill('p'.repeat(300));
  await page.getByRole('button', { name: 'Save and reconnect' }).click();
  await expect(page.getByTestId('error-login-password')).toBeVisible();
  await expect(page.getByTestId('error-login-unit')).toHaveCount(0);
});

test('shortcuts do nothing behind the help dialog, and s does not start a second sync', async ({ console: page }) => {
  let syncCalls = 0;
  await page.route('**/ipc/sync.now', async (route) => {
    syncCalls++;
    // Hold the answer so the first sync is still running when the key comes again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });

  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('c');
  await page.keyboard.press('s');
  await expect(dialog).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await page.getByRole('heading', { level: 1, name: 'Queue' }).focus();
  await page.keyboard.press('s');
  await expect(page.getByRole('button', { name: 'Syncing…' })).toBeVisible();
  await page.keyboard.press('s');
  await page.keyboard.press('s');
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 15_000 });
  expect(syncCalls).toBe(1);
});
