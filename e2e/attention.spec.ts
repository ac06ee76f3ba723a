import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, test } from './fixtures';
import { expectState, fillIdentifier, openCompose, openRequest, queue } from './helpers';

test('a rejected request shows in Needs attention with its reason and is fixed and resent', async ({ console: page }) => {
  // The sandbox rejects cards not managed by the SMS (CLIENT_NOT_MANAGED_BY_SMS).
  await openCompose(page, 'Conax', 'ADD_SUBSCRIPTIONS');
  await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Service', 'code', FIXTURE.otherService);
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.unmanagedSmartcardSerial);
  const id = await queue(page);
  await expectState(page, id, 'REJECTED');

  await page.keyboard.press('a');
  await expect(page.getByRole('heading', { level: 1, name: 'Needs attention' })).toBeVisible();
  const rejected = page.getByTestId('attention-rejected');
  const row = rejected.locator(`[data-request-id="${id}"]`);
  await expect(row).toContainText(FIXTURE.unmanagedSmartcardSerial);
  await expect(row).toContainText(/not managed/i);
  await screenshot(page, 'needs-attention');

  await row.click();
  await expect(page.getByTestId('request-reason')).toContainText('CLIENT_NOT_MANAGED_BY_SMS');
  await page.getByRole('link', { name: 'Fix and resend as a new request' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Fix and resend request #${id}` })).toBeVisible();
  // Prefilled from the rejected request; the operator corrects the card only.
  await expect(page.getByRole('combobox', { name: 'Subscription', exact: true })).toHaveValue(FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.smartcardSerial);
  const resent = await queue(page);
  expect(resent).not.toBe(id);
  await expectState(page, resent, 'COMPLETED');
});

test('while offline, a queued request can be edited or discarded before it is sent', async ({ console: page, app }) => {
  await app.runtime.stopHeadend();
  await expect(page.getByTestId('connection-state')).toHaveText('Offline', { timeout: 30_000 });
  const ids: number[] = [];
  for (const serial of ['smrt-typo-0054', FIXTURE.smartcardSerial]) {
    await openCompose(page, 'Nagravision', 'CLEAR_CA_PIN');
    await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
    await fillIdentifier(page, 'Smartcard', 'serial_number', serial);
    ids.push(await queue(page));
  }
  const [typo, duplicate] = ids as [number, number];

  await openRequest(page, typo);
  await page.getByRole('button', { name: 'Edit and resend' }).click();
  await expect(page.getByRole('combobox', { name: 'Smartcard', exact: true })).toHaveValue('smrt-typo-0054');
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.smartcardSerial);
  await page.getByRole('button', { name: 'Save and queue again' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved and queued again.' })).toBeVisible();

  await openRequest(page, duplicate);
  await page.getByLabel('Reason (kept in the history)').fill('queued twice by mistake');
  await page.getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByTestId('request-state')).toHaveAttribute('data-state', 'DISCARDED');
  await expect(page.getByTestId('timeline')).toContainText('queued twice by mistake');

  await app.runtime.startHeadend();
  await expectState(page, typo, 'COMPLETED', 60_000);
  expect((await app.runtime.store.eventsFor(typo)).map((e) => e.kind)).toContain('edited');
  expect((await app.runtime.headendReceived(FIXTURE.smartcardSerial))?.length).toBe(1);
});
