// Numbers: the account list (filters as people type them, paging by links.next, URL state), a number's
// detail (attributes, routes, copy buttons), quick search, and axe on both screens.
import { DEMO_USER, expect, expectAccessible, test } from '../fixtures';
import { NumberDetailPage, NumbersPage } from '../pages/numbers.page';

test.describe('account numbers', () => {
  test('list loads, filters by what people type, pages forward and back', async ({
    adminPage: page,
    emulator,
    consoleErrors,
  }) => {
    await emulator.reset();
    const numbers = new NumbersPage(page);
    await numbers.goto('?limit=10');
    const firstPage = await numbers.visibleNumbers();
    expect(firstPage).toHaveLength(10);
    for (const n of firstPage) expect(n).toMatch(/^\+1 \d{3}-\d{3}-\d{4}$/);
    await expectAccessible(page);

    // Page forward: the API says there is more (links.next), the URL keeps the offset.
    await expect(numbers.previousButton).toBeDisabled();
    await numbers.nextButton.click();
    await expect(page).toHaveURL(/offset=10/);
    await expect(numbers.numberLinks.first()).not.toHaveText(firstPage[0]!);
    const secondPage = await numbers.visibleNumbers();
    expect(secondPage.some((n) => firstPage.includes(n))).toBe(false);
    await numbers.previousButton.click();
    await expect(page).not.toHaveURL(/offset=/);
    await expect(numbers.numberLinks.first()).toHaveText(firstPage[0]!);

    // Filter the way people type: "(206) 3" → starts_with=2063 in the URL; every row starts with +1 206-3.
    const area = firstPage[0]!.slice(3, 6);
    await numbers.filter('Starts with').fill(`(${area}) `);
    await expect(page).toHaveURL(new RegExp(`starts_with=${area}(&|$)`));
    // The previous rows stay on screen until the filtered page arrives: wait for it.
    await expect
      .poll(async () =>
        (await numbers.numberLinks.allTextContents()).every((n) => n.startsWith(`+1 ${area}-`)),
      )
      .toBe(true);

    // A typed "+1" country code is not part of the filter digits.
    await numbers.filter('Starts with').fill(`+1 ${area}`);
    await expect(page).toHaveURL(new RegExp(`starts_with=${area}(&|$)`));

    // A shared link restores the filter into the box.
    await page.reload();
    await expect(numbers.filter('Starts with')).toHaveValue(area);

    // Nothing matches: a clear empty state.
    await numbers.filter('Starts with').fill('');
    await numbers.filter('Ends with').fill('0000000');
    await expect(page.getByText('No numbers match')).toBeVisible();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect(numbers.numberLinks.first()).toBeVisible();

    expect(consoleErrors).toEqual([]);
  });

  test('page size up to 200 and sorting the loaded page', async ({ adminPage: page, consoleErrors }) => {
    const numbers = new NumbersPage(page);
    await numbers.goto();
    await numbers.rowsPerPage.selectOption('200');
    await expect(page).toHaveURL(/limit=200/);
    const alias = numbers.table.getByRole('columnheader', { name: 'Alias' });
    await alias.getByRole('button').click();
    await expect(page).toHaveURL(/sort=alias/);
    await expect(alias).toHaveAttribute('aria-sort', 'ascending');
    const aliases = await numbers.table.locator('tbody tr td:nth-child(3)').allTextContents();
    const named = aliases.filter((a) => a !== '—');
    expect(named).toEqual([...named].sort((a, b) => a.localeCompare(b)));
    await alias.getByRole('button').click();
    await expect(alias).toHaveAttribute('aria-sort', 'descending');
    expect(consoleErrors).toEqual([]);
  });

  test('open a number: attributes, routes, copy buttons', async ({
    adminPage: page,
    context,
    consoleErrors,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const numbers = new NumbersPage(page);
    await numbers.goto();
    const first = numbers.numberLinks.first();
    const formatted = (await first.textContent())!;
    const digits = NumbersPage.digits(formatted);
    await first.click();
    await expect(page).toHaveURL(new RegExp(`/numbers/${digits}$`));

    const detail = new NumberDetailPage(page);
    await expect(detail.heading(formatted)).toBeVisible();
    const attributes = detail.section('Attributes');
    await expect(attributes.getByText(`+${digits}`)).toBeVisible();
    await expect(
      detail.section('Voice routing').getByRole('table', { name: 'Current routes' }),
    ).toBeVisible();
    await expect(detail.section('Route details (included by Flowroute)')).toBeVisible();
    await expect(detail.section(/Recent messages/)).toBeVisible();

    await detail.copyButton('E.164').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`+${digits}`);
    await detail.copyButton('11-digit').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(digits);

    await expectAccessible(page);
    expect(consoleErrors).toEqual([]);
  });

  test('a number that is not on the account says so', async ({ adminPage: page }) => {
    const detail = new NumberDetailPage(page);
    await detail.goto('19999999999');
    await expect(page.getByText('This number is not on the account')).toBeVisible();
  });

  test('quick search (Ctrl+K) jumps to a number', async ({ adminPage: page, consoleErrors }) => {
    const numbers = new NumbersPage(page);
    await numbers.goto();
    const formatted = (await numbers.numberLinks.first().textContent())!;
    const digits = NumbersPage.digits(formatted);
    await page.keyboard.press('Control+K');
    const search = page.getByPlaceholder(/Type a number/);
    await expect(search).toBeVisible();
    await search.fill(digits.slice(1, 7));
    await page.getByRole('button', { name: new RegExp(formatted.replace(/[+]/g, '\\+')) }).click();
    await expect(page).toHaveURL(new RegExp(`/numbers/${digits}$`));
    await expect(page.getByRole('heading', { level: 1, name: formatted })).toBeVisible();
    expect(consoleErrors).toEqual([]);
  });

  test('an expired session goes to sign-in and comes back to the same page', async ({ adminPage: page }) => {
    const numbers = new NumbersPage(page);
    const details = new Set<string>();
    page.on('response', (r) => {
      if (/\/api\/v2\/numbers\/\d+$/.test(new URL(r.url()).pathname)) details.add(r.url());
    });
    await numbers.goto('?limit=10&contains=5');
    await expect(numbers.numberLinks.first()).toBeVisible();
    // The route columns read each row's detail a frame after the rows appear: let those finish first, or one of them
    // (not the click below) meets the ended session and goes to sign-in while the click waits for its button.
    const rows = await numbers.numberLinks.count();
    await expect.poll(() => details.size).toBe(rows);
    await page.context().clearCookies(); // the session ends (expiry, sign-out elsewhere…)
    await numbers.nextButton.click();
    await expect(page).toHaveURL(/\/login\?next=/);
    const next = new URL(page.url()).searchParams.get('next');
    expect(next).toContain('/numbers?');
    expect(next).toContain('contains=5');
    await page.getByRole('textbox', { name: 'Username' }).fill(DEMO_USER.username);
    await page.getByRole('textbox', { name: 'Password' }).fill(DEMO_USER.password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await expect(page).toHaveURL(/\/numbers\?.*contains=5/);
    await expect(numbers.numberLinks.first()).toBeVisible();
  });

  test('the numbers list and detail work on a phone', async ({ adminPage: page, consoleErrors }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const numbers = new NumbersPage(page);
    await numbers.goto();
    await expectAccessible(page);
    await numbers.numberLinks.first().click();
    await expect(page.getByRole('heading', { level: 1, name: /^\+1 / })).toBeVisible();
    await expectAccessible(page);
    expect(consoleErrors).toEqual([]);
  });
});
