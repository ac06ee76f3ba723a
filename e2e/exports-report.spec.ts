import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, SCREENSHOT_DIR, test } from './fixtures';
import { expectState, fillIdentifier, openCompose, queue } from './helpers';

// Exports and the shift report: the filtered queue and the day's history as
// CSV (RFC 4180, ISO times), and the shift report on screen and as a PDF from
// Chromium's print-to-PDF (print stylesheet: the report alone).

test.use({ viewport: { width: 1366, height: 768 } });

test('export the queue and the history to CSV, and print the shift report', async ({ console: page }) => {
  await openCompose(page, 'Conax', 'ADD_SUBSCRIPTIONS');
  await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Service', 'code', FIXTURE.otherService);
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.unmanagedSmartcardSerial);
  const rejected = await queue(page);
  await openCompose(page, 'Nagravision', 'CLEAR_CA_PIN');
  await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.smartcardSerial);
  const done = await queue(page);
  await expectState(page, rejected, 'REJECTED');
  await expectState(page, done, 'COMPLETED');

  await page.keyboard.press('q');
  await page.getByLabel('Card or identifier').fill(FIXTURE.unmanagedSmartcardSerial);
  await expect(page.getByTestId('queue-summary')).toHaveText('1 matching');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.split('\r\n').filter(Boolean);
  expect(lines[0]).toMatch(/^id,created_at,provider,method,type,card,/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(new RegExp(`^${rejected},\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z,conax,add_subscriptions,`));
  expect(lines[1]).toContain('CLIENT_NOT_MANAGED_BY_SMS');
  await expect(page.getByTestId('export-result')).toHaveText('Exported 1 request.');
  await screenshot(page, 'queue-export');

  await page.keyboard.press('r');
  await expect(page.getByRole('heading', { level: 1, name: 'Shift report' })).toBeVisible();
  const report = page.getByTestId('shift-report');
  await expect(page.getByTestId('report-total')).toHaveText('2 requests');
  await expect(page.getByTestId('report-failures')).toContainText('CLIENT_NOT_MANAGED_BY_SMS');
  await screenshot(page, 'shift-report');
  const [history] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export history (CSV)' }).click()]);
  const historyCsv = readFileSync(await history.path(), 'utf8');
  expect(historyCsv.split('\r\n')[0]).toBe('event_id,at,request_id,kind,actor,type,card,detail');
  for (const kind of ['created', 'sent', 'completed', 'rejected']) expect(historyCsv).toContain(`,${kind},`);
  await expect(page.getByTestId('report-message')).toContainText('Exported');

  // Chromium's print-to-PDF of the report, A4, with the print stylesheet.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeHidden();
  await expect(report).toBeVisible();
  const pdfPath = path.join(SCREENSHOT_DIR, 'shift-report.pdf');
  const pdf = await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(5_000);
  await page.emulateMedia({ media: 'screen' });
});
