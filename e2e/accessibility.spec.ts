import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, test } from './fixtures';
import { expectState, fillIdentifier, openCompose, queue, seriousViolations } from './helpers';

// axe-core on every main screen, in the light and the dark theme: no serious
// or critical violation of WCAG 2.1 A/AA.

test('no serious accessibility violations on the main screens, light and dark', async ({ console: page }) => {
  test.setTimeout(400_000);
  await openCompose(page, 'Nagravision', 'UPDATE_CA_PIN_TO_GIVEN_VALUE');
  await fillIdentifier(page, 'Subscription', 'number', FIXTURE.subscriptionNumber);
  await fillIdentifier(page, 'Smartcard', 'serial_number', FIXTURE.smartcardSerial);
  await page.getByLabel('New PIN').fill('9753');
  const id = await queue(page);
  await expectState(page, id, 'COMPLETED');
  const card = (await page.getByRole('link', { name: FIXTURE.smartcardSerial }).getAttribute('href')) ?? '#/queue';

  const screens: [string, string][] = [
    ['queue', '#/queue'],
    ['compose', '#/compose/conax/add_to_existing_pairing'],
    ['bulk', '#/bulk'],
    ['attention', '#/attention'],
    ['request', `#/request/${id}`],
    ['card', card],
    ['dashboard', '#/dashboard'],
    ['report', '#/report'],
    ['settings', '#/settings'],
  ];
  const origin = new URL(page.url()).origin;
  const problems: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, hash] of screens) {
      await page.goto(`${origin}/${hash}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      for (const v of await seriousViolations(page)) problems.push(`${scheme}/${name}: ${v}`);
      await screenshot(page, `${name}-${scheme}`);
    }
  }
  expect(problems).toEqual([]);
});
