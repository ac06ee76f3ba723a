import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, test } from './fixtures';
import { fillIdentifier, openCompose, queue } from './helpers';

// "Sync now" tells the truth, visibly: nothing to do, a failure while the
// head-end is down (never "Sync finished"), and what it sent once it is back.

test.use({ viewport: { width: 1366, height: 768 } });

test('Sync now shows nothing to do, a failure while offline, and what it sent once online', async ({ console: page, app }) => {
  const syncNow = page.getByRole('button', { name: 'Sync now' });
  const result = page.getByTestId('sync-result');
  await syncNow.click();
  await expect(result).toHaveText('Nothing to send: the queue is empty.');
  await expect(page.getByTestId('total-count')).toHaveText('0 requests');

  await app.runtime.stopHeadend();
  await expect(page.getByTestId('connection-state')).toHaveText('Offline', { timeout: 30_000 });
  await openCompose(page, 'Nagravision', 'CLEAR_CA_PIN');
  await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.smartcardSerial);
  await queue(page);
  await expect(page.getByTestId('total-count')).toHaveText('1 request');
  await syncNow.click();
  await expect(result).toHaveAttribute('data-outcome', 'failed');
  await expect(result).toContainText(/^(Sync failed|Nothing could be sent)/);
  await expect(result).not.toContainText('finished');
  await expect(page.getByTestId('last-failure')).toBeVisible();
  await screenshot(page, 'sync-now-failed');

  await app.runtime.startHeadend();
  await expect(page.getByTestId('connection-state')).toHaveText('Online', { timeout: 30_000 });
  // The background sync may send it first; otherwise Sync now sends it at once,
  // even before its next attempt time (it certainly did not reach the head-end).
  // Either way Sync now says what it found, not a failure.
  await syncNow.click();
  await expect(syncNow).toBeEnabled();
  await expect(result).toHaveAttribute('data-outcome', /^(done|nothing)$/, { timeout: 30_000 });
  await expect(result).toContainText(/^(Sent 1|Checked the head-end|Nothing to send)/);
  // The failure stays on the status bar after the link recovered.
  await expect(page.getByTestId('last-failure')).toBeVisible();
  await expect(page.getByTestId('last-sync')).toContainText('Last success');
  await screenshot(page, 'sync-now-done');
});
