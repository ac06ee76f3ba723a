import { FIXTURE } from '../electron/sandbox/seed-catalog';
import { expect, screenshot, test } from './fixtures';
import { expectState, fillIdentifier, openCompose, queue } from './helpers';

// The twelve documented request types, each composed through the form and
// followed until the sandbox head-end has COMPLETED it.

const SUB = FIXTURE.subscriptionNumber;
const CARD = FIXTURE.smartcardSerial;
const CARD_CA = FIXTURE.smartcardCaId;
const STB = FIXTURE.stbSerial;
/** Another seeded STB, free to join the pairing. */
const SECOND_STB = 'dc2000038';

test('every documented request type can be composed, queued and completes', async ({ console: page }) => {
  test.setTimeout(240_000);
  const queued: { label: string; id: number }[] = [];
  const subscription = () => fillIdentifier(page, 'Subscription', 'number', SUB);
  const smartcard = () => fillIdentifier(page, 'Smartcard', 'serial_number', CARD);
  const caId = async () => {
    const input = page.getByRole('combobox', { name: 'Smartcard CA id (names the pairing)', exact: true });
    await input.fill(CARD_CA);
    await input.press('Escape');
  };

  // Conax first: its pairing steps need the card unpaired, as the sandbox seeds it.
  const steps: { provider: 'Nagravision' | 'Conax'; action: string; fill: () => Promise<void> }[] = [
    {
      provider: 'Conax',
      action: 'ADD_SUBSCRIPTIONS',
      fill: async () => {
        await subscription();
        await fillIdentifier(page, 'Service', 'code', FIXTURE.otherService);
        // The smartcard through the catalog picker, as an operator would.
        const input = page.getByRole('combobox', { name: 'Smartcard', exact: true });
        await input.fill(CARD);
        await page.getByRole('option', { name: new RegExp(CARD) }).click();
        await expect(input).toHaveValue(CARD);
        await page.getByLabel('Priority (optional)').selectOption('EXPRESS');
      },
    },
    { provider: 'Conax', action: 'CANCEL_SUBSCRIPTIONS', fill: async () => { await subscription(); await fillIdentifier(page, 'Service', 'code', FIXTURE.otherService); await smartcard(); } },
    { provider: 'Conax', action: 'CREATE_PAIRING', fill: async () => { await fillIdentifier(page, 'Smartcards 1', 'serial_number', CARD); await fillIdentifier(page, 'STBs 1', 'serial_number', STB); } },
    {
      provider: 'Conax',
      action: 'ADD_TO_EXISTING_PAIRING',
      fill: async () => {
        await caId();
        await page.getByRole('button', { name: 'Add stb' }).click();
        await fillIdentifier(page, 'STBs 1', 'serial_number', SECOND_STB);
      },
    },
    { provider: 'Conax', action: 'UPDATE_CA_PIN_TO_DEFAULT_VALUE', fill: async () => { await subscription(); await caId(); } },
    { provider: 'Conax', action: 'UPDATE_CA_PIN_TO_GIVEN_VALUE', fill: async () => { await subscription(); await caId(); await page.getByLabel('New PIN').fill('1357'); } },
    { provider: 'Nagravision', action: 'ADD_ENHANCED_LIST_OF_PRODUCTS', fill: async () => { await subscription(); await fillIdentifier(page, 'Services 1', 'code', FIXTURE.otherService); await smartcard(); } },
    { provider: 'Nagravision', action: 'CANCEL_LIST_OF_PRODUCTS', fill: async () => { await subscription(); await fillIdentifier(page, 'Services 1', 'code', FIXTURE.entitledService); await smartcard(); } },
    { provider: 'Nagravision', action: 'PAIR_SMARTCARD_AND_STB', fill: async () => { await smartcard(); await fillIdentifier(page, 'STB (set-top box)', 'serial_number', STB); } },
    { provider: 'Nagravision', action: 'UPDATE_CA_PIN_TO_DEFAULT_VALUE', fill: async () => { await subscription(); await smartcard(); } },
    {
      provider: 'Nagravision',
      action: 'UPDATE_CA_PIN_TO_GIVEN_VALUE',
      fill: async () => {
        await subscription();
        await smartcard();
        const pin = page.getByLabel('New PIN');
        await expect(pin).toHaveAttribute('type', 'password');
        await pin.fill('2468');
      },
    },
    { provider: 'Nagravision', action: 'CLEAR_CA_PIN', fill: async () => { await subscription(); await smartcard(); } },
  ];

  for (const step of steps) {
    await openCompose(page, step.provider, step.action);
    await step.fill();
    if (queued.length === 0) await screenshot(page, 'compose-filled');
    queued.push({ label: `${step.provider} ${step.action}`, id: await queue(page) });
  }
  expect(queued).toHaveLength(12);

  for (const { id } of queued) await expectState(page, id, 'COMPLETED', 60_000);
  await screenshot(page, 'request-detail-completed');
  // The PIN never comes back to the screen.
  await expectState(page, queued[10]!.id, 'COMPLETED');
  await expect(page.getByTestId('request-body')).toContainText('[redacted]');
  await expect(page.getByTestId('request-body')).not.toContainText('2468');
  await expect(page.getByTestId('reference-number')).not.toHaveText('—');
});

test('schema errors show beside their fields and nothing is queued', async ({ console: page, app }) => {
  await openCompose(page, 'Conax', 'SEND_MAIL_MESSAGE_TO_CLIENT');
  await fillIdentifier(page, 'Smartcard', 'serial_number', CARD);
  await page.getByLabel('Message text').fill('x'.repeat(150));
  // A half-typed date (only the month) reads as "" in the browser: it must not become "no schedule".
  await page.getByLabel('Scheduled date (optional)').focus();
  await page.keyboard.type('02');
  await expect(page.getByTestId('incomplete-scheduled_date')).toHaveText('incomplete date');
  await page.getByRole('button', { name: 'Queue request' }).click();
  await expect(page.getByTestId('error-message_text')).toContainText('at most 141');
  await expect(page.getByTestId('error-scheduled_date')).toContainText('local date-time');
  await expect(page.getByLabel('Message text')).toBeFocused();
  await screenshot(page, 'compose-errors');
  await openCompose(page, 'Nagravision', 'CLEAR_CA_PIN');
  await page.getByRole('button', { name: 'Queue request' }).click();
  await expect(page.getByTestId('error-subscription_identifier')).toContainText('required');
  await expect(page.getByTestId('error-smartcard_identifier')).toBeVisible();
  expect((await app.runtime.store.countByState()).QUEUED).toBe(0);
  expect(Object.values(await app.runtime.store.countByState()).reduce((a, b) => a + b, 0)).toBe(0);
});
