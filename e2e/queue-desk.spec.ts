import { readFileSync } from 'node:fs';
import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, test } from './fixtures';
import { openCompose, seriousViolations } from './helpers';

// The queue as a spreadsheet and pickers that know the catalog:
// sort by a column (the order the store gives), select rows with the mouse
// and keyboard, retry / discard / export the selection with one reason,
// save a filter and apply it again, and a warning for a card the catalog
// does not know; and the theme switch. At 1366 px, where the reason column
// must read.

test.use({ viewport: { width: 1366, height: 768 } });

const mail = (serial: string, scheduled?: string) => ({
  provider: 'conax',
  method: 'send_mail_message_to_client',
  params: { smartcard_identifier: { serial_number: serial }, message_text: `notice for ${serial}`, ...(scheduled ? { scheduled_date: scheduled } : {}) },
  operator: 'e2e',
});
const clearPin = (serial: string, scheduled?: string) => ({
  provider: 'nagravision',
  method: 'clear_pin',
  params: { subscription_identifier: { number: FIXTURE.subscriptionNumber }, smartcard_identifier: { serial_number: serial }, ...(scheduled ? { scheduled_date: scheduled } : {}) },
  operator: 'e2e',
});

test('sort, multi-select with bulk retry / discard / export, saved filters, the picker warning and the theme switch', async ({ console: page, app }) => {
  await app.runtime.stopHeadend();
  const store = app.runtime.store;
  // Two due now (the head-end is down: they wait to be retried), four far ahead (they stay queued).
  const later = '2099-12-31T00:00:00';
  const queued = await store.enqueue([mail('smrt7000001'), clearPin('smrt7000002'), clearPin('smrt7000003', later), mail('smrt7000004', later), clearPin('smrt7000005', later), mail('smrt7000006', later)]);
  if (!queued.ok) throw new Error(JSON.stringify(queued.errors));
  const [due1, due2, ...waiting] = queued.ids as [number, number, ...number[]];
  await expect.poll(async () => [(await store.getRequest(due1))?.local_state, (await store.getRequest(due2))?.local_state], { timeout: 30_000 }).toEqual(['RETRY_WAIT', 'RETRY_WAIT']);
  await page.reload();
  const scroller = page.getByTestId('queue-scroll');
  await expect(scroller.locator(`[data-request-id="${due1}"]`)).toBeVisible();

  // Sort by request type, A to Z, then Z to A: the order the store gives for that sort.
  const shownIds = async () => (await scroller.locator('[role="row"][data-request-id]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-request-id')))));
  for (const direction of ['asc', 'desc'] as const) {
    await page.getByTestId('sort-type').click();
    await expect(page.getByRole('columnheader', { name: /Request/ })).toHaveAttribute('aria-sort', direction === 'asc' ? 'ascending' : 'descending');
    const expected = (await store.listRequests({ sort: { column: 'type', direction }, limit: 50 })).map((r) => r.id);
    await expect.poll(shownIds).toEqual(expected);
  }
  const typesShown = await scroller.locator('[role="row"][data-request-id] .col-type').allTextContents();
  expect(new Set(typesShown.slice(0, 3)).size).toBe(1); // grouped: one type first, then the other
  await screenshot(page, 'queue-sorted-by-type');

  // Select the two waiting retries: a checkbox, then Ctrl+click the other row.
  await scroller.getByRole('checkbox', { name: `Select request ${due1}` }).click();
  await scroller.locator(`[data-request-id="${due2}"] .col-card`).click({ modifiers: ['Control'] });
  await expect(page.getByTestId('selection-count')).toHaveText('2 requests selected');
  await page.getByLabel('Reason (recorded on each)').fill('head-end back, send again');
  await page.getByRole('button', { name: 'Retry selected' }).click();
  await expect(page.getByTestId('selection-result')).toHaveText('2 requests retried.');
  for (const id of [due1, due2]) {
    const retried = (await store.eventsFor(id)).filter((e) => e.kind === 'retried');
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ detail: { reason: 'head-end back, send again' } });
    expect(retried[0]!.actor).toMatch(/\S/); // the operator, as for a retry of one request
  }

  // Keyboard: the grid, Home, Space, Shift+Down twice: three rows, then export and discard them.
  await scroller.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Space');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(page.getByTestId('selection-count')).toHaveText('3 requests selected');
  const selectedIds = (await shownIds()).slice(0, 3);
  await expect(scroller.locator('[role="row"][aria-selected="true"]')).toHaveCount(3);
  await screenshot(page, 'queue-three-selected');
  expect(await seriousViolations(page)).toEqual([]);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export selected' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8').trimEnd().split(/\r\n/);
  expect(csv[0]).toMatch(/^id,created_at,/);
  expect(csv.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(selectedIds);

  await expect(page.getByRole('button', { name: 'Discard selected' })).toBeDisabled(); // a discard needs its reason
  await page.getByLabel('Reason (recorded on each)').fill('wrong campaign');
  await page.getByRole('button', { name: 'Discard selected' }).click();
  await expect(page.getByTestId('selection-result')).toContainText('discarded.');
  // The far-ahead ones certainly; a retried one too unless it was being sent at that moment (then named as refused).
  const discarded: number[] = [];
  for (const id of selectedIds) {
    if ((await store.getRequest(id))?.local_state !== 'DISCARDED') continue;
    discarded.push(id);
    expect((await store.eventsFor(id)).find((e) => e.kind === 'cancelled')?.detail).toMatchObject({ reason: 'wrong campaign' });
  }
  expect(discarded).toEqual(expect.arrayContaining(selectedIds.filter((id) => waiting.includes(id))));
  await expect(page.getByTestId('selection-result')).toContainText(`${discarded.length} request${discarded.length === 1 ? '' : 's'} discarded.`);
  const discardable = discarded;

  // Saved filter: Discarded, sorted by card; cleared; applied again by name.
  await page.getByTestId('count-DISCARDED').click();
  await page.getByTestId('sort-card').click();
  await expect(page.getByTestId('queue-summary')).toHaveText(`${discardable.length} matching`);
  await page.getByLabel('Save current filter as').fill('Discarded, by card');
  await page.getByRole('button', { name: 'Save filter' }).click();
  await expect(page.getByTestId('saved-filter-result')).toHaveText('Saved “Discarded, by card”.');
  await page.getByRole('button', { name: /^All/ }).click();
  await page.getByTestId('sort-id').click();
  await expect(page.getByTestId('queue-summary')).toHaveText('6 matching');
  await page.reload(); // kept on this computer, not in the page
  await page.getByTestId('saved-filter-select').selectOption('Discarded, by card');
  await expect(page.getByTestId('queue-summary')).toHaveText(`${discardable.length} matching`);
  await expect(page.getByTestId('count-DISCARDED')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('columnheader', { name: /Card/ })).toHaveAttribute('aria-sort', 'ascending');
  await screenshot(page, 'queue-saved-filter');

  // Pickers: a serial the catalog does not know is a warning to acknowledge; a known one shows its details.
  await openCompose(page, 'Nagravision', 'CLEAR_CA_PIN');
  const smartcard = page.getByRole('combobox', { name: 'Smartcard', exact: true });
  await smartcard.fill('smrt-not-in-catalog');
  await smartcard.press('Escape');
  const warning = page.getByTestId('catalog-unknown');
  await expect(warning).toContainText('Not in the local catalog');
  await expect(warning).toContainText('smrt-not-in-catalog');
  await screenshot(page, 'picker-unknown-card');
  expect(await seriousViolations(page)).toEqual([]);
  await warning.getByRole('button', { name: 'It is right, keep it' }).click();
  await expect(page.getByTestId('catalog-unknown-acknowledged')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Queue request' })).toBeEnabled();
  await smartcard.fill(FIXTURE.smartcardSerial);
  await smartcard.press('Escape');
  const match = page.getByTestId('catalog-match');
  await expect(match).toContainText(FIXTURE.smartcardCaId);
  await expect(match).toContainText(`Subscription${FIXTURE.subscriptionNumber}`);
  await expect(page.getByTestId('catalog-unknown')).toHaveCount(0);
  await screenshot(page, 'picker-known-card');
  expect(await seriousViolations(page)).toEqual([]);

  // Theme: chosen in Settings, applied at once, kept after a reload, back to the system's.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${new URL(page.url()).origin}/#/settings`);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.goto(`${new URL(page.url()).origin}/#/queue`);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('queue-table')).toBeVisible();
  await page.getByTestId('count-QUEUED').click();
  await page.getByRole('checkbox', { name: 'Select all loaded rows' }).check();
  await expect(page.getByTestId('selection-count')).toBeVisible();
  await screenshot(page, 'queue-dark-theme');
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`${new URL(page.url()).origin}/#/settings`);
  await page.getByRole('radio', { name: 'As the system' }).check();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'dark');
});
