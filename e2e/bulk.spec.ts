import { writeFileSync } from 'node:fs';
import { expect, screenshot, test } from './fixtures';

// 1,000 rows, 10 of them wrong in different ways: the dry run names each bad
// line and why; queueing takes the 990 good ones in one go.

const BAD_ROWS: [string, string][] = [
  ['conax,send_mail_message_to_client,,hello,', 'smartcard_identifier'],
  [`conax,send_mail_message_to_client,smrt40000001,${'x'.repeat(142)},`, 'message_text'],
  ['conax,no_such_method,smrt40000001,hello,', 'method'],
  ['conax,send_mail_message_to_client,smrt40000001,hello,URGENT', 'priority'],
  ['conax,send_mail_message_to_client,smrt40000001,,', 'message_text'],
  ['nagravision,send_mail_message_to_client,smrt40000001,hello,', 'method'],
  ['conax,send_mail_message_to_client,smrt40000001,hello,regular', 'priority'],
  [',send_mail_message_to_client,smrt40000001,hello,', 'provider'],
  ['conax,send_mail_message_to_client,smrt40000001,hello,LOW', 'priority'],
  [`conax,send_mail_message_to_client,${'s'.repeat(200)},hello,`, 'smartcard_identifier'],
];

test('CSV import: 1,000 rows with 10 bad ones, dry run then queue the valid rows', async ({ console: page, app }) => {
  await app.runtime.stopHeadend(); // nothing needs sending here; keep the machine quiet
  const lines = ['provider,method,smartcard_identifier.serial_number,message_text,priority'];
  const badLines = new Map<number, string>();
  let bad = 0;
  for (let i = 0; i < 1000; i++) {
    if (i % 100 === 50 && bad < BAD_ROWS.length) {
      const [row, field] = BAD_ROWS[bad++]!;
      lines.push(row);
      badLines.set(lines.length, field);
    } else {
      lines.push(`conax,send_mail_message_to_client,smrt4${String(i).padStart(7, '0')},Maintenance tonight ${i},${i % 7 === 0 ? 'EXPRESS' : ''}`);
    }
  }
  const file = test.info().outputPath('requests-1000.csv');
  writeFileSync(file, lines.join('\n') + '\n');

  await page.keyboard.press('b');
  await expect(page.getByRole('heading', { level: 1, name: 'Bulk import' })).toBeVisible();
  await page.getByTestId('bulk-file').setInputFiles(file);
  await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
  const preview = page.getByTestId('bulk-preview');
  await expect(preview.getByRole('heading')).toHaveText('1,000 rows: 990 valid, 10 with errors');
  for (const [line, field] of badLines) {
    const row = preview.getByRole('row').filter({ has: page.getByRole('cell', { name: String(line), exact: true }) });
    await expect(row).toContainText(field);
  }
  expect(Object.values(await app.runtime.store.countByState()).reduce((a, b) => a + b, 0)).toBe(0);
  await screenshot(page, 'bulk-preview');

  await page.getByRole('button', { name: 'Queue 990 valid rows' }).click();
  // More than a hundred rows: nothing is queued before the operator sees what and for how many cards.
  const confirm = page.getByTestId('bulk-confirm');
  await expect(confirm.getByRole('heading')).toHaveText(/^Queue 990 requests for \d+ cards\?$/);
  expect(Object.values(await app.runtime.store.countByState()).reduce((a, b) => a + b, 0)).toBe(0);
  await screenshot(page, 'bulk-confirm');
  await confirm.getByRole('button', { name: 'Yes, queue 990 requests' }).click();
  await expect(page.getByTestId('bulk-result')).toHaveText('Queued 990 requests; 10 invalid rows were left out.');
  // The CSV (it may hold PINs) leaves the screen, so nothing can be queued twice.
  await expect(page.getByTestId('bulk-csv')).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Check the file (dry run)' })).toBeDisabled();
  const counts = await app.runtime.store.countByState();
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(990);
  await page.keyboard.press('q');
  await expect(page.getByTestId('queue-summary')).toHaveText('990 matching');
});

test('a binary file is refused as not a CSV, and nothing can be queued from it', async ({ console: page }) => {
  await page.keyboard.press('b');
  await page.getByTestId('bulk-file').setInputFiles({ name: 'orders.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x9c, 0x8a]) });
  await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
  const preview = page.getByTestId('bulk-preview');
  // Said once, plainly: no "0 rows" heading over a list of garbage errors.
  await expect(preview.getByRole('heading')).toHaveText('This is not a CSV file');
  await expect(preview.getByRole('alert')).toContainText('orders.xlsx: this is not a CSV file: it holds binary data');
  await expect(preview.getByRole('table')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Queue/ })).toBeDisabled();
});
