import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, test } from './fixtures';
import { fillIdentifier, openCompose, queue } from './helpers';

test('offline: requests wait in the queue and drain by themselves when the head-end is back', async ({ console: page, app }) => {
  await app.runtime.stopHeadend();
  await expect(page.getByTestId('connection-state')).toHaveText('Offline', { timeout: 30_000 });

  const ids: number[] = [];
  const actions = ['UPDATE_CA_PIN_TO_DEFAULT_VALUE', 'CLEAR_CA_PIN', 'UPDATE_CA_PIN_TO_DEFAULT_VALUE'];
  for (const action of actions) {
    await openCompose(page, 'Nagravision', action);
    await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
    await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.smartcardSerial);
    ids.push(await queue(page));
  }
  await expect(page.getByTestId('pending-count')).toHaveText(`${ids.length} pending`);

  await page.keyboard.press('q');
  const rows = ids.map((id) => page.locator(`[data-request-id="${id}"]`));
  // Present and waiting (not just "not Completed", which an absent row would also pass).
  for (const row of rows) await expect(row).toContainText(/Queued|Retry wait/);
  await screenshot(page, 'queue-offline');

  await app.runtime.startHeadend();
  // The operator asks for a sync; the engine would also find the head-end by itself.
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('connection-state')).toHaveText('Online', { timeout: 30_000 });
  // Live updates: the rows change on screen without a reload.
  for (const row of rows) await expect(row).toContainText('Completed', { timeout: 60_000 });
  await expect(page.getByTestId('pending-count')).toHaveText('0 pending');
  // In the operator's order, each once.
  const received = (await app.runtime.headendReceived(FIXTURE.smartcardSerial))?.map((e) => e.method);
  expect(received).toEqual(['set_pin_to_default_value', 'clear_pin', 'set_pin_to_default_value']);
  await screenshot(page, 'queue-drained');
});
