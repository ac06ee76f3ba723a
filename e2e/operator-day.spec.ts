import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, SCREENSHOT_DIR, test } from './fixtures';
import { expectState, fillIdentifier, openRequest, queue, seriousViolations } from './helpers';

// Issue 13's "Done when", as one operator's day at 1366 × 768: find a card by
// its CA id, see its services, query its subscriptions and read the answer,
// add a package, see a rejection arrive in Needs attention, fix and resend it
// and watch the item resolve, select ten failed rows and retry them, export
// the day's history to CSV and print the shift report to PDF. Each step leaves
// a screenshot (day-NN-…png) and axe checks every screen on the way; the CSV
// and the PDF stay beside the screenshots. The day ends on the dashboard's
// queue health per head-end.

test.use({ viewport: { width: 1366, height: 768 } });

/** Ten managed cards of the small seed that have no other request today. */
const FAILED_CARDS = Array.from({ length: 10 }, (_, i) => `smrt3${String(i + 3).padStart(7, '0')}`);

const nav = (page: Page) => page.getByRole('navigation', { name: 'Screens' });

test('an operator day: card, answer, package, rejection resolved, ten retried, history CSV and shift report PDF', async ({ console: page, app }) => {
  test.setTimeout(300_000);
  const origin = new URL(page.url()).origin;
  const dayStart = Date.now();
  const axeProblems: string[] = [];
  const axe = async (screen: string) => {
    for (const v of await seriousViolations(page)) axeProblems.push(`${screen}: ${v}`);
  };

  // 1. Find a card by its CA id, from the Queue screen.
  await page.getByLabel('Find a card').fill(FIXTURE.smartcardCaId);
  await screenshot(page, 'day-01-find-card-by-ca-id');
  await axe('queue, empty');
  await page.getByRole('button', { name: 'Open card' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Card ${FIXTURE.smartcardSerial}` })).toBeVisible();
  await expect(page.getByTestId('card-identity')).toContainText(FIXTURE.smartcardCaId);

  // 2. Its services, as the head-end last told us.
  const services = page.getByTestId('card-services');
  await expect(services).toContainText(FIXTURE.entitledService);
  await expect(services).not.toContainText('Silver');
  await screenshot(page, 'day-02-card-services');
  await axe('card');

  // 3. Query its subscriptions from the card and read the answer.
  await page.getByRole('link', { name: 'Query active subscriptions' }).click();
  await expect(page.getByRole('combobox', { name: 'Smartcard', exact: true })).toHaveValue(FIXTURE.smartcardSerial);
  await axe('compose');
  const query = await queue(page);
  await expectState(page, query, 'COMPLETED');
  await expect(page.getByTestId('query-result').getByTestId('query-services')).toContainText(FIXTURE.entitledService);
  await screenshot(page, 'day-03-query-answer');
  await axe('request');

  // 4. Add a package from the card.
  await page.getByRole('link', { name: FIXTURE.smartcardSerial }).click();
  await expect(page.getByTestId('card-answers')).toContainText(`#${query}`);
  await page.getByRole('link', { name: 'Add services' }).click();
  await expect(page.getByRole('combobox', { name: 'Smartcard', exact: true })).toHaveValue(FIXTURE.smartcardSerial);
  await fillIdentifier(page, 'Services 1', 'code', 'Silver');
  const added = await queue(page);
  await expectState(page, added, 'COMPLETED');
  await page.getByRole('link', { name: FIXTURE.smartcardSerial }).click();
  await expect(services).toContainText('Silver');
  await screenshot(page, 'day-04-package-added');

  // 5. A rejection arrives in Needs attention: counted in the sidebar and the window title.
  await page.goto(`${origin}/#/compose/conax/add_subscriptions`);
  await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Service', 'code', FIXTURE.otherService);
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.unmanagedSmartcardSerial);
  const rejected = await queue(page);
  await expectState(page, rejected, 'REJECTED');
  const badge = nav(page).locator('.badge-attention');
  await expect(badge).toHaveText('1');
  await expect(page).toHaveTitle(/^\(1\) CA Desk/);
  await page.keyboard.press('a');
  await expect(page.getByTestId('attention-rejected').locator(`[data-request-id="${rejected}"]`)).toContainText('CLIENT_NOT_MANAGED_BY_SMS');
  await screenshot(page, 'day-05-rejection-in-attention');
  await axe('attention');

  // 6. Fix and resend: the item resolves, with a link to its copy.
  await openRequest(page, rejected);
  await page.getByRole('link', { name: 'Fix and resend as a new request' }).click();
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.smartcardSerial);
  const copy = await queue(page);
  await expect(badge).toHaveCount(0);
  await expect(page).toHaveTitle('CA Desk');
  await expectState(page, copy, 'COMPLETED');
  await page.keyboard.press('a');
  await expect(page.getByTestId('attention-rejected')).toContainText('No open rejection.');
  await expect(page.getByTestId('attention-resolved').locator(`[data-request-id="${rejected}"][data-resolution="replaced"]`)).toContainText(`as #${copy}`);
  await screenshot(page, 'day-06-rejection-resolved');

  // 7. The head-end goes down during a campaign: ten packages fail to go and wait to be retried.
  await app.runtime.stopHeadend();
  await expect(page.getByTestId('connection-state')).toHaveText('Offline', { timeout: 30_000 });
  const store = app.runtime.store;
  const queued = await store.enqueue(
    FAILED_CARDS.map((serial) => ({
      provider: 'nagravision' as const,
      method: 'add_enhanced_list_of_products',
      params: { smartcard_identifier: { serial_number: serial }, services_set: [{ service_identifier: { code: 'Platinum' } }] },
      operator: 'e2e',
    })),
  );
  if (!queued.ok) throw new Error(JSON.stringify(queued.errors));
  const failed = queued.ids;
  await expect
    .poll(async () => (await Promise.all(failed.map((id) => store.getRequest(id)))).filter((r) => r?.local_state === 'RETRY_WAIT').length, { timeout: 60_000 })
    .toBe(10);
  await page.keyboard.press('q');
  await page.getByTestId('count-RETRY_WAIT').click();
  await expect(page.getByTestId('queue-summary')).toHaveText('10 matching');
  await page.getByRole('checkbox', { name: 'Select all loaded rows' }).check();
  await expect(page.getByTestId('selection-count')).toHaveText('10 requests selected');
  await screenshot(page, 'day-07-ten-failed-selected');
  await axe('queue');

  // 8. Retry the ten; once the head-end is back they all go.
  await page.getByLabel('Reason (recorded on each)').fill('head-end restarted by the night shift');
  await page.getByRole('button', { name: 'Retry selected' }).click();
  await expect(page.getByTestId('selection-result')).toHaveText('10 requests retried.');
  await app.runtime.startHeadend();
  // The engine backs off from a head-end that was down; Sync now sends what
  // waits for its next attempt at once (it certainly did not reach the head-end).
  await page.getByRole('button', { name: 'Sync now' }).click();
  const states = async () => (await Promise.all(failed.map((id) => store.getRequest(id)))).map((r) => r?.local_state);
  await expect.poll(states, { timeout: 60_000 }).toEqual(failed.map(() => 'COMPLETED'));
  await page.getByRole('button', { name: /^All/ }).click();
  await expect(page.getByTestId('queue-summary')).toHaveText('14 matching');
  await screenshot(page, 'day-08-ten-retried-and-sent');

  // 9. The day's history as CSV: one row per event (a creation's id is its request's, negated), ISO times.
  await page.keyboard.press('r');
  await expect(page.getByRole('heading', { level: 1, name: 'Shift report' })).toBeVisible();
  // The period starts when this day started (not at midnight: a run may cross it).
  const from = await page.evaluate((ms) => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, dayStart - 60_000);
  await page.getByLabel('From').fill(from);
  await expect(page.getByTestId('report-total')).toHaveText('14 requests');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export history (CSV)' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  writeFileSync(path.join(SCREENSHOT_DIR, 'day-history.csv'), csv);
  const [header, ...rows] = csv.split('\r\n').filter(Boolean);
  expect(header).toBe('event_id,at,request_id,kind,actor,type,card,detail');
  const kindOf = (row: string) => row.split(',')[3];
  const count = (kind: string) => rows.filter((r) => kindOf(r) === kind).length;
  expect(count('created')).toBe(14);
  expect(count('retried')).toBe(10);
  expect(count('replaced')).toBe(1);
  expect(count('rejected')).toBe(1);
  expect(count('completed')).toBe(13);
  for (const row of rows) expect(row).toMatch(/^-?\d+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,\d+,/);
  for (const id of failed) expect(rows.some((r) => r.includes(`,${id},retried,`) && r.includes('head-end restarted by the night shift'))).toBe(true);
  await expect(page.getByTestId('report-message')).toHaveText(`Exported ${rows.length} history events.`);
  await screenshot(page, 'day-09-history-exported');
  await axe('report');

  // 10. The shift report, printed to PDF by Chromium (A4, print stylesheet).
  await expect(page.getByTestId('report-failures')).toContainText('CLIENT_NOT_MANAGED_BY_SMS');
  await expect(page.getByTestId('report-pending')).toHaveText('0 requests');
  await page.emulateMedia({ media: 'print' });
  await expect(nav(page)).toBeHidden();
  await expect(page.getByTestId('shift-report')).toBeVisible();
  await screenshot(page, 'day-10-shift-report-print');
  const pdf = await page.pdf({ path: path.join(SCREENSHOT_DIR, 'day-shift-report.pdf'), format: 'A4', printBackground: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(5_000);
  await page.emulateMedia({ media: 'screen' });

  // 11. The queue's health per head-end on the dashboard (the whole day is within its 24 hours).
  await page.keyboard.press('d');
  const nagravision = page.getByTestId('headend-health-nagravision');
  await expect(nagravision.getByRole('heading', { level: 2 })).toHaveText('Nagravision: 11 requests in the last 24 h');
  await expect(nagravision.getByRole('img', { name: /Nagravision requests per state: .*Completed 11\b/ })).toBeVisible();
  const conax = page.getByTestId('headend-health-conax');
  await expect(conax.getByRole('heading', { level: 2 })).toHaveText('Conax: 3 requests in the last 24 h');
  await expect(conax.getByRole('img', { name: /Conax requests per state: .*Completed 2, Rejected 1\b/ })).toBeVisible();
  await nagravision.scrollIntoViewIfNeeded();
  await screenshot(page, 'day-11-dashboard-per-headend');
  await axe('dashboard');

  expect(axeProblems).toEqual([]);
});
