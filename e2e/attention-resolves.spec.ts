import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, test } from './fixtures';
import { expectState, fillIdentifier, openCompose, queue } from './helpers';

// Attention that resolves: a rejection is counted in the sidebar and the
// window title, a corrected copy closes it with a link to the copy, and a
// checked rejection is closed without a resend.

test.use({ viewport: { width: 1366, height: 768 } });

async function rejectedRequest(page: import('@playwright/test').Page, smartcardSerial: string): Promise<number> {
  await openCompose(page, 'Conax', 'ADD_SUBSCRIPTIONS');
  await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Service', 'code', FIXTURE.otherService);
  await fillIdentifier(page, 'Smartcard', 'serial_number', smartcardSerial);
  const id = await queue(page);
  await expectState(page, id, 'REJECTED');
  return id;
}

test('a rejection is counted, resolved by a corrected copy or a check, and links to its copy', async ({ console: page }) => {
  // Two cards: a card's later requests wait behind its open rejection.
  const first = await rejectedRequest(page, FIXTURE.unmanagedSmartcardSerial);
  const second = await rejectedRequest(page, FIXTURE.legacySmartcardSerial);
  const badge = page.getByRole('navigation', { name: 'Screens' }).locator('.badge-attention');
  await expect(badge).toHaveText('2');
  await expect(page).toHaveTitle(/^\(2\) CA Desk/);

  await page.keyboard.press('a');
  await expect(page.getByTestId('attention-rejected').locator(`[data-request-id="${first}"]`)).toBeVisible();
  await screenshot(page, 'attention-open');

  // Fix and resend: the copy closes the rejection.
  await page.goto(`${new URL(page.url()).origin}/#/request/${first}`);
  await page.getByRole('link', { name: 'Fix and resend as a new request' }).click();
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.smartcardSerial);
  const copy = await queue(page);
  await expect(badge).toHaveText('1');
  await expect(page).toHaveTitle(/^\(1\) CA Desk/);

  // Checked, nothing to do: closed without a resend.
  await page.goto(`${new URL(page.url()).origin}/#/request/${second}`);
  await page.getByLabel('Reason (kept in the history)').fill('customer withdrew the order');
  await page.getByRole('button', { name: 'Close: checked, nothing to do' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Closed: checked' })).toBeVisible();
  await expect(badge).toHaveCount(0);
  await expect(page).toHaveTitle('CA Desk');

  await page.keyboard.press('a');
  const rejected = page.getByTestId('attention-rejected');
  await expect(rejected).toContainText('No open rejection.');
  const resolved = page.getByTestId('attention-resolved');
  await expect(resolved.locator(`[data-request-id="${first}"][data-resolution="replaced"]`)).toContainText(`as #${copy}`);
  await expect(resolved.locator(`[data-request-id="${second}"][data-resolution="verified"]`)).toContainText('customer withdrew the order');
  await screenshot(page, 'attention-resolved');

  await resolved.getByRole('link', { name: `#${copy}` }).click();
  await expectState(page, copy, 'COMPLETED');
  await page.goto(`${new URL(page.url()).origin}/#/request/${first}`);
  await expect(page.getByTestId('replaced-by')).toContainText(`#${copy}`);
});
