// The long lists (numbers, audit, messages) on a phone are virtualized cards that fit the screen, and by keyboard;
// on a wide screen they are tables with row counts. Both colour schemes pass axe.
import type { Locator, Page } from '@playwright/test';
import { AuditPage } from '../pages/auth.page';
import { MessagesPage } from '../pages/messages.page';
import { NumbersPage } from '../pages/numbers.page';
import { expect, expectAccessible, test } from '../fixtures';

const PHONE = { width: 390, height: 844 };

async function useDarkMode(page: Page) {
  await page.addInitScript(() => localStorage.setItem('flowroute-ops-color-scheme', 'dark'));
}

async function openMessageLogInDarkMode(page: Page): Promise<MessagesPage> {
  await useDarkMode(page);
  const m = new MessagesPage(page);
  await m.gotoLog('?range=30d');
  await m.waitForLogLoaded();
  return m;
}

/** The element is inside the viewport's width (nothing to scroll sideways for). */
async function expectWithinWidth(locator: Locator, width = PHONE.width) {
  await expect(locator).toBeVisible();
  const box = await locator.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

async function expectNoSidewaysScroll(page: Page, region: Locator) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  const [scrollWidth, clientWidth] = await region.evaluate((el) => [el.scrollWidth, el.clientWidth]);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

test.describe('tables on a phone', () => {
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize(PHONE);
  });

  test('numbers are cards: number, type and routes visible without sideways scroll', async ({
    adminPage: page,
    consoleErrors,
  }) => {
    const numbers = new NumbersPage(page);
    await numbers.goto();
    const region = page.getByRole('region', { name: 'Account numbers (scrollable)' });
    const list = region.getByRole('list', { name: 'Account numbers' });
    const first = list.getByRole('listitem').first();
    await expect(first).toHaveAttribute('aria-posinset', '1');
    const total = Number(await first.getAttribute('aria-setsize'));
    expect(total).toBeGreaterThan(10);

    const link = first.getByRole('link', { name: /^\+1 \d{3}-\d{3}-\d{4}$/ });
    await expectWithinWidth(link);
    await expectWithinWidth(first.locator('[data-field="type"]'));
    await expect(first.locator('[data-field="type"]')).toHaveText(/^(Local|Toll-free)/);
    // Routes come from the number's detail once scrolling settles: wait for a name, not the placeholder.
    const primary = first.locator('[data-field="primary"]');
    await expect(primary).toHaveText(/^Primary\s*\S+/);
    await expectWithinWidth(primary);
    await expectWithinWidth(first.locator('[data-field="failover"]'));
    await expectNoSidewaysScroll(page, region);
    // Only the cards in view (plus a few) are in the DOM.
    expect(await list.getByRole('listitem').count()).toBeLessThan(total);
    await expectAccessible(page);

    // Keyboard: the first card's box, Space ticks it; Down moves to the next card's box.
    const box = first.getByRole('checkbox');
    await box.focus();
    await page.keyboard.press('Space');
    await expect(box).toBeChecked();
    await expect(page).toHaveURL(/selected=1\d{10}/);
    await page.keyboard.press('ArrowDown');
    const second = list.locator('li[aria-posinset="2"]');
    await expect(second.getByRole('checkbox')).toBeFocused();
    // Down from a number's link lands on the next number's link, rendered on demand near the end.
    await first.getByRole('link').focus();
    for (let i = 1; i < total; i++) await page.keyboard.press('ArrowDown');
    const last = list.locator(`li[aria-posinset="${total}"]`);
    await expect(last.getByRole('link')).toBeFocused();
    await expectWithinWidth(last.getByRole('link'));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/numbers\/1\d{10}$/);
    expect(consoleErrors).toEqual([]);
  });

  test('audit records are cards that open by keyboard, in dark mode', async ({
    adminPage: page,
    consoleErrors,
  }) => {
    await useDarkMode(page);
    const audit = new AuditPage(page);
    await audit.goto();
    const card = audit.rows.first();
    await expect(card).toBeVisible();
    expect(await card.evaluate((el) => el.tagName)).toBe('LI');
    const open = card.getByRole('button', { name: /^Details: Sign-in by demo/ });
    await expectWithinWidth(open);
    await expectWithinWidth(card.locator('[data-field="result"]'));
    await expectNoSidewaysScroll(
      page,
      page.getByRole('region', { name: /^Audit records .* \(scrollable\)$/ }),
    );
    await expectAccessible(page);
    await open.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog', { name: 'Audit record' })).toBeVisible();
    await expect(page).toHaveURL(/id=/);
    expect(consoleErrors).toEqual([]);
  });

  test('the message log is cards with readable status pills in dark mode', async ({
    adminPage: page,
    consoleErrors,
  }) => {
    const m = await openMessageLogInDarkMode(page);
    const card = m.rows.first();
    await card.scrollIntoViewIfNeeded();
    await expectWithinWidth(card.locator('[data-field="status"]'));
    await expectWithinWidth(card.locator('[data-field="theirs"]'));
    await expectNoSidewaysScroll(page, page.getByRole('region', { name: 'Messages (scrollable)' }));
    await expectAccessible(page);
    await card.getByRole('button', { name: /^Open message sent / }).press('Enter');
    await expect(page).toHaveURL(/sel=mdr2-/);
    expect(consoleErrors).toEqual([]);
  });
});

test('wide screens: the numbers table has row counts, a sticky header and row-to-row keys; dark mode passes axe', async ({
  adminPage: page,
  consoleErrors,
}) => {
  await useDarkMode(page);
  const numbers = new NumbersPage(page);
  await numbers.goto('?limit=200');
  await expect(numbers.numberLinks.first()).toBeVisible();
  const count = Number(await numbers.table.getAttribute('aria-rowcount'));
  expect(count).toBeGreaterThan(10);
  await expect(numbers.table.locator('tbody tr[aria-rowindex="2"]')).toBeVisible();
  const links = numbers.numberLinks;
  await links.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(numbers.table.locator('tr[aria-rowindex="3"]').getByRole('link')).toBeFocused();
  // Scrolled to the bottom, the header is still at the top of the scroll area.
  const region = page.getByRole('region', { name: /^Account numbers \(scrollable\)$/ });
  await region.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(numbers.table.locator(`tr[aria-rowindex="${count}"]`)).toBeVisible();
  const header = numbers.table.getByRole('columnheader', { name: 'Alias' });
  const [regionBox, headerBox] = [await region.boundingBox(), await header.boundingBox()];
  expect(Math.abs(headerBox!.y - regionBox!.y)).toBeLessThan(3);
  await expectAccessible(page);
  expect(consoleErrors).toEqual([]);
});

test('wide screens: the message log is a table with a row count; dark mode passes axe', async ({
  adminPage: page,
  consoleErrors,
}) => {
  const m = await openMessageLogInDarkMode(page);
  await expect(page.getByRole('table', { name: 'Messages' })).toHaveAttribute('aria-rowcount', /^\d+$/);
  await expect(m.rows.first().locator('td').nth(4)).toHaveText(/\S/);
  await expectAccessible(page);
  expect(consoleErrors).toEqual([]);
});
