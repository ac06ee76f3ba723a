import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { BULK_BATCH_ROWS } from '../shared/ipc/app-schemas';
import type { BrowserMode } from '../electron/bridge/browser-mode';
import { expect, screenshot, test } from './fixtures';

// Bulk at real size (issue 13 item 6): a file of 50,000 rows is checked in the
// page's worker with progress on screen, confirmed by type and card count,
// and queued in batches; Cancel ends a check midway and Stop queueing ends an
// import between batches with the exact count queued (leaving the screen
// meanwhile is asked first); a binary file is refused from its first chunk.

const ROWS = 50_000;
const CARDS = 10_000;
const BAD_EVERY = 5_000; // rows 5,000, 10,000 … have no message: 10 invalid rows

/** `rows` rows, mail and bark messages in turn, over CARDS distinct cards; scheduled far ahead so nothing is sent. */
function writeRequests(name: string, rows: number): string {
  const lines = ['provider,method,smartcard_identifier.serial_number,message_text,scheduled_date'];
  for (let i = 1; i <= rows; i++) {
    const method = i % 2 === 0 ? 'send_mail_message_to_client' : 'send_bark_message_to_client';
    const text = i % BAD_EVERY === 0 ? '' : `"Maintenance tonight, row ${i}"`;
    lines.push(`conax,${method},smrt5${String(i % CARDS).padStart(7, '0')},${text},2099-12-31T00:00:00`);
  }
  const file = test.info().outputPath(name);
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  return file;
}

async function queuedCount(app: BrowserMode): Promise<number> {
  return Object.values(await app.runtime.store.countByState()).reduce((a, b) => a + b, 0);
}

async function openBulk(page: Page): Promise<void> {
  await page.keyboard.press('b');
  await expect(page.getByRole('heading', { level: 1, name: 'Bulk import' })).toBeVisible();
}

test('50,000 rows: checked with progress, confirmed by type and cards, queued in batches', async ({ console: page, app }) => {
  await app.runtime.stopHeadend(); // nothing is sent here; keep the machine quiet
  const file = writeRequests('requests-50k.csv', ROWS);
  await openBulk(page);
  await page.getByTestId('bulk-file').setInputFiles(file);
  await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
  const progress = page.getByTestId('bulk-progress');
  await expect(progress).toContainText(/^Checking the file: \d+% read, [\d,]+ rows/);
  await screenshot(page, 'bulk-large-checking');
  const preview = page.getByTestId('bulk-preview');
  await expect(preview.getByRole('heading')).toHaveText('50,000 rows: 49,990 valid, 10 with errors', { timeout: 60_000 });
  await expect(progress).toHaveCount(0);
  await expect(preview.getByRole('row').filter({ has: page.getByRole('cell', { name: '5001', exact: true }) })).toContainText('message_text');

  await page.getByRole('button', { name: 'Queue 49,990 valid rows' }).click();
  const confirm = page.getByTestId('bulk-confirm');
  // Cards 0 and 5,000 are named only by the invalid rows (every 5,000th).
  await expect(confirm.getByRole('heading')).toHaveText(`Queue 49,990 requests for ${(CARDS - 2).toLocaleString('en-US')} cards?`);
  await expect(confirm.getByRole('listitem')).toHaveText(['SEND_BARK_MESSAGE_TO_CLIENT: 25,000', 'SEND_MAIL_MESSAGE_TO_CLIENT: 24,990']);
  await expect(confirm).toContainText('10 rows with errors will be left out.');
  expect(await queuedCount(app)).toBe(0);
  await screenshot(page, 'bulk-large-confirm');

  await confirm.getByRole('button', { name: 'Yes, queue 49,990 requests' }).click();
  await expect(progress).toContainText(/^Queueing: [\d,]+ of 49,990 requests/);
  await expect(page.getByTestId('bulk-result')).toHaveText('Queued 49,990 requests; 10 invalid rows were left out.', { timeout: 90_000 });
  expect(await queuedCount(app)).toBe(ROWS - 10);
  await expect(page.getByTestId('bulk-source')).toHaveText('or paste the rows below');
});

test('Cancel ends a check midway; leaving while queueing asks first; Stop queueing ends an import between batches with the exact count', async ({ console: page, app }) => {
  test.setTimeout(240_000);
  await app.runtime.stopHeadend();
  // Long enough that the check is still reading when Cancel is pressed.
  const big = writeRequests('requests-400k.csv', 400_000);
  await openBulk(page);
  await page.getByTestId('bulk-file').setInputFiles(big);
  await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
  const progress = page.getByTestId('bulk-progress');
  await expect(progress).toContainText(/read, [1-9][\d,]* rows/);
  await progress.getByRole('button', { name: 'Cancel the check' }).click();
  await expect(page.getByTestId('bulk-result')).toHaveText('Check cancelled: nothing was queued.');
  await expect(progress).toHaveCount(0);
  await expect(page.getByTestId('bulk-preview')).toHaveCount(0);

  // The 400k file again: queueing it takes long enough that the leave prompt and
  // Stop queueing both come while it runs, however fast this machine queues.
  await page.getByTestId('bulk-file').setInputFiles(big);
  await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
  await expect(page.getByTestId('bulk-preview').getByRole('heading')).toHaveText(/^400,000 rows: [\d,]+ valid, [\d,]+ with errors$/, { timeout: 90_000 });
  await page.getByRole('button', { name: /^Queue [\d,]+ valid rows$/ }).click();
  await page.getByTestId('bulk-confirm').getByRole('button', { name: /^Yes, queue [\d,]+ requests$/ }).click();
  await expect(progress).toContainText(/^Queueing: [1-9][\d,]* of [\d,]+ requests/);
  // Leaving now would end the import unseen: the screen asks first, and staying keeps it going.
  const asked = page.waitForEvent('dialog');
  await page.keyboard.press('q');
  const dialog = await asked;
  expect(dialog.type()).toBe('confirm');
  expect(dialog.message()).toMatch(/^Requests are being queued from this file\. Leave the Bulk screen\? Queueing stops/);
  await dialog.dismiss();
  await expect(page.getByRole('heading', { level: 1, name: 'Bulk import' })).toBeVisible();
  await expect(page).toHaveURL(/#\/bulk$/);
  await progress.getByRole('button', { name: 'Stop queueing' }).click();
  const result = page.getByTestId('bulk-result');
  await expect(result).toHaveText(/^Cancelled: [\d,]+ requests were queued \(up to line \d+\); the rest of the file was not\.$/);
  const said = Number((await result.textContent())!.match(/^Cancelled: ([\d,]+)/)![1]!.replace(/,/g, ''));
  // What the screen says is what the store holds: whole batches, fewer than all.
  expect(await queuedCount(app)).toBe(said);
  expect(said % BULK_BATCH_ROWS).toBe(0);
  expect(said).toBeLessThan(400_000 - 10);
  await screenshot(page, 'bulk-large-stopped');
});

test('a large binary file is refused from its first chunk as not a CSV', async ({ console: page, app }) => {
  const file = test.info().outputPath('archive.zip');
  writeFileSync(file, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), randomBytes(20 * 1024 * 1024)]));
  await openBulk(page);
  await page.getByTestId('bulk-file').setInputFiles(file);
  await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
  const preview = page.getByTestId('bulk-preview');
  await expect(preview.getByRole('heading')).toHaveText('This is not a CSV file');
  await expect(preview.getByRole('alert')).toContainText('archive.zip: this is not a CSV file: it holds binary data');
  await expect(page.getByRole('button', { name: /^Queue/ })).toBeDisabled();
  expect(await queuedCount(app)).toBe(0);
});
