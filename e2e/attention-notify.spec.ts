import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, test } from './fixtures';
import { expectState, fillIdentifier, openCompose, queue, seriousViolations } from './helpers';

// The optional desktop notification for new attention items: off unless the
// operator turns it on in Settings (kept on this computer); then a new
// rejection is announced once; turned off, nothing more. Chromium's own
// Notification is wrapped only to record what the page showed.

test.use({ viewport: { width: 1366, height: 768 } });

async function rejection(page: import('@playwright/test').Page, smartcardSerial: string): Promise<void> {
  await openCompose(page, 'Conax', 'ADD_SUBSCRIPTIONS');
  await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Service', 'code', FIXTURE.otherService);
  await fillIdentifier(page, 'Smartcard', 'serial_number', smartcardSerial);
  await expectState(page, await queue(page), 'REJECTED');
}

test('a desktop notification announces new attention items once the operator turns it on', async ({ console: page }) => {
  const origin = new URL(page.url()).origin;
  await page.context().grantPermissions(['notifications'], { origin });
  await page.addInitScript(() => {
    const shown: string[] = [];
    (window as unknown as { shownNotices: string[] }).shownNotices = shown;
    window.Notification = class extends window.Notification {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(`${title}: ${options?.body ?? ''}`);
      }
    };
  });
  await page.reload();
  const shown = () => page.evaluate(() => (window as unknown as { shownNotices: string[] }).shownNotices);

  // Off by default: a rejection is counted, not announced.
  await rejection(page, FIXTURE.unmanagedSmartcardSerial);
  await expect(page).toHaveTitle(/^\(1\) CA Desk/);
  expect(await shown()).toEqual([]);

  await page.goto(`${origin}/#/settings`);
  const toggle = page.getByRole('checkbox', { name: 'Desktop notification when new items need attention' });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(page.getByTestId('notify-permission')).toHaveText('Notifications are allowed.');
  await screenshot(page, 'settings-notifications-on');
  expect(await seriousViolations(page)).toEqual([]);
  await page.reload(); // kept on this computer
  await expect(toggle).toBeChecked();

  await rejection(page, FIXTURE.legacySmartcardSerial);
  await expect(page).toHaveTitle(/^\(2\) CA Desk/);
  await expect.poll(shown).toEqual(['CA Desk: 1 new item in Needs attention (2 open).']);

  // Turned off: the next one is counted, not announced.
  await page.goto(`${origin}/#/settings`);
  await toggle.uncheck();
  await openCompose(page, 'Nagravision', 'CLEAR_CA_PIN');
  await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Smartcard', 'serial_number', 'smrt-not-at-the-headend');
  await page.getByTestId('catalog-unknown').getByRole('button', { name: 'It is right, keep it' }).click();
  await queue(page);
  await expect.poll(async () => (await page.title()).startsWith('(3)'), { timeout: 30_000 }).toBe(true);
  expect(await shown()).toHaveLength(1);
});
