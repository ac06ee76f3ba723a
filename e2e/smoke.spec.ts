import { expect, screenshot, test } from './fixtures';

test('opens on the queue, online, and every screen is one link or key away', async ({ console: page }) => {
  await expect(page.getByTestId('connection-state')).toHaveText('Online');
  await screenshot(page, 'queue-empty');
  for (const [link, heading] of [['Compose', 'Compose'], ['Bulk import', 'Bulk import'], ['Needs attention', 'Needs attention'], ['Dashboard', 'Dashboard'], ['Connections', 'Connections and settings']] as const) {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  }
  await page.keyboard.press('q');
  await expect(page.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible();
  await page.keyboard.press('c');
  await expect(page.getByRole('heading', { level: 1, name: 'Compose' })).toBeVisible();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('connections: test buttons reach the sandbox, the password is write-only', async ({ console: page }) => {
  await page.keyboard.press(',');
  await expect(page.getByRole('heading', { level: 1, name: 'Connections and settings' })).toBeVisible();
  await page.getByRole('button', { name: 'Test Nagravision' }).click();
  await expect(page.getByTestId('test-nagravision')).toContainText('answered in');
  await page.getByRole('button', { name: 'Test Conax' }).click();
  await expect(page.getByTestId('test-conax')).toContainText('answered in');
  await page.getByLabel('Password (none saved)').fill('sandbox');
  await page.getByRole('button', { name: 'Save and reconnect' }).click();
  await expect(page.getByText('Saved. The sync engine reconnected')).toBeVisible();
  const password = page.getByLabel(/New password \(one is saved/);
  await expect(password).toHaveValue('');
  await screenshot(page, 'settings');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('connection-state')).toHaveText('Online');
});
