import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, test } from './fixtures';
import { expectState, queue } from './helpers';

// The card desk at an operator's screen size: find a card by its CA id, see
// what the head-end last told us, query its subscriptions from the card and
// read the answer on the request and on the card.

test.use({ viewport: { width: 1366, height: 768 } });

test('find a card by CA id, query its subscriptions from the card, and read the answer on screen', async ({ console: page }) => {
  const origin = new URL(page.url()).origin;
  await page.goto(`${origin}/#/card/${FIXTURE.smartcardCaId}`);
  await expect(page.getByRole('heading', { level: 1, name: `Card ${FIXTURE.smartcardSerial}` })).toBeVisible();
  await expect(page.getByTestId('card-identity')).toContainText(FIXTURE.smartcardCaId);
  await expect(page.getByTestId('card-identity')).toContainText('CA id');
  // Before any query, the catalog is what the head-end last told us.
  await expect(page.getByTestId('card-services')).toContainText(FIXTURE.entitledService);
  await expect(page.getByTestId('card-services')).toContainText('catalog sync');
  await screenshot(page, 'card-desk-by-ca-id');

  await page.getByRole('link', { name: 'Query active subscriptions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Compose' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Smartcard', exact: true })).toHaveValue(FIXTURE.smartcardSerial);
  const id = await queue(page);
  await expectState(page, id, 'COMPLETED');
  const result = page.getByTestId('query-result');
  await expect(result.getByTestId('query-services')).toContainText(FIXTURE.entitledService);
  await expect(page.getByTestId('request-reason')).toHaveCount(0);
  await screenshot(page, 'request-query-answer');

  await page.getByRole('link', { name: FIXTURE.smartcardSerial }).click();
  await expect(page.getByTestId('card-answers')).toContainText(`#${id}`);
  await expect(page.getByTestId('card-answers')).toContainText(FIXTURE.entitledService);
  // The answer is newer than the catalog: the card's services now come from it.
  await expect(page.getByTestId('card-services')).toContainText(`by query #${id}`);
  await screenshot(page, 'card-desk-after-query');

  // Any identifier finds the same card: the serial typed in the finder, a request's head-end number.
  await page.getByLabel('Find a card').fill(FIXTURE.smartcardSerial);
  await page.getByRole('button', { name: 'Open card' }).click();
  await expect(page.getByTestId('card-answers')).toContainText(`#${id}`);
  const number = await (async () => {
    await page.goto(`${origin}/#/request/${id}`);
    return (await page.getByTestId('headend-number').textContent()) ?? '';
  })();
  await page.goto(`${origin}/#/card/${number}`);
  await expect(page.getByTestId('card-identity')).toContainText(`head-end number of request #${id}`);
  await page.goto(`${origin}/#/card/no-such-card-777`);
  await expect(page.getByTestId('card-not-found')).toContainText('no-such-card-777');
});
