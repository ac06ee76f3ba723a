import { silentLogger } from '../electron/logging/logger';
import { test as base, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBrowserMode, type BrowserMode } from '../electron/bridge/browser-mode';

// A fresh desk (as `npm start` on a new machine): the first operator is created
// at the sign-in screen; the status bar names who is signed in; signing out and
// inactivity bring the sign-in screen back; the history names the operator.

const quiet = silentLogger;
const ANA = { name: 'Ana Operator', password: 'ana password 1' };

const test = base.extend<{ app: BrowserMode }>({
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cadesk-e2e-signin-'));
    // No operator given: nobody is signed in, as at a real first start.
    const app = await startBrowserMode({ dataDir, logger: quiet, passphrase: 'e2e desk passphrase', idleSignOutMs: 4_000, headend: { seedSize: 'tiny' } });
    await use(app);
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
});

test('first run creates the first operator; sign-out, a wrong password and inactivity bring back the sign-in screen', async ({ page, app }) => {
  await page.goto(app.launchUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Create the first operator' })).toBeVisible();
  // Nothing can be done behind the screen's back: the back end refuses actions without a session.
  expect(await app.runtime.dispatch('requests.enqueue', { requests: [{ provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { serial_number: 'smrt90000001' }, message_text: 'x' } }] })).toMatchObject({
    ok: false,
    error: { code: 'UNAUTHORIZED' },
  });

  await page.getByLabel('Operator name').fill(ANA.name);
  await page.getByLabel(/^Password/).fill(ANA.password);
  await page.getByRole('button', { name: 'Create and sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible();
  await expect(page.getByTestId('signed-in-operator')).toHaveText(ANA.name);

  const queued = await app.runtime.dispatch('requests.enqueue', {
    requests: [{ provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { serial_number: 'smrt90000001' }, message_text: 'hello', scheduled_date: '2099-12-31T00:00:00' } }],
  });
  const id = queued.ok ? (queued.value as { results: { id: number }[] }).results[0]!.id : -1;
  expect((await app.runtime.store.getRequest(id))?.operator).toBe(ANA.name);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to CA Desk' })).toBeVisible();
  await page.getByLabel('Operator name').selectOption(ANA.name);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in-error')).toHaveText('wrong operator name or password');
  await page.getByLabel('Password').fill(ANA.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-operator')).toHaveText(ANA.name);

  // No activity for longer than the (shortened) inactivity period: signed out, keys cleared.
  await expect(page.getByTestId('signed-out-reason')).toContainText('without activity', { timeout: 15_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to CA Desk' })).toBeVisible();
  expect(await app.runtime.dispatch('security.status', {})).toMatchObject({ ok: true, value: { unlocked: false } });
});
