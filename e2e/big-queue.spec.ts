import { expect, screenshot, test } from './fixtures';

// 100,000 local requests: the list stays a virtual list (a few dozen rows in
// the DOM), scrolls to the end, and filters by state, type and card.

const ROWS = 100_000;

test('a 100k-row queue scrolls to its end and filters', async ({ console: page, app }) => {
  test.setTimeout(300_000);
  await app.runtime.stopHeadend();
  const store = app.runtime.store;
  // Scheduled far ahead: the sync engine leaves them alone.
  for (let start = 0; start < ROWS; start += 10_000) {
    const inputs = Array.from({ length: 10_000 }, (_, k) => {
      const i = start + k;
      const serial = `smrt5${String(i).padStart(7, '0')}`;
      return i % 2 === 0
        ? { provider: 'conax', method: 'send_mail_message_to_client', params: { smartcard_identifier: { serial_number: serial }, message_text: `notice ${i}`, scheduled_date: '2099-12-31T00:00:00' }, operator: 'e2e' }
        : { provider: 'nagravision', method: 'clear_pin', params: { subscription_identifier: { number: `S${i}` }, smartcard_identifier: { serial_number: serial }, scheduled_date: '2099-12-31T00:00:00' }, operator: 'e2e' };
    });
    const result = await store.enqueue(inputs);
    expect(result.ok).toBe(true);
  }
  for (let id = 1; id <= 1000; id++) await store.discard(id, 'e2e', 'test data');
  await page.reload();

  await expect(page.getByTestId('queue-summary')).toHaveText(`${ROWS} matching`);
  await expect(page.getByTestId('count-QUEUED')).toContainText(String(ROWS - 1000));
  const scroller = page.getByTestId('queue-scroll');
  await expect(scroller.locator(`[data-request-id="${ROWS}"]`)).toBeVisible();
  expect(await scroller.locator('[role="row"]').count()).toBeLessThan(100);
  await screenshot(page, 'queue-100k');

  // Keyboard: End goes to the oldest request, Home back to the newest.
  await scroller.focus();
  await page.keyboard.press('End');
  await expect(scroller.locator('[data-request-id="1"]')).toBeVisible({ timeout: 60_000 });
  await expect(scroller.locator('[data-request-id="1"]')).toContainText('Discarded');
  await page.keyboard.press('Home');
  await expect(scroller.locator(`[data-request-id="${ROWS}"]`)).toBeVisible();

  // Filters: one card, then a state, then a type.
  await page.keyboard.press('/');
  await expect(page.locator('#queue-card-filter')).toBeFocused();
  await page.keyboard.type('smrt50099999');
  await expect(page.getByTestId('queue-summary')).toHaveText('1 matching');
  await expect(scroller.locator(`[data-request-id="${ROWS}"]`)).toBeVisible();
  await page.locator('#queue-card-filter').fill('');
  await page.getByTestId('count-DISCARDED').click();
  await expect(page.getByTestId('queue-summary')).toHaveText('1000 matching');
  await page.getByTestId('count-DISCARDED').click();
  await page.getByLabel('Type').selectOption('CLEAR_CA_PIN');
  await expect(scroller.locator(`[data-request-id="${ROWS}"]`)).toBeVisible();
  await expect(scroller.locator(`[data-request-id="${ROWS - 1}"]`)).toHaveCount(0);
  await screenshot(page, 'queue-100k-filtered');
});
