import { expect, test } from './fixtures';

// Browser mode has no OS keychain: Settings says so, and a PIN queued while the
// desk is locked waits, sealed, until the operator enters the passphrase.

test('desk lock: a PIN waits while locked and is sent once the passphrase is entered', async ({ console: page, app }) => {
  await page.keyboard.press(',');
  await expect(page.getByTestId('lock-protection')).toContainText('no operating-system keychain');
  await expect(page.getByTestId('lock-state')).toHaveText('Unlocked.');
  await page.getByRole('button', { name: 'Lock the desk' }).click();
  await expect(page.getByTestId('lock-state')).toContainText('Locked.');

  const queued = await app.runtime.dispatch('requests.enqueue', {
    requests: [
      {
        provider: 'nagravision',
        method: 'set_pin_to_given_value',
        params: { subscription_identifier: { number: 'S60507' }, smartcard_identifier: { serial_number: 'smrt20000054' }, pin: '4826' },
      },
    ],
  });
  const result = queued.ok ? (queued.value as { results: { ok: boolean; id?: number }[] }).results[0] : undefined;
  const id = result?.id ?? -1;
  expect(id).toBeGreaterThan(0);
  await page.reload();
  await expect(page.getByTestId('lock-state')).toContainText('1 request(s) with a PIN wait');
  expect((await app.runtime.store.getRequest(id))?.local_state).toBe('QUEUED');

  await page.getByLabel('Desk passphrase').fill('e2e desk passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByTestId('lock-state')).toHaveText('Unlocked.');
  await expect.poll(async () => (await app.runtime.store.getRequest(id))?.local_state, { timeout: 30_000 }).toBe('COMPLETED');
});
