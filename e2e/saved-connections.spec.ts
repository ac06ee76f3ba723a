import { expect, screenshot, test } from './fixtures';
import { seriousViolations } from './helpers';

// Issue 11 item 4: several saved head-end connections in Settings, one active.
// The operator saves the form as a new connection, makes it active (the form
// then edits it), goes back and forgets it. Switching while a request waits for
// the active head-end is refused: electron/services/connection-book.test.ts.

test('saved connections: add one from the form, make it active, switch back and remove it', async ({ console: page }) => {
  await page.keyboard.press(',');
  const table = page.getByTestId('saved-connections');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText('Embedded sandbox (active)');

  await page.getByLabel('Real head-ends at these addresses').check();
  await page.getByLabel('TCP gateway (Nagravision frames, Conax at the origin)').check();
  await page.getByLabel('Host').fill('gw.example.test');
  await page.getByLabel('Save the form below as a new connection named').fill('Office gateway');
  await page.getByRole('button', { name: 'Save as new connection' }).click();
  await expect(page.getByTestId('saved-connections-status')).toContainText('Saved "Office gateway"');
  await expect(table.getByRole('row', { name: /Office gateway/ })).toContainText('gw.example.test:7001');

  await page.getByRole('button', { name: 'Make active Office gateway' }).click();
  await expect(page.getByRole('heading', { name: 'Active connection: Office gateway' })).toBeVisible();
  await expect(page.getByLabel('Host')).toHaveValue('gw.example.test');
  await expect(page.getByLabel('Real head-ends at these addresses')).toBeChecked();
  await screenshot(page, 'saved-connections-office-gateway-active');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Make active Embedded sandbox' }).click();
  await expect(page.getByRole('heading', { name: 'Active connection: Embedded sandbox' })).toBeVisible();
  await expect(page.getByLabel('Embedded sandbox head-end (started with CA Desk)')).toBeChecked();
  await page.getByRole('button', { name: 'Remove Office gateway' }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(page.getByTestId('saved-connections-status')).toContainText('forgotten');
});
