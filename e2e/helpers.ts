import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

// UI steps shared by the specs: they drive the console the way an operator does.

export async function openCompose(page: Page, provider: 'Nagravision' | 'Conax', action: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Compose' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Compose' })).toBeVisible();
  await page.getByRole('radio', { name: provider }).check();
  const select = page.getByLabel('Action');
  const value = await select.locator('option', { hasText: action }).first().getAttribute('value');
  await select.selectOption(value ?? '');
}

/** Fills one identifier: which key, then the value (free text; the catalog may not know it). */
export async function fillIdentifier(page: Page, label: string, key: string, value: string): Promise<void> {
  await page.getByRole('combobox', { name: `${label}: identify by`, exact: true }).selectOption(key);
  const input = page.getByRole('combobox', { name: label, exact: true });
  await input.fill(value);
  await input.press('Escape');
}

export async function queue(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Queue request' }).click();
  const link = page.getByTestId('compose-result').getByRole('link');
  await expect(link).toBeVisible();
  const text = (await link.textContent()) ?? '';
  return Number(text.replace('#', ''));
}

export async function openRequest(page: Page, id: number): Promise<void> {
  await page.goto(`${new URL(page.url()).origin}/#/request/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^Request #${id}\\b`) })).toBeVisible();
}

const FINAL = ['COMPLETED', 'REJECTED', 'NEEDS_ATTENTION', 'DISCARDED'];

/** Waits until the request reaches `state`; fails at once if it settles in another final state. */
export async function expectState(page: Page, id: number, state: string, timeout = 30_000): Promise<void> {
  await openRequest(page, id);
  const badge = page.getByTestId('request-state');
  // The badge must belong to this request before its state means anything.
  await expect(badge).toHaveAttribute('data-request-id', String(id), { timeout });
  await expect
    .poll(async () => {
      const current = (await badge.getAttribute('data-state')) ?? '';
      return current === state || FINAL.includes(current) ? current : 'waiting';
    }, { timeout, intervals: [200] })
    .toBe(state);
}

/** axe-core on the page as it is: serious or critical violations of WCAG 2.1 A/AA, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}
